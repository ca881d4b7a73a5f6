"""Operations endpoints of the exchange: ``/metrics`` (Prometheus) and ``/health``."""

from __future__ import annotations

import hmac
import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from ecity.exchange import metrics


def _loopback(request: HttpRequest) -> bool:
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus exposition; needs ``ECITY_METRICS_TOKEN`` as bearer, or loopback without one."""
    token = str(settings.ECITY_METRICS_TOKEN or "")
    if token:
        sent = request.META.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ").strip()
        allowed = hmac.compare_digest(sent.encode(), token.encode())
    else:
        allowed = _loopback(request)
    if not allowed:
        return HttpResponse(status=403 if token else 404)
    return HttpResponse(metrics.metrics_text(), content_type="text/plain; version=0.0.4")


def _transport_status() -> dict[str, str]:
    transport = str(getattr(settings, "ECITY_EXCHANGE_TRANSPORT", "database") or "database")
    if transport != "nats":
        return {"transport": transport, "status": "ok"}
    url = str(getattr(settings, "ECITY_EXCHANGE_NATS_URL", "nats://127.0.0.1:4222"))
    parts = urlsplit(url.split(",")[0])
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 4222), 1):
            return {"transport": transport, "status": "ok"}
    except OSError:
        return {"transport": transport, "status": "unreachable"}


def health_view(request: HttpRequest) -> JsonResponse:
    """Readiness of the exchange: the database (the message log) and the transport."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # noqa: BLE001 - any database failure means "not ready"
        database = "unavailable"
    transport = _transport_status()
    healthy = database == "ok" and transport["status"] == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", "database": database, "exchange": transport},
        status=200 if healthy else 503,
    )
