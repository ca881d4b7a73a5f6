"""Forward a call to the provider (REST over a pooled httpx client, SOAP through the adapter)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from django.apps import apps
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils.translation import gettext as _

from ecity.exchange.adapters.soap import soap_call
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


#: A WSGI application: ``app(environ, start_response)`` answering an iterable of bytes.
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@contextmanager
def provider_transport(*, base_url: str, app: WsgiApp) -> Iterator[None]:
    """Forward the calls to ``base_url`` to the WSGI ``app`` in this process, for the block.

    The demo city's one seam (``ecity.demo.services.exchange_calls``): its service 人口信息核验
    is backed by this platform's own registry API, and the demo calls the gateway without a
    network server. Inside the block the pooled client is replaced by one that sends requests
    to ``base_url``'s origin (scheme, host and port) through ``httpx.WSGITransport(app=app)``
    and every other URL over the network as usual; the previous client is restored afterwards.
    The provider's request runs inside the caller's request and database transaction, so, as
    Django's test client does, it does not close the database connection when it starts or
    ends. Process-wide and not for concurrent use: never used by the running gateway.
    """
    global _client
    url = httpx.URL(base_url)
    origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
    in_process = httpx.Client(
        mounts={origin: httpx.WSGITransport(app=_keeping_connection(app))},
        follow_redirects=False,
        trust_env=False,
    )
    with _client_lock:
        previous, _client = _client, in_process
    try:
        yield
    finally:
        with _client_lock:
            _client = previous
        in_process.close()


def _keeping_connection(app: WsgiApp) -> WsgiApp:
    """``app`` with ``close_old_connections`` held off while it answers (and closes) a request."""

    def answer(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        held = [
            signal
            for signal in (request_started, request_finished)
            if signal.disconnect(close_old_connections)
        ]
        try:
            result = app(environ, start_response)
            try:
                return [b"".join(result)]
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()  # Django sends request_finished here
        finally:
            for signal in held:
                signal.connect(close_old_connections)

    return answer


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
    except httpx.HTTPError as error:
        raise provider_fault(error) from error
    return ProviderAnswer(
        status=response.status_code,
        headers=kept_headers(response.headers.items()),
        body=response.content,
    )


def provider_fault(error: Exception) -> GatewayFault:
    """The fault for a provider that did not answer: 504 on a timeout, 502 otherwise."""
    if isinstance(error, httpx.TimeoutException | TimeoutError):
        return GatewayFault(
            _("The provider did not answer within %(seconds)s seconds.")
            % {"seconds": settings.ECITY_EXCHANGE_GATEWAY_TIMEOUT_SECONDS},
            code=ExchangeErrorCode.PROVIDER_TIMEOUT,
            status=504,
        )
    return GatewayFault(
        _("The provider's system could not be reached."),
        code=ExchangeErrorCode.PROVIDER_UNREACHABLE,
        status=502,
    )


def kept_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The provider's response headers passed back to the client."""
    return [(k, v) for k, v in headers if k.lower() not in DROPPED_RESPONSE_HEADERS]


def _renamed(values: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    return {mapping.get(k, k): v for k, v in values.items()}


def forward_soap(
    *, service: Service, endpoint: Endpoint | None, arguments: dict[str, Any]
) -> ProviderAnswer:
    """Call the SOAP operation of ``endpoint`` through the SOAP adapter; answer JSON.

    The endpoint's mapping renames JSON fields to XML elements (``request``) and back
    (``response``).
    """
    if endpoint is None or not endpoint.soap_operation:
        raise GatewayFault(
            _("This path is not an operation of the SOAP service."),
            code=ExchangeErrorCode.UNKNOWN_SERVICE,
            status=404,
        )
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
