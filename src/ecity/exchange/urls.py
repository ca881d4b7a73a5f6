"""Exchange staff pages, mounted at /exchange/ (with /en/ for English)."""

from django.urls import path

from ecity.exchange import pubsub_views, views

app_name = "exchange"
urlpatterns = [
    # Publish/subscribe (H2): a department's subscriptions and dead letters.
    path("subscriptions/", pubsub_views.pubsub_home, name="pubsub_home"),
    path(
        "subscriptions/<uuid:public_id>/",
        pubsub_views.subscription_detail,
        name="subscription_detail",
    ),
    path("services/", views.service_catalogue_page, name="service_catalogue"),
    path("traffic/<str:code>/", views.department_traffic_page, name="department_traffic"),
]
