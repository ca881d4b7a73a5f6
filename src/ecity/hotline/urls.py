"""Hotline pages, mounted at /hotline/ (with /en/ for English)."""

from django.urls import path  # noqa: F401

app_name = "hotline"
urlpatterns: list = []
