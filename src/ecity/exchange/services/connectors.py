"""Services of data connectors: configure a connector, run it, run the due ones.

A run loads through the registry's import pipeline (``registry.services.bulk_records`` and
``imports.import_mapping``): the source columns map to the registry's attributes by attribute
name, data element identifier or the element's name; every row is validated by the records'
rules; a batch is written whole or not at all, with the change log, authority of the owner
department (one data one source) and conflicts. Rules of a run:

- **incremental**: with an incremental column only rows whose value is greater than the
  connector's ``last_watermark`` are read, oldest first; the watermark advances to the greatest
  value of a batch **in the transaction that writes the batch**, so a rejected or failed batch
  leaves it where it was and the next run reads the same rows again;
- **all or nothing**: a batch with a bad row (invalid ID number, bad date …) writes nothing;
  the run is ``rejected`` and its report names each bad row by its source position (table row
  key, file row, XML path, JSON index), the source column and the message;
- **one at a time**: a run claims the connector (``connectors.claims``); a second process gets
  ``Conflict`` (``exchange_connector_busy``);
- **dry run**: validates every row, writes nothing but the run's report.

Who: the actor must write registry records for the connector's department
(``registry.selectors.records.can_write_records``); ``actor=None`` is the trusted command
line or the periodic job. Audited: ``exchange.connector_saved``, ``exchange.connector_loaded``
(per committed batch, which is also published as the event ``exchange.connector_loaded``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.core.events import event_publish
from ecity.exchange.connectors.claims import (
    ConnectorClaimLost,
    connector_claim_release,
    connector_claim_renew,
    connector_claim_take,
    worker_name,
)
from ecity.exchange.connectors.sources import (
    IDENTIFIER,
    SELECT,
    SourceRow,
    source_rows,
    watermark_key,
)
from ecity.exchange.errors import ConnectorSourceFailed, ExchangeErrorCode
from ecity.exchange.models import Connector, ConnectorRun, SourceKind
from ecity.exchange.models.connectors import FILE_KINDS, SQL_KINDS
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.models import Registry
from ecity.registry.selectors.metadata import DataElementSnapshot
from ecity.registry.selectors.records import can_write_records
from ecity.registry.services.bulk_records import (
    REGISTRY_SPECS,
    BatchResult,
    RowProblem,
    batch_validate,
    batch_write,
)
from ecity.registry.services.imports import MAX_BATCH, import_mapping

#: Problems kept in a run's report (all are counted).
KEPT_PROBLEMS = 1000


@dataclass(frozen=True)
class ConnectorValues:
    """What an operator sets on a connector (``connector_save``)."""

    name: str
    department: Department
    source_kind: str
    registry: str
    field_mapping: dict[str, str]
    title: str = ""
    connection: str = ""
    query: str = ""
    table: str = ""
    record_path: str = ""
    key_column: str = ""
    incremental_column: str = ""
    every_minutes: int = 0
    batch_size: int = 5000
    is_enabled: bool = True


# What a connector's owner sets (the admin form shows exactly these).
CONNECTOR_VALUE_FIELDS = (
    "name",
    "title",
    "department",
    "source_kind",
    "registry",
    "field_mapping",
    "connection",
    "query",
    "table",
    "record_path",
    "key_column",
    "incremental_column",
    "every_minutes",
    "batch_size",
    "is_enabled",
)


def _check_actor(*, actor: User | None, department: Department) -> None:
    if actor is not None and not can_write_records(actor=actor, department=department):
        raise PermissionDenied(_("You cannot write registry records for this department."))


def connector_values_validate(values: ConnectorValues, *, has_upload: bool = False) -> None:
    """Check a connector's settings; ``ValidationFailed`` with one field per problem."""
    errors: dict[str, list[str]] = {}
    kind = values.source_kind
    if kind not in SourceKind.values:
        errors["source_kind"] = [_("Choose a source kind.")]
    if values.registry not in Registry.values:
        errors["registry"] = [_("Choose persons, legal entities or addresses.")]
    if kind in SQL_KINDS:
        schemes = (
            ("postgresql://", "postgres://")
            if kind == SourceKind.POSTGRESQL
            else (
                "mysql://",
                "mariadb://",
            )
        )
        if not values.connection.startswith(schemes):
            errors["connection"] = [
                _("Give a DSN starting with %(scheme)s.") % {"scheme": schemes[0]}
            ]
        if bool(values.query.strip()) == bool(values.table.strip()):
            errors["query"] = [_("Give either a SELECT query or a table, not both.")]
        elif values.query.strip() and not SELECT.match(values.query):
            errors["query"] = [_("The query must be one SELECT statement.")]
        elif values.table and not IDENTIFIER.match(values.table):
            errors["table"] = [_("Use a table name of letters, digits and underscores.")]
    elif kind in FILE_KINDS or kind in (SourceKind.XML, SourceKind.JSON_FEED):
        if not values.connection and not has_upload:
            errors["connection"] = [_("Give a file path or URL, or upload a file.")]
        if kind in FILE_KINDS and values.connection.startswith(("http://", "https://")):
            errors["connection"] = [_("A CSV or Excel source is a file, not a URL.")]
    if kind == SourceKind.XML and not values.record_path:
        errors["record_path"] = [_("Give the XPath of the records, e.g. /people/person.")]
    for name in ("key_column", "incremental_column"):
        column = getattr(values, name)
        if column and kind in SQL_KINDS and not IDENTIFIER.match(column):
            errors[name] = [_("Use a column name of letters, digits and underscores.")]
    mapping = values.field_mapping
    if not isinstance(mapping, dict) or not mapping:
        errors["field_mapping"] = [_("Map at least the key column to a data element.")]
    elif not all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
        errors["field_mapping"] = [_("Map source column names to data element names.")]
    elif values.registry in Registry.values:
        _columns, problems = import_mapping(
            registry=values.registry, header=list(mapping), explicit=mapping
        )
        for problem in problems:
            errors.setdefault(f"field_mapping.{problem.attribute}", []).append(problem.message)
    if not 0 <= values.every_minutes <= 7 * 24 * 60:
        errors["every_minutes"] = [_("Between 0 (by hand only) and one week.")]
    if not 1 <= values.batch_size <= MAX_BATCH:
        errors["batch_size"] = [_("A batch has between 1 and %(max)d rows.") % {"max": MAX_BATCH}]
    if errors:
        raise ValidationFailed(fields=errors)


def connector_save(
    *,
    actor: User | None,
    connector: Connector | None,
    values: ConnectorValues,
    upload: File | None = None,
) -> Connector:
    """Create (``connector=None``) or change a connector.

    Permissions: the actor writes registry records for the connector's (old and new) owner
    department. Validation: ``connector_values_validate`` (field-level), a unique name.
    Changing the source, table, query or incremental column resets the watermark (the rows
    are read again; the registry's rules keep a reload harmless). Audited
    (``exchange.connector_saved``; the connection is never written to the audit entry).
    Errors: ``PermissionDenied``, ``ValidationFailed``.
    """
    _check_actor(actor=actor, department=values.department)
    if connector is not None:
        _check_actor(actor=actor, department=connector.department)
    connector_values_validate(
        values, has_upload=upload is not None or bool(connector and connector.upload)
    )
    with transaction.atomic():
        duplicate = Connector.objects.filter(name=values.name)
        if connector is not None:
            duplicate = duplicate.exclude(pk=connector.pk)
        if duplicate.exists():
            raise ValidationFailed(fields={"name": [_("Another connector has this name.")]})
        if connector is None:
            connector = Connector()
        else:
            connector = Connector.objects.select_for_update().get(pk=connector.pk)
            source_changed = any(
                getattr(connector, name) != getattr(values, name)
                for name in ("source_kind", "connection", "query", "table", "incremental_column")
            )
            if source_changed:
                connector.last_watermark = ""
        for name in CONNECTOR_VALUE_FIELDS:
            setattr(connector, name, getattr(values, name))
        if upload is not None:
            connector.upload = upload
            connector.last_watermark = ""
        connector.save()
        audit_record(
            actor=actor,
            action="exchange.connector_saved",
            obj=connector,
            data={
                "name": connector.name,
                "department": connector.department.code,
                "source_kind": connector.source_kind,
                "registry": connector.registry,
                "field_mapping": connector.field_mapping,
                "every_minutes": connector.every_minutes,
                "is_enabled": connector.is_enabled,
            },
        )
    return connector


def _record_problems(
    run: ConnectorRun,
    problems: list[RowProblem],
    rows: list[SourceRow],
    columns_of: dict[str, str],
) -> None:
    """Add ``problems`` (row = 1-based index into ``rows``) to the report by source position."""
    kept: list[dict[str, str]] = run.report.setdefault("problems", [])
    for problem in problems:
        if len(kept) >= KEPT_PROBLEMS:
            break
        row = rows[problem.row - 1] if 0 < problem.row <= len(rows) else None
        kept.append(
            {
                "position": row.position if row else "",
                "column": columns_of.get(problem.attribute, problem.attribute),
                "message": problem.message,
            }
        )
    run.report["problem_count"] = run.report.get("problem_count", 0) + len(problems)


def _finish(run: ConnectorRun, status: str) -> ConnectorRun:
    run.status = status
    run.finished_at = timezone.now()
    run.save()
    return run


def connector_run(
    *,
    connector: Connector,
    actor: User | None,
    dry_run: bool = False,
    worker: str | None = None,
) -> ConnectorRun:
    """Run ``connector`` once (or only validate, ``dry_run``): read, check, load in batches.

    Rules and permissions in the module docstring. Returns the run: ``succeeded``,
    ``rejected`` (bad rows, with the report) or ``failed`` (the source cannot be read, the
    report's ``error`` says why). Side effects: the run row (its own transactions, so the
    progress is visible); per committed batch the registry records, the connector's watermark,
    an audit entry and an event. Errors: ``PermissionDenied``; ``Conflict``
    (``exchange_connector_busy``: another process runs it).
    """
    _check_actor(actor=actor, department=connector.department)
    worker = worker or worker_name()
    if not connector_claim_take(connector=connector, worker=worker):
        raise Conflict(
            _("Another process is running this connector; try again later."),
            code=ExchangeErrorCode.CONNECTOR_BUSY,
        )
    try:
        connector.refresh_from_db()
        return _run(connector=connector, actor=actor, dry_run=dry_run, worker=worker)
    finally:
        connector_claim_release(connector=connector, worker=worker)


def _run(*, connector: Connector, actor: User | None, dry_run: bool, worker: str) -> ConnectorRun:
    run = ConnectorRun.objects.create(
        connector=connector,
        started_by=actor,
        is_dry_run=dry_run,
        started_at=timezone.now(),
        watermark_before=connector.last_watermark,
        watermark_after=connector.last_watermark,
        report={"problems": [], "problem_count": 0},
    )
    try:
        return _load(connector=connector, run=run, actor=actor, dry_run=dry_run, worker=worker)
    except BaseException as exc:
        # The batch in flight rolled back; the run says so instead of staying "running".
        run.report["error"] = getattr(exc, "message", "") or f"{type(exc).__name__}: {exc}"
        _finish(run, ConnectorRun.Status.FAILED)
        raise


def _load(
    *, connector: Connector, run: ConnectorRun, actor: User | None, dry_run: bool, worker: str
) -> ConnectorRun:
    """Read, check and load (the body of ``connector_run``); the finished run."""
    registry = connector.registry
    columns_of, problems = import_mapping(
        registry=registry, header=list(connector.field_mapping), explicit=connector.field_mapping
    )
    if problems:
        _record_problems(run, problems, [], {})
        return _finish(run, ConnectorRun.Status.REJECTED)
    try:
        rows = source_rows(connector, after=connector.last_watermark)
    except ConnectorSourceFailed as exc:
        run.report["error"] = exc.message
        return _finish(run, ConnectorRun.Status.FAILED)
    run.rows_read = len(rows)
    run.save(update_fields=["rows_read", "updated_at"])
    spec = REGISTRY_SPECS[registry]
    attribute_columns = {attribute: column for column, attribute in columns_of.items() if attribute}
    elements = DataElementSnapshot(spec.data_elements())
    numbered = [
        (index, {columns_of[c]: row.values.get(c, "") for c in columns_of if columns_of[c]})
        for index, row in enumerate(rows, start=1)
    ]
    rejected = False
    for start in range(0, len(numbered), connector.batch_size):
        batch = numbered[start : start + connector.batch_size]
        batch_rows = rows[start : start + connector.batch_size]
        if dry_run:
            connector_claim_renew(connector=connector, worker=worker)
            result = batch_validate(spec=spec, rows=batch, elements=elements)
            run.created_count += result.created
            if result.problems:
                rejected = True
                run.rows_rejected += len({p.row for p in result.problems})
                _record_problems(run, result.problems, rows, attribute_columns)
            run.save()
            continue
        result = _batch_commit(
            connector=connector,
            run=run,
            batch=batch,
            batch_rows=batch_rows,
            elements=elements,
            actor=actor,
            worker=worker,
        )
        if result.problems:
            run.rows_rejected = len(rows) - run.rows_loaded
            _record_problems(run, result.problems, rows, attribute_columns)
            rejected = True
            break
    if rejected:
        return _finish(run, ConnectorRun.Status.REJECTED)
    return _finish(run, ConnectorRun.Status.SUCCEEDED)


def _batch_commit(
    *,
    connector: Connector,
    run: ConnectorRun,
    batch: list[tuple[int, dict[str, str]]],
    batch_rows: list[SourceRow],
    elements: DataElementSnapshot,
    actor: User | None,
    worker: str,
) -> BatchResult:
    """Write one batch, the run's counts and the watermark in one transaction; nothing on a
    problem (nor when the claim was lost: ``ConnectorClaimLost``)."""
    spec = REGISTRY_SPECS[connector.registry]
    with transaction.atomic():
        connector_claim_renew(connector=connector, worker=worker)
        result = batch_write(
            spec=spec,
            rows=batch,
            elements=elements,
            actor=actor,
            department=connector.department,
            source_reference=f"connector:{connector.name}:{run.public_id}"[:200],
        )
        if result.problems:
            transaction.set_rollback(True)
            return result
        if connector.incremental_column:
            highest = max((r.watermark for r in batch_rows), key=watermark_key)
            if not connector.last_watermark or watermark_key(highest) > watermark_key(
                connector.last_watermark
            ):
                connector.last_watermark = highest
                Connector.objects.filter(pk=connector.pk).update(last_watermark=highest)
        run.rows_loaded += len(batch)
        run.created_count += result.created
        run.updated_count += result.updated
        run.conflict_count += result.conflicts
        run.watermark_after = connector.last_watermark
        run.save()
        data = {
            "connector": connector.name,
            "run": str(run.public_id),
            "registry": connector.registry,
            "department": connector.department.code,
            "positions": [batch_rows[0].position, batch_rows[-1].position],
            "created": result.created,
            "changed": result.updated,
            "conflicts": result.conflicts,
            "watermark": connector.last_watermark,
        }
        audit_record(actor=actor, action="exchange.connector_loaded", obj=run, data=data)
        event_publish(
            name="exchange.connector_loaded",
            subject=str(run.public_id),
            data=data,
            key=f"{run.public_id}:{batch[-1][0]}",
        )
    return result


def connectors_run_due(*, now: dt.datetime | None = None) -> dict[str, str]:
    """Run every enabled, scheduled connector whose next run is due (the periodic job).

    Each connector is claimed with one conditional UPDATE that also moves its next run
    ``every_minutes`` ahead, so two workers never run one connector at once and a connector
    whose run fails waits for its next turn. Returns ``{name: run status}``; a connector held
    by another process is skipped.
    """
    now = now or timezone.now()
    worker = worker_name()
    outcome: dict[str, str] = {}
    due = Connector.objects.filter(is_enabled=True, every_minutes__gt=0).filter(
        next_run_at__isnull=True
    ) | Connector.objects.filter(is_enabled=True, every_minutes__gt=0, next_run_at__lte=now)
    for connector in due.select_related("department").order_by("next_run_at", "pk"):
        taken = connector_claim_take(
            connector=connector,
            worker=worker,
            due_before=now,
            next_run_at=now + dt.timedelta(minutes=connector.every_minutes),
        )
        if not taken:
            continue
        try:
            run = connector_run(connector=connector, actor=None, worker=worker)
        except (ConnectorClaimLost, Conflict):
            continue
        outcome[connector.name] = run.status
    return outcome
