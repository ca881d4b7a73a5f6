"""Exchange API, mounted at /api/v1/exchange/."""

from django.urls import path

from ecity.exchange.api import discovery, registry

app_name = "exchange-api"
urlpatterns = [
    path("clients/", discovery.ClientListApi.as_view(), name="client_list"),
    path("services/", registry.ServiceRegisterApi.as_view(), name="service_register"),
    path("access-rights/", registry.AccessRightGrantApi.as_view(), name="access_right_grant"),
    path(
        "access-rights/<uuid:public_id>/revoke/",
        registry.AccessRightRevokeApi.as_view(),
        name="access_right_revoke",
    ),
]
