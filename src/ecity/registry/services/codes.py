"""Loading code lists (代码表) from CSV and Excel files: validated as a whole, all or nothing.

A file has the columns ``CODE_COLUMNS`` (``code`` and ``name`` required). Loading creates the
codes that are new and updates the names, parent and validity of those that exist; codes of the
list that are not in the file are left as they are (a code is retired by giving it a
``valid_to`` date, never deleted: old records still show its meaning). Every problem is reported
with its row and column, and if there is any, nothing is written.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import ValidationFailed
from ecity.core.events import event_publish
from ecity.identity.models import User
from ecity.registry.data import SHIPPED_CODE_LISTS
from ecity.registry.models import CodeList, CodeValue
from ecity.registry.services._permissions import require_metadata_maintainer
from ecity.registry.tables import Table, TableError, TableProblem, table_read

CODE_COLUMNS = ("code", "name", "name_en", "parent", "valid_from", "valid_to")
_REQUIRED = ("code", "name")
_LIMITS = {"code": 32, "name": 200, "name_en": 300}


@dataclass
class CodeLoadReport:
    """What loading a code list did, or would do (``dry_run``), or why it did nothing."""

    code_list: str
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[TableProblem] = field(default_factory=list)

    @property
    def is_loaded(self) -> bool:
        return not self.problems and not self.dry_run


@dataclass
class _Row:
    number: int
    code: str
    name: str
    name_en: str
    parent: str
    valid_from: dt.date | None
    valid_to: dt.date | None


def _date(value: str, number: int, column: str, problems: list[TableProblem]) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.append(TableProblem(number, column, _("Enter a date as YYYY-MM-DD.")))
        return None


def _rows(table: Table, problems: list[TableProblem]) -> list[_Row]:
    missing = [name for name in _REQUIRED if name not in table.columns]
    for name in missing:
        problems.append(
            TableProblem(1, name, _("The column %(name)s is missing.") % {"name": name})
        )
    if missing:
        return []
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for number, values in table.rows:
        for name in _REQUIRED:
            if not values.get(name):
                problems.append(TableProblem(number, name, _("This cell is required.")))
        for name, limit in _LIMITS.items():
            if len(values.get(name, "")) > limit:
                problems.append(
                    TableProblem(number, name, _("At most %(max)d characters.") % {"max": limit})
                )
        code = values.get("code", "")
        if code and any(c.isspace() for c in code):
            problems.append(TableProblem(number, "code", _("A code contains no spaces.")))
        if code in seen:
            problems.append(
                TableProblem(
                    number,
                    "code",
                    _("The code %(code)s is already in row %(row)d.")
                    % {"code": code, "row": seen[code]},
                )
            )
        elif code:
            seen[code] = number
        valid_from = _date(values.get("valid_from", ""), number, "valid_from", problems)
        valid_to = _date(values.get("valid_to", ""), number, "valid_to", problems)
        if valid_from and valid_to and valid_to < valid_from:
            problems.append(
                TableProblem(number, "valid_to", _("The end of validity is before its start."))
            )
        rows.append(
            _Row(
                number=number,
                code=code,
                name=values.get("name", ""),
                name_en=values.get("name_en", ""),
                parent=values.get("parent", ""),
                valid_from=valid_from,
                valid_to=valid_to,
            )
        )
    return rows


def _check_parents(
    rows: list[_Row], existing: dict[str, CodeValue], problems: list[TableProblem]
) -> None:
    """Every parent is a code of the list (in the file or already loaded); no code is its own
    ancestor."""
    parent_of: dict[str, str] = {
        code: value.parent.code for code, value in existing.items() if value.parent is not None
    }
    for row in rows:
        parent_of[row.code] = row.parent
    known = set(existing) | {row.code for row in rows}
    for row in rows:
        if not row.parent:
            continue
        if row.parent not in known:
            problems.append(
                TableProblem(
                    row.number,
                    "parent",
                    _("The parent %(code)s is not a code of this list.") % {"code": row.parent},
                )
            )
            continue
        seen = {row.code}
        ancestor = row.parent
        while ancestor:
            if ancestor in seen:
                problems.append(
                    TableProblem(
                        row.number,
                        "parent",
                        _("The code %(code)s would be its own ancestor.") % {"code": row.code},
                    )
                )
                break
            seen.add(ancestor)
            ancestor = parent_of.get(ancestor, "")


def _changed(value: CodeValue, row: _Row, index: int) -> bool:
    return (
        value.name != row.name
        or value.name_en != row.name_en
        or (value.parent.code if value.parent else "") != row.parent
        or value.valid_from != row.valid_from
        or value.valid_to != row.valid_to
        or value.sort_order != index
    )


def _code_list_for(
    identifier: str, name: str, name_en: str, standard: str
) -> tuple[CodeList, bool]:
    """The list to load into (locked) with the given attributes set, not saved; and whether it
    is new or changed."""
    code_list = CodeList.objects.select_for_update().filter(identifier=identifier).first()
    if code_list is None:
        if not name:
            raise ValidationFailed(
                fields={
                    "name": [
                        _("There is no code list %(identifier)s: give its name to create it.")
                        % {"identifier": identifier}
                    ]
                }
            )
        code_list = CodeList(identifier=identifier, name=name, name_en=name_en, standard=standard)
        code_list.full_clean()
        return code_list, True
    changed = False
    for attribute, value in (("name", name), ("name_en", name_en), ("standard", standard)):
        if value and getattr(code_list, attribute) != value:
            setattr(code_list, attribute, value)
            changed = True
    code_list.full_clean()
    return code_list, changed


@transaction.atomic
def code_list_load(
    *,
    actor: User | None,
    identifier: str,
    file_name: str,
    content: bytes,
    name: str = "",
    name_en: str = "",
    standard: str = "",
    dry_run: bool = False,
) -> CodeLoadReport:
    """Load the codes of a CSV or Excel file into the code list ``identifier``; return a report.

    Rules: the list is created when it does not exist (``name`` then required) and its names
    and standard are updated when given. The whole file is validated first (required cells,
    lengths, dates, repeated codes, parents that are codes of the list, no cycles); with any
    problem, or with ``dry_run``, nothing is written and the report says what would happen.
    Permissions: platform administrators (``actor=None``: the command line). Side effects:
    audited (``registry.code_list_loaded``), publishes ``registry.code_list_changed``;
    a file that changes nothing writes nothing.
    Errors: ``PermissionDenied``; ``ValidationFailed`` when the list does not exist and no name
    is given or the list's attributes are invalid.
    """
    require_metadata_maintainer(actor)
    report = CodeLoadReport(code_list=identifier, dry_run=dry_run)
    try:
        table = table_read(file_name=file_name, content=content, columns=CODE_COLUMNS)
    except TableError as exc:
        report.problems = exc.problems
        return report
    try:
        code_list, list_changed = _code_list_for(identifier, name, name_en, standard)
    except DjangoValidationError as exc:
        raise ValidationFailed(fields=exc.message_dict) from exc
    rows = _rows(table, report.problems)
    existing: dict[str, CodeValue] = (
        {v.code: v for v in code_list.values.select_related("parent")} if code_list.pk else {}
    )
    _check_parents(rows, existing, report.problems)
    if report.problems:
        return report
    to_create: list[CodeValue] = []
    to_update: list[CodeValue] = []
    for index, row in enumerate(rows):
        value = existing.get(row.code)
        if value is None:
            report.created += 1
            to_create.append(
                CodeValue(
                    code_list=code_list,
                    code=row.code,
                    name=row.name,
                    name_en=row.name_en,
                    valid_from=row.valid_from,
                    valid_to=row.valid_to,
                    sort_order=index,
                )
            )
        elif _changed(value, row, index):
            report.updated += 1
            to_update.append(value)
        else:
            report.unchanged += 1
    if dry_run:
        return report
    if list_changed:
        code_list.save()
    if not (to_create or to_update):
        return report
    CodeValue.objects.bulk_create(to_create, batch_size=500)
    by_code = {v.code: v for v in code_list.values.all()}  # with the new values' ids
    rewrite = {v.code for v in to_create} | {v.code for v in to_update}
    now = timezone.now()
    touched: list[CodeValue] = []
    for index, row in enumerate(rows):
        if row.code not in rewrite:
            continue
        value = by_code[row.code]
        value.name, value.name_en = row.name, row.name_en
        value.valid_from, value.valid_to = row.valid_from, row.valid_to
        value.sort_order = index
        value.parent = by_code[row.parent] if row.parent else None
        value.updated_at = now
        touched.append(value)
    CodeValue.objects.bulk_update(
        touched,
        ["name", "name_en", "valid_from", "valid_to", "sort_order", "parent", "updated_at"],
        batch_size=500,
    )
    summary = {"created": report.created, "updated": report.updated}
    audit_record(
        actor=actor,
        action="registry.code_list_loaded",
        obj=code_list,
        data={"code_list": identifier, "file": file_name[:100], **summary},
    )
    event_publish(
        name="registry.code_list_changed",
        subject=f"registry.codelist:{code_list.public_id}",
        data={"code_list": identifier, **summary},
        key=str(uuid.uuid4()),
    )
    return report


def code_lists_load_shipped(*, actor: User | None) -> list[CodeLoadReport]:
    """Load or refresh every national code list shipped in ``ecity/registry/data/``.

    Rules, permissions, side effects and errors as ``code_list_load``; idempotent (a second run
    changes nothing). A problem in a shipped file is a programming error: ``ValueError``.
    """
    reports = []
    for shipped in SHIPPED_CODE_LISTS:
        report = code_list_load(
            actor=actor,
            identifier=shipped.identifier,
            file_name=shipped.file_name,
            content=shipped.path.read_bytes(),
            name=shipped.name,
            name_en=shipped.name_en,
            standard=shipped.standard,
        )
        if report.problems:
            raise ValueError(f"shipped code list {shipped.file_name}: {report.problems}")
        reports.append(report)
    return reports
