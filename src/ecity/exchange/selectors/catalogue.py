"""Reads of the service registry: the catalogue, discovery and a department's traffic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from ecity.exchange.models import AccessRight, CallRecord, Endpoint, Service, Subsystem
from ecity.exchange.selectors.access import right_allows
from ecity.org.models import Department


def service_catalogue(
    *, query: str = "", department: str = "", resource: str = ""
) -> QuerySet[Service]:
    """List enabled services, local and federated, searched by name, department and resource.

    ``query`` matches the titles, code and identifier; ``department`` the provider member's
    name or code; ``resource`` a linked registry resource's code or name.
    """
    services = Service.objects.filter(is_enabled=True).select_related("provider__member")
    if query:
        services = services.filter(
            Q(title_zh__icontains=query)
            | Q(title_en__icontains=query)
            | Q(code__icontains=query)
            | Q(identifier__icontains=query)
            | Q(description__icontains=query)
        )
    if department:
        services = services.filter(
            Q(provider__member__name__icontains=department)
            | Q(provider__member__code__iexact=department)
        )
    if resource:
        services = services.filter(
            Q(resources__code__iexact=resource) | Q(resources__name__icontains=resource)
        ).distinct()
    return services.prefetch_related("resources").order_by("identifier")


def provider_services(*, provider_identifier: str) -> QuerySet[Service]:
    """The enabled services of one provider subsystem, with their endpoints (``listMethods``)."""
    return (
        Service.objects.filter(provider__identifier=provider_identifier, is_enabled=True)
        .prefetch_related("endpoints")
        .order_by("code")
    )


def allowed_methods(
    *, client: Subsystem, provider_identifier: str
) -> list[tuple[Service, list[Endpoint]]]:
    """The services of a provider ``client`` may call now, each with the endpoints it may call.

    A whole-service right lists every endpoint of the service (``allowedMethods``).
    """
    now = timezone.now()
    rights = AccessRight.objects.select_related("service", "endpoint", "sharing_grant").filter(
        client=client,
        service__provider__identifier=provider_identifier,
        service__is_enabled=True,
        revoked_at__isnull=True,
    )
    allowed: dict[int, tuple[Service, set[int] | None]] = {}
    for right in rights:
        if not _in_force(right, now):
            continue
        service, endpoint_ids = allowed.get(right.service_id, (right.service, set()))
        if right.endpoint_id is None or endpoint_ids is None:
            endpoint_ids = None  # the whole service
        else:
            endpoint_ids.add(right.endpoint_id)
        allowed[right.service_id] = (service, endpoint_ids)
    result: list[tuple[Service, list[Endpoint]]] = []
    for service, ids in sorted(allowed.values(), key=lambda pair: pair[0].code):
        endpoints = [e for e in service.endpoints.all() if ids is None or e.pk in ids]
        result.append((service, endpoints))
    return result


def _in_force(right: AccessRight, now: dt.datetime) -> bool:
    # right_allows without the endpoint test: an endpoint right is in force for its endpoint.
    if right.endpoint is not None:
        return right_allows(
            right, method=right.endpoint.method, path=_sample(right.endpoint.path), now=now
        )
    return right_allows(right, method="GET", path="/", now=now)


def _sample(pattern: str) -> str:
    return pattern.replace("{", "x").replace("}", "")


def client_list(*, instance: str = "") -> QuerySet[Subsystem]:
    """The enabled subsystems of the exchange (``listClients``), optionally of one instance."""
    clients = Subsystem.objects.select_related("member").filter(
        is_enabled=True, member__is_enabled=True
    )
    if instance:
        clients = clients.filter(member__instance=instance)
    return clients.order_by("identifier")


@dataclass(frozen=True)
class ServiceTraffic:
    """A service's traffic over a period: calls, errors, latency percentiles, SLA breaches."""

    service: Service
    calls: int
    errors: int
    p50_ms: int
    p95_ms: int
    sla_breaches: int
    clients: list[str]


def _percentile(sorted_values: list[int], fraction: float) -> int:
    if not sorted_values:
        return 0
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def department_traffic(*, department: Department, since: dt.datetime) -> list[ServiceTraffic]:
    """The traffic of ``department``'s services since ``since`` (the monitoring page).

    Errors are calls answered with a fault or a 5xx; an SLA breach is a call slower than the
    service's maximum latency. Latencies are computed from the call records in Python (one
    query per service, on the durations only).
    """
    traffic: list[ServiceTraffic] = []
    services = Service.objects.filter(provider__member__department=department).select_related(
        "provider__member"
    )
    for service in services.order_by("identifier"):
        rows = list(
            CallRecord.objects.filter(service=service, client_request_at__gte=since).values_list(
                "duration_ms", "status_code", "fault_code", "client"
            )
        )
        durations = sorted(r[0] for r in rows)
        traffic.append(
            ServiceTraffic(
                service=service,
                calls=len(rows),
                errors=sum(1 for r in rows if r[2] or r[1] >= 500),
                p50_ms=_percentile(durations, 0.5),
                p95_ms=_percentile(durations, 0.95),
                sla_breaches=sum(1 for d in durations if d > service.sla_max_latency_ms),
                clients=sorted({r[3] for r in rows}),
            )
        )
    return traffic
