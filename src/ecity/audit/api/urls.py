"""Audit API, mounted at /api/v1/audit/."""

from django.urls import path

from ecity.audit.api import views

app_name = "audit-api"
urlpatterns = [
    path("my-data/", views.MyDataAccessListApi.as_view(), name="my-data"),
    path("entries/", views.AuditEntryListApi.as_view(), name="entry-list"),
    path("verify/", views.ChainVerifyApi.as_view(), name="verify"),
]
