"""Claims on connectors: one process runs a ``Connector`` at a time.

The house pattern of ``registry.services.import_claims``: a process names itself
(``worker_name``) and claims the connector with one conditional ``UPDATE`` that matches only
when nobody holds it, it holds it already, or the holder's last sign of life is older than
``CLAIM_STALE_AFTER`` (the holder died). Each batch renews the claim inside its own
transaction, so a process whose claim was taken over writes nothing more.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.core.errors import Conflict
from ecity.exchange.errors import ExchangeErrorCode
from ecity.exchange.models import Connector
from ecity.registry.services.import_claims import CLAIM_STALE_AFTER, worker_name

__all__ = [
    "CLAIM_STALE_AFTER",
    "ConnectorClaimLost",
    "connector_claim_release",
    "connector_claim_renew",
    "connector_claim_take",
    "worker_name",
]


class ConnectorClaimLost(Conflict):
    """Another process took the connector over (this one's claim went stale)."""

    default_code: str = ExchangeErrorCode.CONNECTOR_BUSY


def connector_claim_take(
    *,
    connector: Connector,
    worker: str,
    stale_after: dt.timedelta = CLAIM_STALE_AFTER,
    due_before: dt.datetime | None = None,
    next_run_at: dt.datetime | None = None,
) -> bool:
    """Claim ``connector`` for ``worker`` with one conditional UPDATE; True when taken.

    ``due_before``: take it only if it is due (``next_run_at`` empty or not after it), and then
    also set ``next_run_at`` in the same UPDATE (the periodic job).
    """
    now = timezone.now()
    query = Connector.objects.filter(pk=connector.pk).filter(
        Q(claimed_by="")
        | Q(claimed_by=worker)
        | Q(heartbeat_at__isnull=True)
        | Q(heartbeat_at__lt=now - stale_after)
    )
    changes: dict[str, object] = {"claimed_by": worker, "heartbeat_at": now}
    if due_before is not None:
        query = query.filter(
            Q(next_run_at__isnull=True) | Q(next_run_at__lte=due_before), is_enabled=True
        )
        changes["next_run_at"] = next_run_at
    taken = query.update(**changes)
    if taken:
        connector.claimed_by, connector.heartbeat_at = worker, now
        if due_before is not None:
            connector.next_run_at = next_run_at
    return bool(taken)


def connector_claim_renew(*, connector: Connector, worker: str) -> None:
    """Renew ``worker``'s claim (a sign of life); ``ConnectorClaimLost`` when it is gone."""
    now = timezone.now()
    if not Connector.objects.filter(pk=connector.pk, claimed_by=worker).update(heartbeat_at=now):
        raise ConnectorClaimLost(_("Another process took this connector over; this one stops."))
    connector.heartbeat_at = now


def connector_claim_release(*, connector: Connector, worker: str) -> None:
    """Give the claim up (only ``worker``'s own)."""
    Connector.objects.filter(pk=connector.pk, claimed_by=worker).update(
        claimed_by="", heartbeat_at=None
    )
    connector.claimed_by, connector.heartbeat_at = "", None
