"""Exchange pages: ``/metrics`` (Prometheus), ``/health``, the service catalogue, traffic."""

from __future__ import annotations

import datetime as dt
import hmac
import ipaddress
import socket
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ecity.exchange import metrics
from ecity.exchange.identifiers import local_instance
from ecity.exchange.selectors import catalogue
from ecity.org.models import Department
from ecity.org.selectors import is_staff_member
from ecity.registry.selectors.sharing import can_administer_sharing


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


# --- staff pages: the service catalogue and a department's traffic ------------------------------


@login_required
@require_GET
def service_catalogue_page(request: HttpRequest) -> HttpResponse:
    """The searchable service catalogue (local and federated services), for staff."""
    if not is_staff_member(user=request.user):
        raise DjangoPermissionDenied
    filters = {
        "query": request.GET.get("q", "").strip()[:100],
        "department": request.GET.get("department", "").strip()[:100],
        "resource": request.GET.get("resource", "").strip()[:100],
    }
    services = catalogue.service_catalogue(**filters)
    page = Paginator(services, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "exchange/service_catalogue.html",
        {
            "page": page,
            "filters": filters,
            "local_instance": local_instance(),
            "page_query": urlencode({k: v for k, v in request.GET.items() if k != "page"}),
        },
    )


@login_required
@require_GET
def department_traffic_page(request: HttpRequest, code: str) -> HttpResponse:
    """A department's services: calls, errors, p50/p95 latency, SLA breaches and clients."""
    department = get_object_or_404(Department, code=code)
    if not can_administer_sharing(actor=request.user, department=department):  # type: ignore[arg-type]
        raise DjangoPermissionDenied
    try:
        days = min(90, max(1, int(request.GET.get("days", "7"))))
    except ValueError:
        days = 7
    since = timezone.now() - dt.timedelta(days=days)
    return render(
        request,
        "exchange/department_traffic.html",
        {
            "department": department,
            "days": days,
            "traffic": catalogue.department_traffic(department=department, since=since),
        },
    )
