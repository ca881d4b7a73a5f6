"""Hotline API, mounted at /api/v1/hotline/."""

from django.urls import path

from ecity.hotline.api import knowledge as knowledge_api

app_name = "hotline-api"
urlpatterns: list = []

# knowledge base (public search)
urlpatterns += [
    path("knowledge/", knowledge_api.KnowledgeSearchApi.as_view(), name="knowledge-search"),
]
