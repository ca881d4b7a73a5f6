"""Reads for the gateway's access check: resolve a service and the client's rights in one query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from ecity.exchange.models import AccessRight, Endpoint, Service, Subsystem


@dataclass(frozen=True)
class CallAccess:
    """The service a call names and the client's unrevoked rights to it (empty: none)."""

    service: Service | None
    rights: list[AccessRight]


def call_access_resolve(*, client: Subsystem, service_identifier: str) -> CallAccess:
    """Find the service and ``client``'s unrevoked rights to it.

    One query when the client holds a right (the hot path): the rights come with their service,
    provider, endpoint and sharing grant. Only when it holds none is the service looked up on
    its own, to tell an unknown service from a denied one.
    """
    rights = list(
        AccessRight.objects.select_related(
            "service__provider__member", "endpoint", "sharing_grant"
        ).filter(client=client, service__identifier=service_identifier, revoked_at__isnull=True)
    )
    if rights:
        return CallAccess(service=rights[0].service, rights=rights)
    service = (
        Service.objects.select_related("provider__member")
        .filter(identifier=service_identifier)
        .first()
    )
    return CallAccess(service=service, rights=[])


def right_allows(
    right: AccessRight, *, method: str, path: str, now: dt.datetime | None = None
) -> bool:
    """Whether ``right`` lets a call of ``method path`` through at ``now``.

    Not revoked, within its validity, for the whole service or the matching endpoint, and its
    sharing grant (if any) neither revoked nor expired (the grant's dates are local days).
    """
    now = now or timezone.now()
    if right.revoked_at is not None:
        return False
    if right.valid_from is not None and now < right.valid_from:
        return False
    if right.valid_until is not None and now >= right.valid_until:
        return False
    grant = right.sharing_grant
    if grant is not None:
        today = timezone.localdate(now)
        if grant.revoked_at is not None or not (grant.starts_on <= today <= grant.expires_on):
            return False
    return right.endpoint is None or right.endpoint.matches(method, path)


def endpoint_for_call(*, service: Service, method: str, path: str) -> Endpoint | None:
    """The registered endpoint of ``service`` that ``method path`` matches (or None)."""
    for endpoint in service.endpoints.all():
        if endpoint.matches(method, path):
            return endpoint
    return None
