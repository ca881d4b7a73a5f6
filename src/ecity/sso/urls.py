"""Pages about the person's linked applications, mounted at /accounts/linked-apps/."""

from django.urls import path

from ecity.sso import views

app_name = "sso"
urlpatterns = [
    path("", views.linked_apps, name="linked_apps"),
    path("<uuid:public_id>/unlink/", views.unlink, name="unlink"),
]
