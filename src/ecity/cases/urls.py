"""HTML pages of the case system: applicant pages and the staff workbench."""

from django.urls import path  # noqa: F401

app_name = "cases"
urlpatterns: list = []
