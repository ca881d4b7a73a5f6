"""Public metadata pages, mounted at /registry/ (with /en/ for English)."""

from django.urls import path

from ecity.registry import sharing_views, views

app_name = "registry"
urlpatterns = [
    path("data-elements/", views.data_element_list, name="data_element_list"),
    path("data-elements/<str:identifier>/", views.data_element_detail, name="data_element_detail"),
    path("code-lists/", views.code_list_list, name="code_list_list"),
    path("code-lists/<str:identifier>/", views.code_list_detail, name="code_list_detail"),
    # Staff pages of controlled sharing (data administrators).
    path("sharing/", sharing_views.sharing_home, name="sharing_home"),
    path(
        "sharing/resources/<str:resource_code>/request/",
        sharing_views.sharing_request_new,
        name="sharing_request_new",
    ),
    path(
        "sharing/requests/<str:public_id>/",
        sharing_views.sharing_request_detail,
        name="sharing_request_detail",
    ),
    path(
        "sharing/grants/<str:public_id>/revoke/",
        sharing_views.sharing_grant_revoke,
        name="sharing_grant_revoke",
    ),
]
