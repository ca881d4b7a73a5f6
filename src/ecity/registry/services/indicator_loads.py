"""Loading indicator figures from CSV and Excel files in long format: all or nothing.

A file has one figure a row, with the columns ``LOAD_COLUMNS`` (``indicator``, ``region``,
``period`` and ``value`` required; ``status`` preliminary when empty). Every row is checked by
the rules of ``services.indicators`` (one data one source, period, region, value, final figures
change only as revised); any problem is reported with its row and column, and then nothing is
written. A dry run reports what would be created, revised and left unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.models import Indicator, Observation
from ecity.registry.services.indicators import (
    Checked,
    ObservationInput,
    ObservationRules,
    observation_final_errors,
    observation_is_same,
    observations_changed_publish,
    observations_existing,
    observations_store,
)
from ecity.registry.tables import TableError, TableProblem, table_read

LOAD_COLUMNS = (
    "indicator",
    "region",
    "period",
    "value",
    "status",
    "note",
    "source",
    "source_reference",
)
_REQUIRED = ("indicator", "region", "period", "value")
#: The service's field names as the file's columns.
_COLUMN_OF = {"region_code": "region"}


@dataclass
class IndicatorLoadReport:
    """What loading a file did (or would do, ``dry_run``), or why it did nothing."""

    file_name: str
    dry_run: bool = False
    created: int = 0
    revised: int = 0
    unchanged: int = 0
    problems: list[TableProblem] = field(default_factory=list)

    @property
    def is_loaded(self) -> bool:
        return not self.problems and not self.dry_run


@transaction.atomic
def indicator_observations_load(
    *,
    actor: User | None,
    department: Department,
    file_name: str,
    content: bytes,
    dry_run: bool = False,
) -> IndicatorLoadReport:
    """Load the figures of a CSV (UTF-8 or GB 18030) or Excel file for ``department``.

    Rules: as ``observation_write`` for every row, plus: required cells, an indicator code that
    exists, one row per indicator, region and period. With any problem, or with ``dry_run``,
    nothing is written. Permissions: ``department``'s record writers or a platform administrator
    (``actor=None``: the command line); each indicator's authority must be ``department``.
    Side effects: a changed figure keeps its previous version; one audit entry
    (``registry.indicators_loaded``, with the counts) and one ``registry.observations_changed``
    event when something changed. Errors: ``PermissionDenied`` when ``actor`` does not write
    for ``department``.
    """
    rules = ObservationRules(actor=actor, department=department)
    report = IndicatorLoadReport(file_name=file_name, dry_run=dry_run)
    try:
        table = table_read(file_name=file_name, content=content, columns=LOAD_COLUMNS)
    except TableError as exc:
        report.problems = exc.problems
        return report
    missing = [name for name in _REQUIRED if name not in table.columns]
    if missing:
        report.problems = [
            TableProblem(1, name, _("The column %(name)s is missing.") % {"name": name})
            for name in missing
        ]
        return report
    codes = {values.get("indicator", "") for _number, values in table.rows}
    indicators = {
        i.code: i for i in Indicator.objects.select_related("authority").filter(code__in=codes)
    }
    rules.known_regions({values.get("region", "").strip() for _number, values in table.rows})
    problems = report.problems
    checked_rows: list[tuple[int, Checked]] = []
    seen: dict[tuple[str, str, str], int] = {}
    for number, values in table.rows:
        for name in _REQUIRED:
            if not values.get(name):
                problems.append(TableProblem(number, name, _("This cell is required.")))
        code = values.get("indicator", "")
        indicator = indicators.get(code)
        if code and indicator is None:
            problems.append(
                TableProblem(
                    number, "indicator", _("There is no indicator %(code)s.") % {"code": code}
                )
            )
        if indicator is None or not all(values.get(name) for name in _REQUIRED):
            continue
        for message in rules.authority_errors(indicator):
            problems.append(TableProblem(number, "indicator", message))
        checked, errors = rules.check(
            indicator,
            ObservationInput(
                region_code=values.get("region", ""),
                period=values.get("period", ""),
                value=values.get("value", ""),
                status=values.get("status", ""),
                note=values.get("note", ""),
                source=values.get("source", ""),
                source_reference=values.get("source_reference", ""),
            ),
        )
        for name, messages in errors.items():
            for message in messages:
                problems.append(TableProblem(number, _COLUMN_OF.get(name, name), message))
        if checked is None:
            continue
        key = (code, checked.region_code, checked.period.text)
        if key in seen:
            problems.append(
                TableProblem(
                    number,
                    "period",
                    _("This figure is already in row %(row)d.") % {"row": seen[key]},
                )
            )
            continue
        seen[key] = number
        checked_rows.append((number, checked))
    existing = observations_existing(
        {(c.indicator.pk, c.region_code, c.period.text) for _number, c in checked_rows}
    )
    rows: list[tuple[Checked, Observation | None]] = []
    for number, checked in checked_rows:
        current = existing.get((checked.indicator.pk, checked.region_code, checked.period.text))
        if current is not None:
            for name, messages in observation_final_errors(current, checked).items():
                problems.extend(TableProblem(number, name, message) for message in messages)
        rows.append((checked, current))
    problems.sort(
        key=lambda p: (p.row, LOAD_COLUMNS.index(p.column) if p.column in LOAD_COLUMNS else 99)
    )
    if problems:
        return report
    if dry_run:
        for checked, current in rows:
            if current is None:
                report.created += 1
            elif observation_is_same(current, checked):
                report.unchanged += 1
            else:
                report.revised += 1
        return report
    counts = observations_store(actor=actor, department=department, rows=rows)
    report.created, report.revised, report.unchanged = (
        counts.created,
        counts.revised,
        counts.unchanged,
    )
    if counts.created or counts.revised:
        changed_codes = sorted({o.indicator.code for o in counts.observations})
        audit_record(
            actor=actor,
            action="registry.indicators_loaded",
            obj=department,
            data={
                "file": file_name[:100],
                "department": department.code,
                "indicators": changed_codes,
                "created": counts.created,
                "revised": counts.revised,
                "unchanged": counts.unchanged,
            },
        )
        observations_changed_publish(
            indicator_codes=changed_codes,
            department=department,
            count=counts.created + counts.revised,
        )
    return report
