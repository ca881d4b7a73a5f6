"""Hotline API, mounted at /api/v1/hotline/."""

from django.urls import path

from ecity.hotline.api import knowledge as knowledge_api
from ecity.hotline.api.tickets import CallerTicketsApi, TicketCreateApi

app_name = "hotline-api"
urlpatterns = [
    path("tickets/", TicketCreateApi.as_view(), name="ticket_create"),
    path("callers/<str:phone>/tickets/", CallerTicketsApi.as_view(), name="caller_tickets"),
    path("knowledge/", knowledge_api.KnowledgeSearchApi.as_view(), name="knowledge-search"),
]
