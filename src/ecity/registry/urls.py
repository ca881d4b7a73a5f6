"""Registry pages, mounted at /registry/ (with /en/ for English): metadata, my record, quality."""

from django.urls import path

from ecity.registry import views

app_name = "registry"
urlpatterns = [
    path("data-elements/", views.data_element_list, name="data_element_list"),
    path("data-elements/<str:identifier>/", views.data_element_detail, name="data_element_detail"),
    path("code-lists/", views.code_list_list, name="code_list_list"),
    path("code-lists/<str:identifier>/", views.code_list_detail, name="code_list_detail"),
    path("my-record/", views.my_record, name="my_record"),
    path("quality/<str:code>/", views.quality, name="quality"),
]
