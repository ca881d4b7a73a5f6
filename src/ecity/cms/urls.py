"""HTML routes of the sub-sites outside the page tree (the page tree is served under /site/)."""

from django.urls import path

from ecity.cms import views

app_name = "cms"

urlpatterns = [
    path("integrity/", views.integrity_overview, name="integrity"),
]
