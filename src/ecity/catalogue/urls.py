"""Public catalogue pages, mounted at /services/ (with /en/ for English)."""

from django.urls import path

from ecity.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.item_list, name="item_list"),
    path("themes/<slug:code>/", views.theme_detail, name="theme_detail"),
    path("life-events/<slug:code>/", views.life_event_detail, name="life_event_detail"),
    path("departments/<str:code>/", views.department_detail, name="department_detail"),
    path("items/<str:code>/", views.item_detail, name="item_detail"),
    path("items/<str:code>/guide.pdf", views.item_pdf, name="item_pdf"),
    path("items/<str:code>/apply/", views.apply, name="apply"),
    path("items/<str:code>/versions/", views.version_list, name="version_list"),
    path("items/<str:code>/versions/<int:number>/", views.version_detail, name="version_detail"),
    path(
        "items/<str:code>/materials/<uuid:material_id>/template/",
        views.material_template,
        name="material_template",
    ),
    path(
        "items/<str:code>/materials/<uuid:material_id>/example/",
        views.material_example,
        name="material_example",
    ),
]
