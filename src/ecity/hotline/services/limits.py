"""Writes of the time limits (时限) by kind and urgency: set a limit, or remove a kind's own row.

Only the hotline centre's dispatchers and platform administrators change the limits. A change
applies to tickets dispatched afterwards: the deadlines of tickets already dispatched are stored
on them and stay. Every write records the audit entry in the same transaction.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.accounts import Account
from ecity.core.errors import NotFound, ValidationFailed
from ecity.hotline.models import TicketKind, TicketLimit, Urgency
from ecity.hotline.selectors.limits import working_hours_per_day
from ecity.hotline.services.categories import require_reference_manager

MAX_AMOUNT = Decimal("9999.99")
Unit = TicketLimit.Unit


def _hours(amount: Decimal, unit: str) -> Decimal:
    return amount * working_hours_per_day() if unit == Unit.WORKING_DAYS else amount


def _check_amount(name: str, amount: Decimal | None, errors: dict[str, list[str]]) -> None:
    try:
        valid = amount is not None and amount.is_finite()
    except (InvalidOperation, AttributeError):
        valid = False
    if not valid or amount is None:
        errors[name] = [_("Enter a number.")]
    elif amount <= 0:
        errors[name] = [_("Enter a time greater than zero.")]
    elif amount > MAX_AMOUNT:
        errors[name] = [_("Enter at most %(max)s.") % {"max": MAX_AMOUNT}]
    elif amount != amount.quantize(Decimal("0.01")):
        errors[name] = [_("Use at most two decimal places.")]


@transaction.atomic
def limit_set(
    *,
    actor: Account,
    kind: str,
    urgency: str,
    sign_within: Decimal,
    sign_unit: str,
    answer_within: Decimal,
    answer_unit: str,
) -> TicketLimit:
    """Set how long a department has to sign for and to answer a ticket of ``kind`` ("" = any
    kind) and ``urgency``; create the row if there is none.

    Rules: both times are positive (at most 9999.99, two decimals); signing for comes no later
    than answering (working days count as the working hours of a day). Applies to tickets
    dispatched afterwards. Permissions: a dispatcher of the hotline centre or a platform
    administrator. Raises PermissionDenied, ValidationFailed (per field).
    """
    require_reference_manager(actor)
    errors: dict[str, list[str]] = {}
    if kind and kind not in TicketKind.values:
        errors["kind"] = [_("Choose a kind of ticket.")]
    if urgency not in Urgency.values:
        errors["urgency"] = [_("Choose an urgency.")]
    for name, unit in (("sign_unit", sign_unit), ("answer_unit", answer_unit)):
        if unit not in Unit.values:
            errors[name] = [_("Choose working hours or working days.")]
    _check_amount("sign_within", sign_within, errors)
    _check_amount("answer_within", answer_within, errors)
    if not errors and _hours(sign_within, sign_unit) > _hours(answer_within, answer_unit):
        errors["sign_within"] = [_("Signing for cannot take longer than answering.")]
    if errors:
        raise ValidationFailed(fields=errors)
    row = TicketLimit.objects.select_for_update().filter(kind=kind, urgency=urgency).first()
    before = (
        None
        if row is None
        else f"{row.sign_within} {row.sign_unit} / {row.answer_within} {row.answer_unit}"
    )
    if row is None:
        row = TicketLimit(kind=kind, urgency=urgency)
    row.sign_within = sign_within
    row.sign_unit = sign_unit
    row.answer_within = answer_within
    row.answer_unit = answer_unit
    row.save()
    audit_record(
        actor=actor,
        action="hotline.limit_changed",
        obj=row,
        data={
            "kind": kind,
            "urgency": urgency,
            "before": before,
            "after": f"{sign_within} {sign_unit} / {answer_within} {answer_unit}",
        },
    )
    return row


@transaction.atomic
def limit_remove(*, actor: Account, kind: str, urgency: str) -> None:
    """Remove the row of one kind and urgency: the any-kind limit (or the built-in default)
    applies to that kind's tickets dispatched afterwards.

    Only a kind's own row is removed; the any-kind rows are changed, not removed.
    Permissions: as ``limit_set``. Raises PermissionDenied, ValidationFailed (any-kind row),
    NotFound (no row).
    """
    require_reference_manager(actor)
    if not kind:
        raise ValidationFailed(_("The limit for any kind can be changed but not removed."))
    row = TicketLimit.objects.select_for_update().filter(kind=kind, urgency=urgency).first()
    if row is None:
        raise NotFound(_("There is no limit of its own for this kind and urgency."))
    audit_record(
        actor=actor,
        action="hotline.limit_removed",
        obj=row,
        data={"kind": kind, "urgency": urgency},
    )
    row.delete()
