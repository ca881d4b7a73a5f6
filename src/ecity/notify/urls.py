"""Notification pages, mounted at /notifications/ (language-prefixed)."""

from django.urls import path

from ecity.notify import views

app_name = "notify"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("preferences/", views.preferences, name="preferences"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("<uuid:public_id>/read/", views.mark_read, name="read"),
]
