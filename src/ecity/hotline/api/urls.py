"""Hotline API, mounted at /api/v1/hotline/."""

from django.urls import path  # noqa: F401

app_name = "hotline-api"
urlpatterns: list = []
