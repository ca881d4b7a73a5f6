"""Reads of disputes (异议) over registry values: the authority's queue, a record's open ones."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ecity.core.errors import PermissionDenied
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.models import Dispute, LegalEntityRecord, Person
from ecity.registry.selectors.records import can_write_records


def dispute_list(
    *, actor: User, department: Department, status: str = Dispute.Status.OPEN
) -> QuerySet[Dispute]:
    """List the disputes ``department`` settles (as authority) or raised; earliest due first.

    Rules: the department's record writers (``can_write_records``). ``status`` filters (open
    by default, "" for all). Errors: ``PermissionDenied``.
    """
    if not can_write_records(actor=actor, department=department):
        raise PermissionDenied(_("You do not handle this department's registry records."))
    disputes = Dispute.objects.filter(Q(authority=department) | Q(raised_department=department))
    if status:
        disputes = disputes.filter(status=status)
    return disputes.select_related(
        "person", "legal_entity", "authority", "raised_department"
    ).order_by("due_on", "id")


def record_disputes_open(*, record: Person | LegalEntityRecord) -> QuerySet[Dispute]:
    """The open disputes of ``record`` (shown with the record until settled); no permission
    check: callers already show the record to their user."""
    field = "person" if isinstance(record, Person) else "legal_entity"
    return (
        Dispute.objects.filter(**{field: record}, status=Dispute.Status.OPEN)
        .select_related("authority")
        .order_by("attribute")
    )


def own_disputes(*, actor: User) -> QuerySet[Dispute]:
    """The disputes over the record of the person whose account is ``actor``, newest first."""
    return (
        Dispute.objects.filter(person__account=actor)
        .select_related("authority")
        .order_by("-created_at")
    )


def disputes_running() -> QuerySet[Dispute]:
    """The disputes whose clock runs (open)."""
    return Dispute.objects.filter(status=Dispute.Status.OPEN)
