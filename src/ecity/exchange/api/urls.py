"""Exchange API, mounted at /api/v1/exchange/."""

from django.urls import path

from ecity.exchange.api import discovery

app_name = "exchange-api"
urlpatterns = [
    path("clients/", discovery.ClientListApi.as_view(), name="client_list"),
]
