"""Participation pages, mounted at /participation/ (with /en/ for English)."""

from django.urls import path  # noqa: F401

app_name = "participation"
urlpatterns: list = []
