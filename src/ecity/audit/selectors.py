"""Reads of the audit trail, with permission filtering built in.

* Auditors (the ``auditor`` staff role; platform administrators hold every role) search and
  export the whole trail: ``audit_entry_search``, ``audit_entry_stream``.
* Everyone sees who else accessed their own personal data: ``my_data_access_list``. Reads by
  the person themselves are not shown (and mostly not recorded: see
  ``services.audit_personal_data_read``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, fields

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.chain import normalise_ip
from ecity.audit.models import AuditEntry
from ecity.audit.registry import data_access_actions
from ecity.core.accounts import Account
from ecity.core.errors import PermissionDenied
from ecity.core.validators import normalise_id_number
from ecity.org import selectors as org_selectors
from ecity.org.models import StaffRole


def is_auditor(*, user: Account) -> bool:
    """Whether ``user`` may search and export the audit trail (auditors, platform admins)."""
    return org_selectors.user_has_role(user=user, role=StaffRole.Role.AUDITOR)


@dataclass(frozen=True)
class AuditFilters:
    """Search criteria of the auditor pages, API and export; empty values are ignored.

    ``actor``: username or name of the actor (or the login name of a failed login);
    ``subject``: resident ID number or username of the data subject; ``action``: an exact
    action, or a prefix ending in "." (``auth.``); ``date_from``/``date_to``: local dates,
    both inclusive.
    """

    actor: str = ""
    subject: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    ip_address: str = ""

    def used(self) -> list[str]:
        """Names of the criteria in use (recorded in the audit trail instead of the values)."""
        return [f.name for f in fields(self) if getattr(self, f.name) not in ("", None)]


def _subject_ids_for_id_number(id_number: str) -> list[int]:
    """Accounts with this resident ID number, found through the account's keyed blind index.

    ID numbers are encrypted at rest; the account model's ``id_number_index`` field computes the
    index of a typed value (audit knows the account model only through Django's auth).
    """
    users = get_user_model()
    index = users._meta.get_field("id_number_index").index_for(id_number)
    return list(users.objects.filter(id_number_index=index).values_list("pk", flat=True))


def _looks_like_id_number(value: str) -> bool:
    return len(value) == 18 and value[:17].isdigit() and value[17] in "0123456789Xx"


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _apply_filters(entries: QuerySet[AuditEntry], filters: AuditFilters) -> QuerySet[AuditEntry]:
    if filters.actor:
        value = filters.actor.strip()
        entries = entries.filter(
            Q(actor_username__iexact=value)
            | Q(actor_display=value)
            | Q(action="auth.login_failed", object_repr__iexact=value)
        )
    if filters.subject:
        value = filters.subject.strip()
        if _looks_like_id_number(value):
            entries = entries.filter(
                subject_id__in=_subject_ids_for_id_number(normalise_id_number(value))
            )
        else:
            entries = entries.filter(subject_username__iexact=value)
    if filters.action:
        value = filters.action.strip()
        entries = (
            entries.filter(action__startswith=value)
            if value.endswith(".")
            else entries.filter(action=value)
        )
    if filters.object_type:
        entries = entries.filter(object_type=filters.object_type.strip().lower())
    if filters.object_id:
        entries = entries.filter(object_id=filters.object_id.strip())
    if filters.date_from:
        entries = entries.filter(occurred_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        entries = entries.filter(occurred_at__lt=_day_start(filters.date_to + dt.timedelta(1)))
    if filters.ip_address:
        entries = entries.filter(ip_address=normalise_ip(filters.ip_address) or "0.0.0.0")  # noqa: S104
    return entries


def audit_entry_search(*, actor: Account, filters: AuditFilters) -> QuerySet[AuditEntry]:
    """List the entries matching ``filters``, newest first, for an auditor.

    Raises ``PermissionDenied`` unless ``actor`` is an auditor. The caller records the search
    itself (``audit.searched``) through ``services.audit_record``.
    """
    if not is_auditor(user=actor):
        raise PermissionDenied(_("Only auditors can search the audit trail."))
    return _apply_filters(AuditEntry.objects.all(), filters).order_by("-id")


def audit_entry_stream(
    *, actor: Account, filters: AuditFilters, batch: int = 1000
) -> Iterator[AuditEntry]:
    """Yield the entries matching ``filters`` in chain order, ``batch`` rows per query.

    For exports of any size in constant memory: the chained entries in ascending sequence,
    then the entries not chained yet (sequence empty, recorded while the export ran or left
    unsealed; see ``sealing``) in the order they were written. Raises ``PermissionDenied``
    unless ``actor`` is an auditor (``actor=None`` is the command line, which is trusted).
    """
    if actor is not None and not is_auditor(user=actor):
        raise PermissionDenied(_("Only auditors can export the audit trail."))
    entries = _apply_filters(AuditEntry.objects.all(), filters)
    after = 0
    while True:
        rows = list(entries.filter(sequence__gt=after).order_by("sequence")[:batch])
        if not rows:
            break
        yield from rows
        after = rows[-1].sequence or 0
    after_id = 0
    while True:
        rows = list(entries.filter(sequence__isnull=True, id__gt=after_id).order_by("id")[:batch])
        if not rows:
            return
        yield from rows
        after_id = rows[-1].pk


def my_data_access_list(*, user: Account) -> QuerySet[AuditEntry]:
    """List who else read or changed ``user``'s personal data, newest first.

    Entries whose subject is ``user``, of an action its app declared as a data access
    (``register_actions(..., is_data_access=True)``), by anyone but ``user`` (including the
    system and deleted accounts). Anonymous users get nothing.
    """
    if not getattr(user, "is_authenticated", False):
        return AuditEntry.objects.none()
    return (
        AuditEntry.objects.filter(action__in=data_access_actions(), subject=user)
        .exclude(actor=user)
        .order_by("-occurred_at", "-id")
    )
