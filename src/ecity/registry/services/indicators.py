"""Writes of the macro-economic indicators registry: the figures of its indicators.

The indicators themselves are metadata (``services.indicator_definitions``: ``indicator_save``,
``indicator_status_set``, re-exported here).

Figures (``observation_write``; files through ``services.indicator_loads``) follow one data one
source (一数一源): only the indicator's authority department writes them (its department
administrators and counter clerks, or a platform administrator acting for it; ``actor=None`` is
the command line, trusted, but still writing for the authority). Every figure is checked:

- the period has the indicator's frequency (``2025``, ``2025Q3``, ``2025-09``) and has ended;
- the region code is known (``org.Region`` or the GB/T 2260 code list);
- the value is a number with at most the indicator's decimal places; a rate is a percentage
  between -100 and 100, an index is above 0 and at most 1000, a stock is not negative;
- a final figure changes only as ``revised``.

A changed figure keeps its previous version as an ``ObservationRevision``: never silently
overwritten. Writes are audited and publish ``registry.observations_changed``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.core.events import event_publish
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.models import (
    Aggregation,
    Indicator,
    Observation,
    ObservationRevision,
    ObservationStatus,
)
from ecity.registry.periods import Period, PeriodError, period_parse
from ecity.registry.selectors.indicators import region_codes_known
from ecity.registry.selectors.records import can_write_records
from ecity.registry.services.indicator_definitions import (  # noqa: F401 (re-export)
    indicator_save,
    indicator_status_set,
)

_LARGEST = Decimal("1e14")


# Figures


@dataclass(frozen=True)
class ObservationInput:
    """One figure as written (text, as in a form or a file); ``region_code``, ``period``…"""

    region_code: str
    period: str
    value: str
    status: str = ObservationStatus.PRELIMINARY
    note: str = ""
    source: str = ""
    source_reference: str = ""


@dataclass
class Checked:
    """A figure that passed every rule, ready to write."""

    indicator: Indicator
    region_code: str
    period: Period
    value: Decimal
    status: str
    note: str
    source: str
    source_reference: str


def _value(text: str, indicator: Indicator) -> tuple[Decimal | None, list[str]]:
    try:
        value = Decimal(text.strip().replace(",", ""))
    except (InvalidOperation, AttributeError):
        return None, [_("Enter a number such as 1234.56.")]
    if not value.is_finite():
        return None, [_("Enter a number such as 1234.56.")]
    errors: list[str] = []
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > indicator.decimal_places:
        errors.append(
            _("At most %(places)d decimal places (the indicator's precision).")
            % {"places": indicator.decimal_places}
        )
    if abs(value) >= _LARGEST:
        errors.append(_("The number is too large."))
    if indicator.aggregation == Aggregation.RATE and not Decimal(-100) <= value <= Decimal(100):
        errors.append(_("A rate is a percentage between -100 and 100."))
    if indicator.aggregation == Aggregation.INDEX and not Decimal(0) < value <= Decimal(1000):
        errors.append(_("An index is above 0 and at most 1000."))
    if indicator.aggregation == Aggregation.STOCK and value < 0:
        errors.append(_("A stock (a level) cannot be negative."))
    return (None if errors else value), errors


def _limit(text: str, limit: int, errors: dict[str, list[str]], name: str) -> str:
    text = text.strip()
    if len(text) > limit:
        errors.setdefault(name, []).append(_("At most %(max)d characters.") % {"max": limit})
    return text


class ObservationRules:
    """The checks of one data one source and of the values, for one or many figures.

    Region codes are looked up once per call of ``known_regions``; the authority is checked per
    indicator.
    """

    def __init__(self, *, actor: User | None, department: Department | None) -> None:
        self.actor = actor
        self.department = department
        self.today = timezone.localdate()
        self._regions: set[str] = set()
        if (
            actor is not None
            and department is not None
            and not can_write_records(actor=actor, department=department)
        ):
            raise PermissionDenied(
                _("You do not write figures for %(department)s.") % {"department": department.name}
            )

    def known_regions(self, codes: set[str]) -> None:
        self._regions |= region_codes_known(codes=codes, on=self.today)

    def authority_errors(self, indicator: Indicator) -> list[str]:
        """Why the department may not write the indicator's figures (empty when it may)."""
        if indicator.status == Indicator.Status.WITHDRAWN:
            return [_("The indicator %(code)s is withdrawn.") % {"code": indicator.code}]
        department = self.department
        if department is not None and indicator.authority_id in (
            department.pk,
            department.parent_id,
        ):
            return []
        return [
            _("Only %(authority)s writes the figures of %(indicator)s (one data, one source).")
            % {"authority": indicator.authority.name, "indicator": indicator.code}
        ]

    def check(
        self, indicator: Indicator, row: ObservationInput
    ) -> tuple[Checked | None, dict[str, list[str]]]:
        """Check one figure of ``indicator`` (authority apart); field-level messages."""
        errors: dict[str, list[str]] = {}
        region_code = row.region_code.strip()
        if not region_code:
            errors["region_code"] = [_("This field is required.")]
        elif region_code not in self._regions:
            errors["region_code"] = [
                _("%(code)s is not a known region code (GB/T 2260).") % {"code": region_code}
            ]
        period = None
        try:
            period = period_parse(row.period, frequency=indicator.frequency)
        except PeriodError as exc:
            errors["period"] = [exc.message]
        else:
            if period.end >= self.today:
                errors["period"] = [
                    _("The period %(period)s has not ended yet.") % {"period": period.text}
                ]
        value, value_errors = _value(row.value, indicator)
        if value_errors:
            errors["value"] = value_errors
        status = row.status.strip() or ObservationStatus.PRELIMINARY
        if status not in ObservationStatus.values:
            errors["status"] = [_("Use preliminary, final or revised.")]
        note = _limit(row.note, 500, errors, "note")
        source = _limit(row.source or indicator.source, 300, errors, "source")
        reference = _limit(row.source_reference, 200, errors, "source_reference")
        if errors or period is None or value is None:
            return None, errors
        return Checked(indicator, region_code, period, value, status, note, source, reference), {}


@dataclass
class WriteCounts:
    created: int = 0
    revised: int = 0
    unchanged: int = 0
    observations: list[Observation] = field(default_factory=list)


def observation_final_errors(current: Observation, checked: Checked) -> dict[str, list[str]]:
    if (
        current.status in (ObservationStatus.FINAL, ObservationStatus.REVISED)
        and current.value != checked.value
        and checked.status != ObservationStatus.REVISED
    ):
        return {
            "status": [
                _(
                    "The figure for %(period)s is final (%(value)s): send a changed value "
                    "with the status revised."
                )
                % {"period": current.period, "value": checked.indicator.value_text(current.value)}
            ]
        }
    return {}


def observation_is_same(current: Observation, checked: Checked) -> bool:
    return (
        current.value == checked.value
        and current.status == checked.status
        and current.note == checked.note
        and current.source == checked.source
        and current.source_reference == checked.source_reference
    )


def observations_existing(
    indicator_periods: set[tuple[int, str, str]],
) -> dict[tuple[int, str, str], Observation]:
    """The current figures for ``(indicator id, region, period)`` keys, locked for update."""
    by_indicator: dict[int, set[str]] = {}
    for indicator_id, _region, period in indicator_periods:
        by_indicator.setdefault(indicator_id, set()).add(period)
    found: dict[tuple[int, str, str], Observation] = {}
    for indicator_id, periods in by_indicator.items():
        for observation in Observation.objects.select_for_update().filter(
            indicator_id=indicator_id, period__in=periods
        ):
            found[(indicator_id, observation.region_code, observation.period)] = observation
    return found


def observations_store(
    *,
    actor: User | None,
    department: Department,
    rows: list[tuple[Checked, Observation | None]],
) -> WriteCounts:
    """Write checked figures (new ones created, changed ones revised with their history kept).

    For the services of this module and ``indicator_loads`` only: no permission or value check.
    """
    now = timezone.now()
    counts = WriteCounts()
    history: list[ObservationRevision] = []
    for checked, current in rows:
        if current is None:
            current = Observation.objects.create(
                indicator=checked.indicator,
                region_code=checked.region_code,
                period=checked.period.text,
                period_start=checked.period.start,
                period_end=checked.period.end,
                value=checked.value,
                status=checked.status,
                note=checked.note,
                source=checked.source,
                source_reference=checked.source_reference,
                department=department,
                written_by=actor,
                written_at=now,
            )
            counts.created += 1
            counts.observations.append(current)
            continue
        if observation_is_same(current, checked):
            counts.unchanged += 1
            continue
        history.append(
            ObservationRevision(
                observation=current,
                version=current.version,
                value=current.value,
                status=current.status,
                note=current.note,
                source=current.source,
                source_reference=current.source_reference,
                department_id=current.department_id,
                written_by_id=current.written_by_id,
                written_at=current.written_at,
                replaced_at=now,
            )
        )
        current.value, current.status, current.note = checked.value, checked.status, checked.note
        current.source, current.source_reference = checked.source, checked.source_reference
        current.department, current.written_by, current.written_at = department, actor, now
        current.version += 1
        current.save()
        counts.revised += 1
        counts.observations.append(current)
    ObservationRevision.objects.bulk_create(history, batch_size=500)
    return counts


@transaction.atomic
def observation_write(
    *,
    actor: User | None,
    department: Department,
    indicator: Indicator,
    figure: ObservationInput,
) -> Observation:
    """Write one figure of ``indicator`` for ``department``; return the current observation.

    Rules and permissions: see the module (the department must be the indicator's authority,
    or a sub-unit of it, and ``actor`` one of its record writers). Writing the same figure again
    changes nothing. Side effects: a changed figure keeps its previous version; audited
    (``registry.observation_written``), publishes ``registry.observations_changed``.
    Errors: ``PermissionDenied`` (also with ``fields["indicator"]`` when the department is not
    the authority), ``ValidationFailed`` with field-level messages; nothing is written then.
    """
    rules = ObservationRules(actor=actor, department=department)
    authority_errors = rules.authority_errors(indicator)
    if authority_errors:
        raise PermissionDenied(authority_errors[0], fields={"indicator": authority_errors})
    rules.known_regions({figure.region_code.strip()})
    checked, errors = rules.check(indicator, figure)
    if checked is None:
        raise ValidationFailed(fields=errors)
    key = (indicator.pk, checked.region_code, checked.period.text)
    current = observations_existing({key}).get(key)
    if current is not None:
        errors = observation_final_errors(current, checked)
        if errors:
            raise ValidationFailed(fields=errors)
    previous = None if current is None else indicator.value_text(current.value)
    counts = observations_store(actor=actor, department=department, rows=[(checked, current)])
    if counts.unchanged:
        assert current is not None
        return current
    observation = counts.observations[0]
    audit_record(
        actor=actor,
        action="registry.observation_written",
        obj=observation,
        data={
            "indicator": indicator.code,
            "region": observation.region_code,
            "period": observation.period,
            "version": observation.version,
            "value": indicator.value_text(observation.value),
            "previous": previous,
            "status": observation.status,
        },
    )
    observations_changed_publish(indicator_codes=[indicator.code], department=department, count=1)
    return observation


def observations_changed_publish(
    *, indicator_codes: list[str], department: Department, count: int
) -> None:
    """Publish ``registry.observations_changed`` (indicators, department, how many figures)."""
    event_publish(
        name="registry.observations_changed",
        subject=f"registry.department:{department.code}",
        data={
            "indicators": sorted(set(indicator_codes)),
            "department": department.code,
            "count": count,
        },
        key=str(uuid.uuid4()),
    )
