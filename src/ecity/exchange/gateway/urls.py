"""``/r1/{instance}/{class}/{member}/{subsystem}/{service}/{path}`` (X-Road REST shape)."""

from django.urls import re_path

from ecity.exchange.gateway import views

app_name = "exchange-gateway"

urlpatterns = [
    re_path(
        r"^(?P<provider>[^/]+/[^/]+/[^/]+/[^/]+)/(?P<service_code>[^/]+)(?:/(?P<path>.*))?$",
        views.gateway,
        name="call",
    ),
]
