"""Notifications API, mounted at /api/v1/notifications/."""

from django.urls import path

from ecity.notify.api import views

app_name = "notify-api"
urlpatterns = [
    path("", views.NotificationListApi.as_view(), name="list"),
    path("preferences/", views.PreferencesApi.as_view(), name="preferences"),
    path("<uuid:public_id>/read/", views.NotificationReadApi.as_view(), name="read"),
]
