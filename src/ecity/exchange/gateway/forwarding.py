"""Forward a call to the provider (REST over a pooled httpx client, SOAP through the adapter)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import httpx
from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext as _

from ecity.exchange.errors import ExchangeErrorCode, GatewayFault
from ecity.exchange.models import Endpoint, Service

# Request headers passed on to the provider (besides the gateway's own X-Road-* headers).
PASSED_REQUEST_HEADERS = (
    "content-type",
    "accept",
    "accept-language",
    "x-road-userid",
    "x-road-issue",
)
# Response headers not passed back (hop-by-hop, or recomputed by Django).
DROPPED_RESPONSE_HEADERS = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "content-encoding",
    "server",
    "date",
}

_client: httpx.Client | None = None
_client_lock = threading.Lock()


def http_client() -> httpx.Client:
    """The process's pooled HTTP client (keep-alive connections to the providers)."""
    global _client
    if _client is None:
        with _client_lock:
            if _client is None:
                _client = httpx.Client(
                    limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
                    follow_redirects=False,
                    trust_env=False,
                )
    return _client


@dataclass(frozen=True)
class ProviderAnswer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def timeout_seconds() -> float:
    return float(settings.ECITY_EXCHANGE_GATEWAY_TIMEOUT_SECONDS)


def forward_http(
    *, url: str, method: str, query: str, headers: dict[str, Any], body: bytes
) -> ProviderAnswer:
    """Send the call to ``url``; raise a ``GatewayFault`` (502, 504) when the provider fails."""
    try:
        response = http_client().request(
            method,
            url + (f"?{query}" if query else ""),
            headers=headers,
            content=body or None,
            timeout=timeout_seconds(),
        )
    except httpx.TimeoutException as error:
        raise GatewayFault(
            _("The provider did not answer within %(seconds)s seconds.")
            % {"seconds": settings.ECITY_EXCHANGE_GATEWAY_TIMEOUT_SECONDS},
            code=ExchangeErrorCode.PROVIDER_TIMEOUT,
            status=504,
        ) from error
    except httpx.HTTPError as error:
        raise GatewayFault(
            _("The provider's system could not be reached."),
            code=ExchangeErrorCode.PROVIDER_UNREACHABLE,
            status=502,
        ) from error
    kept = [
        (k, v) for k, v in response.headers.items() if k.lower() not in DROPPED_RESPONSE_HEADERS
    ]
    return ProviderAnswer(status=response.status_code, headers=kept, body=response.content)


def _renamed(values: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    return {mapping.get(k, k): v for k, v in values.items()}


def forward_soap(
    *, service: Service, endpoint: Endpoint | None, arguments: dict[str, Any]
) -> ProviderAnswer:
    """Call the SOAP operation of ``endpoint`` through the SOAP adapter; answer JSON.

    The endpoint's mapping renames JSON fields to XML elements (``request``) and back
    (``response``). Without the adapter module the call is refused with a 501 fault.
    """
    import json

    if endpoint is None or not endpoint.soap_operation:
        raise GatewayFault(
            _("This path is not an operation of the SOAP service."),
            code=ExchangeErrorCode.UNKNOWN_SERVICE,
            status=404,
        )
    try:
        from ecity.exchange.adapters.soap import (
            soap_call,  # type: ignore[import-not-found,unused-ignore]
        )
    except ImportError as error:
        raise GatewayFault(
            _("The SOAP adapter is not installed on this node."),
            code=ExchangeErrorCode.ADAPTER_NOT_INSTALLED,
            status=501,
        ) from error
    mapping = endpoint.soap_mapping or {}
    try:
        result = soap_call(
            wsdl=service.wsdl,
            operation=endpoint.soap_operation,
            arguments=_renamed(arguments, mapping.get("request", {})),
            timeout=timeout_seconds(),
        )
    except TimeoutError as error:
        raise GatewayFault(code=ExchangeErrorCode.PROVIDER_TIMEOUT, status=504) from error
    except (ConnectionError, OSError) as error:
        raise GatewayFault(code=ExchangeErrorCode.PROVIDER_UNREACHABLE, status=502) from error
    body = json.dumps(
        _renamed(result, mapping.get("response", {})), ensure_ascii=False, default=str
    )
    return ProviderAnswer(
        status=200, headers=[("Content-Type", "application/json")], body=body.encode("utf-8")
    )


def remote_gateway_url(instance: str) -> str | None:
    """The gateway URL of the federated instance ``instance`` (H1's ``RemoteInstance``), or None."""
    try:
        model = apps.get_model("exchange", "RemoteInstance")
    except LookupError:
        return None
    row = model.objects.filter(code=instance).values_list("gateway_url", flat=True).first()
    return str(row).rstrip("/") if row else None
