"""Audit pages, mounted at /audit/ (under the language prefix)."""

from django.urls import path

from ecity.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.search, name="search"),
    path("my-data/", views.my_data, name="my_data"),
    path("export.csv", views.export, {"export_format": "csv"}, name="export_csv"),
    path("export.jsonl", views.export, {"export_format": "jsonl"}, name="export_jsonl"),
    path("verify/", views.verify, name="verify"),
]
