"""Grant and revoke access rights of client subsystems to services (deny by default)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.exchange.models import AccessRight, Endpoint, Service, Subsystem
from ecity.exchange.services.registry import can_administer_provider
from ecity.identity.models import User
from ecity.registry.models import SharingGrant


@transaction.atomic
def access_right_grant(
    *,
    actor: User,
    client: Subsystem,
    service: Service,
    endpoint: Endpoint | None = None,
    valid_from: dt.datetime | None = None,
    valid_until: dt.datetime | None = None,
    sharing_grant: SharingGrant | None = None,
) -> AccessRight:
    """Allow ``client`` to call ``service`` (only ``endpoint`` when given); return the right.

    Optionally limited in time and tied to a registry sharing grant of the client's system:
    once that grant is revoked or expired, the right no longer lets calls through (checked at
    call time). Permission: the provider department's administrator. Audited
    (``exchange.access_right_granted``). Raises ``PermissionDenied``, ``ValidationFailed``.
    """
    if not can_administer_provider(actor=actor, provider=service.provider):
        raise PermissionDenied(_("Only the provider department's administrator may do this."))
    problems: dict[str, list[str]] = {}
    if endpoint is not None and endpoint.service_id != service.pk:
        problems["endpoint"] = [_("This endpoint belongs to another service.")]
    if valid_from and valid_until and valid_until <= valid_from:
        problems["valid_until"] = [_("The end must be after the start.")]
    if sharing_grant is not None:
        if client.application_id is None or sharing_grant.application_id != client.application_id:
            problems["sharing_grant"] = [_("This sharing grant was given to another system.")]
        elif sharing_grant.is_revoked:
            problems["sharing_grant"] = [_("This sharing grant has been revoked.")]
    if problems:
        raise ValidationFailed(fields=problems)
    right = AccessRight.objects.create(
        client=client,
        service=service,
        endpoint=endpoint,
        valid_from=valid_from,
        valid_until=valid_until,
        sharing_grant=sharing_grant,
        granted_by=actor,
    )
    audit_record(
        actor=actor,
        action="exchange.access_right_granted",
        obj=right,
        data={
            "client": client.identifier,
            "service": service.identifier,
            "endpoint": str(endpoint) if endpoint else "*",
        },
    )
    return right


@transaction.atomic
def access_right_revoke(*, actor: User, right: AccessRight, reason: str = "") -> AccessRight:
    """Revoke ``right`` now (calls relying on it are denied from the next call on).

    Permission: the provider department's administrator. Audited, with ``reason`` (the staff
    page asks for one). Revoking twice is a no-op.
    """
    if not can_administer_provider(actor=actor, provider=right.service.provider):
        raise PermissionDenied(_("Only the provider department's administrator may do this."))
    if right.revoked_at is None:
        right.revoked_at = timezone.now()
        right.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            actor=actor,
            action="exchange.access_right_revoked",
            obj=right,
            data={
                "client": right.client.identifier,
                "service": right.service.identifier,
                "reason": reason.strip()[:500],
            },
        )
    return right
