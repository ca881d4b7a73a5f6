"""Participation API, mounted at /api/v1/participation/."""

from django.urls import path  # noqa: F401

app_name = "participation-api"
urlpatterns: list = []
