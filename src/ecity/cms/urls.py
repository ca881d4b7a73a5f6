"""HTML routes of the sub-sites outside the page tree (the page tree is served under /site/)."""

from django.urls import path

from ecity.cms import views

app_name = "cms"

urlpatterns = [
    path("feeds/<int:page_id>/<str:kind>/", views.page_feed, name="feed"),
    path("policies/<int:page_id>/print/", views.policy_print, name="policy_print"),
    path("integrity/", views.integrity_overview, name="integrity"),
]
