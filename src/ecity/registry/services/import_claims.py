"""Claims on import jobs: one process runs an ``ImportJob`` at a time.

A process (a command-line run, a background worker) names itself with ``worker_name`` and
claims a job with one conditional ``UPDATE``: it gets the job when nobody holds it, when it
holds it already, or when the holder's last sign of life (``heartbeat_at``) is older than
``CLAIM_STALE_AFTER`` (the holder crashed). Each batch renews the claim inside the batch's own
transaction (``claim_renew``), so a process whose claim was taken
over writes nothing more. Finishing releases the claim.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.core.errors import Conflict
from ecity.registry.models import ImportJob

#: How long a claim holds without a sign of life before another process may take it over.
CLAIM_STALE_AFTER = dt.timedelta(minutes=10)


class ClaimLost(Conflict):
    """Another process took the job over (this one's claim went stale)."""


def worker_name() -> str:
    """A name for this run of this process: host, process id and a random part."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def claim_take(
    *, job: ImportJob, worker: str, stale_after: dt.timedelta = CLAIM_STALE_AFTER
) -> bool:
    """Claim ``job`` for ``worker`` with one conditional UPDATE; True when it is now ``worker``'s.

    Free, already ``worker``'s, or stale (no sign of life for ``stale_after``): taken. Held
    by another live process: not taken (False), nothing changed. Safe against a concurrent
    claim by another process: the database applies one UPDATE after the other, and the second
    no longer matches.
    """
    now = timezone.now()
    taken = (
        ImportJob.objects.filter(pk=job.pk)
        .filter(
            Q(claimed_by="")
            | Q(claimed_by=worker)
            | Q(heartbeat_at__isnull=True)
            | Q(heartbeat_at__lt=now - stale_after)
        )
        .update(claimed_by=worker, heartbeat_at=now)
    )
    if taken:
        job.claimed_by, job.heartbeat_at = worker, now
    return bool(taken)


def claim_renew(*, job: ImportJob, worker: str) -> None:
    """Renew ``worker``'s claim on ``job`` (a sign of life); ``ClaimLost`` when it is gone.

    One conditional UPDATE. Called inside a batch's transaction it also locks the job row
    until the batch commits, so a takeover waits for the batch and then finds a fresh sign of
    life; the caller's transaction rolls back on ``ClaimLost``.
    """
    now = timezone.now()
    if not ImportJob.objects.filter(pk=job.pk, claimed_by=worker).update(heartbeat_at=now):
        raise ClaimLost(_("Another process took this import over; this one stops."))
    job.claimed_by, job.heartbeat_at = worker, now


def claim_release(*, job: ImportJob, worker: str) -> None:
    """Give the claim up (only ``worker``'s own)."""
    ImportJob.objects.filter(pk=job.pk, claimed_by=worker).update(claimed_by="", heartbeat_at=None)
    job.claimed_by, job.heartbeat_at = "", None


def claim_refused(job: ImportJob) -> Conflict:
    """The error for a job another live process runs."""
    return Conflict(
        _("Another process is running this import (last sign of life %(at)s); try again later.")
        % {
            "at": timezone.localtime(job.heartbeat_at).strftime("%Y-%m-%d %H:%M:%S")
            if job.heartbeat_at
            else "—"
        }
    )
