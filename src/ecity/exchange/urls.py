"""Exchange staff pages, mounted at /exchange/ (with /en/ for English)."""

from django.urls import path

from ecity.exchange import views

app_name = "exchange"
urlpatterns = [
    path("services/", views.service_catalogue_page, name="service_catalogue"),
    path("traffic/<str:code>/", views.department_traffic_page, name="department_traffic"),
]
