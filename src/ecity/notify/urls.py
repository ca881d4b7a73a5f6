"""Notification pages, mounted at /notifications/ (language-prefixed)."""

from django.urls import path

from ecity.notify import subscription_views, views

app_name = "notify"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("preferences/", views.preferences, name="preferences"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("<uuid:public_id>/read/", views.mark_read, name="read"),
    path("subscribe/", subscription_views.subscribe, name="subscribe"),
    path("subscriptions/", subscription_views.subscription_list, name="subscriptions"),
    path(
        "subscriptions/<uuid:public_id>/cancel/",
        subscription_views.subscription_cancel,
        name="subscription_cancel",
    ),
    path(
        "subscriptions/confirm/<str:token>/",
        subscription_views.subscription_confirm,
        name="subscription_confirm",
    ),
    path(
        "subscriptions/unsubscribe/<str:token>/", subscription_views.unsubscribe, name="unsubscribe"
    ),
]
