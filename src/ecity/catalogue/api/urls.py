"""Catalogue API, mounted at /api/v1/catalogue/."""

from django.urls import path

from ecity.catalogue.api import joint, views

app_name = "catalogue-api"
urlpatterns = [
    path("themes/", views.ThemeListApi.as_view(), name="theme_list"),
    path("life-events/", views.LifeEventListApi.as_view(), name="life_event_list"),
    path("items/", views.ItemListApi.as_view(), name="item_list"),
    path("joint-services/", joint.JointServiceListApi.as_view(), name="joint_service_list"),
    path(
        "joint-services/<slug:code>/",
        joint.JointServiceDetailApi.as_view(),
        name="joint_service_detail",
    ),
    path("items/<str:code>/", views.ItemDetailApi.as_view(), name="item_detail"),
    path("items/<str:code>/versions/", views.VersionListApi.as_view(), name="version_list"),
    path(
        "items/<str:code>/versions/<int:number>/",
        views.VersionDetailApi.as_view(),
        name="version_detail",
    ),
    path("items/<str:code>/form/validate/", views.FormValidateApi.as_view(), name="form_validate"),
    path("items/<str:code>/drafts/", views.DraftCreateApi.as_view(), name="draft_create"),
    path("versions/<str:public_id>/", views.VersionEditApi.as_view(), name="version_edit"),
    path(
        "versions/<str:public_id>/publish/",
        views.VersionPublishApi.as_view(),
        name="version_publish",
    ),
]
