"""Disclosure API, mounted at /api/v1/disclosure/."""

from django.urls import path

from ecity.disclosure.api import requests as requests_api

app_name = "disclosure-api"
urlpatterns = [
    path("requests/", requests_api.RequestSubmitApi.as_view(), name="requests"),
    path("requests/status/", requests_api.RequestStatusApi.as_view(), name="request-status"),
    path("requests/mine/", requests_api.MyRequestsApi.as_view(), name="my-requests"),
]
