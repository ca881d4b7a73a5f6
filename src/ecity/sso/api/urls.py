"""SSO API, mounted at /api/v1/sso/."""

from django.urls import path

from ecity.sso.api import views

app_name = "sso-api"
urlpatterns = [
    path("federations/", views.FederationListApi.as_view(), name="federation-list"),
    path(
        "federations/<uuid:public_id>/",
        views.FederationDeleteApi.as_view(),
        name="federation-detail",
    ),
]
