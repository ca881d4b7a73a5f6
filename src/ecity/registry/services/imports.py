"""Bulk import of persons, legal entities and addresses from CSV and Excel files (``ImportJob``).

``registry_import`` reads a file of any size row by row (``tables.table_file_rows``):

- **mapping**: each column header names an attribute: the attribute's name (``id_number``),
  its data element's identifier (``DE0001``) or the element's Chinese or English name
  (``公民身份号码``); an explicit mapping ``{header: attribute or identifier}`` overrides the
  guess, and maps a column to ``""`` to ignore it. An unknown column, two columns for one
  attribute or a missing key column stop the import before any row is read;
- **dry run**: every row is validated as the load would validate it (the records' rules,
  ``bulk_records.batch_validate``); the report lists each problem as row, column, message.
  Nothing is written to the registry: the job row keeps the report;
- **load**: batches of ``batch_size`` rows, each one transaction with the job's progress
  (``last_committed_row``): a batch is written whole or not at all. A batch with a problem is
  not written and the job stops (``failed``), the earlier batches stay. Rerun with ``resume``
  to continue the unfinished job of the same file, mapping, registry and department after its
  last committed row;
- **rules**: the values are written by the records' rules (``services.records``): the
  importing department writes authoritative values of the data elements it is the authority
  of, anything else is provisional, and a disagreement with an authoritative value is a
  conflict. Each batch is audited (``registry.records_imported``) and published
  (``registry.records_imported``); changes to existing records also as ``person_write`` does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.core.events import event_publish
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.models import DataElement, ImportJob
from ecity.registry.selectors.metadata import DataElementSnapshot
from ecity.registry.selectors.records import can_write_records
from ecity.registry.services.bulk_records import (
    REGISTRY_SPECS,
    BatchResult,
    RegistrySpec,
    RowProblem,
    batch_validate,
    batch_write,
)
from ecity.registry.services.import_claims import (
    ClaimLost,
    claim_refused,
    claim_release,
    claim_renew,
    claim_take,
    worker_name,
)
from ecity.registry.tables import TableError, TableFile, table_file_inspect, table_file_rows

DEFAULT_BATCH = 5000
MAX_BATCH = 50_000
#: Problems kept on the job (all are counted).
KEPT_PROBLEMS = 1000

Progress = Callable[[ImportJob], None]


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def import_mapping(
    *, registry: str, header: list[str], explicit: Mapping[str, str] | None = None
) -> tuple[dict[str, str], list[RowProblem]]:
    """Map the columns of ``header`` to attributes of ``registry``; problems are on row 1.

    Returns ``{header: attribute}`` (ignored columns map to ``""``) and the problems, each
    naming the column. Rules in the module docstring.
    """
    spec = REGISTRY_SPECS[registry]
    attributes = {spec.key.name: spec.key, **spec.attributes}
    names: dict[str, str] = {}
    for name, spec_attribute in attributes.items():
        names[_fold(name)] = name
        names[_fold(spec_attribute.data_element)] = name
    for element in DataElement.objects.filter(identifier__in=spec.data_elements()):
        owners = [n for n, a in attributes.items() if a.data_element == element.identifier]
        if len(owners) == 1:
            for label in (element.name, element.name_en, *element.synonyms):
                if label:
                    names.setdefault(_fold(label), owners[0])
    explicit = dict(explicit or {})
    problems: list[RowProblem] = []
    for column in explicit:
        if column not in header:
            problems.append(
                RowProblem(1, column, _("The file has no column %(name)s.") % {"name": column})
            )
    mapping: dict[str, str] = {}
    used: dict[str, str] = {}
    for column in header:
        if not column:
            continue
        target = explicit.get(column, column)
        if target == "":
            mapping[column] = ""
            continue
        attribute = names.get(_fold(target))
        if attribute is None:
            problems.append(
                RowProblem(
                    1,
                    column,
                    _("No attribute of this registry is named %(name)s.") % {"name": target},
                )
            )
            continue
        if attribute in used:
            problems.append(
                RowProblem(
                    1,
                    column,
                    _("The columns %(first)s and %(second)s both hold %(attribute)s.")
                    % {"first": used[attribute], "second": column, "attribute": attribute},
                )
            )
            continue
        used[attribute] = column
        mapping[column] = attribute
    if spec.key.name not in used and not problems:
        problems.append(
            RowProblem(
                1,
                spec.key.name,
                _("No column holds the key %(name)s.") % {"name": str(spec.key.label)},
            )
        )
    return mapping, problems


def import_check(
    *, actor: User | None, department: Department | None, registry: str, batch_size: int
) -> None:
    """The actor's right first, then the options. ``actor=None``: the trusted command line."""
    if actor is not None and not can_write_records(actor=actor, department=department):
        raise PermissionDenied(_("You cannot write registry records for this department."))
    errors: dict[str, list[str]] = {}
    if registry not in REGISTRY_SPECS:
        errors["registry"] = [_("Choose persons, legal entities or addresses.")]
    if not 1 <= batch_size <= MAX_BATCH:
        errors["batch"] = [
            _("A batch has between 1 and %(max)d rows.") % {"max": MAX_BATCH},
        ]
    if errors:
        raise ValidationFailed(fields=errors)


def _unfinished(
    *, registry: str, info: TableFile, mapping: dict[str, str], department: Department | None
) -> ImportJob | None:
    return (
        ImportJob.objects.filter(
            registry=registry,
            file_hash=info.sha256,
            department=department,
            is_dry_run=False,
            status__in=[ImportJob.Status.RUNNING, ImportJob.Status.FAILED],
        )
        .filter(Q(mapping=mapping) if mapping else Q())
        .order_by("-created_at")
        .first()
    )


def import_problems_record(
    job: ImportJob, problems: list[RowProblem], columns: dict[str, str]
) -> None:
    """Add ``problems`` to the job's report, naming the file's column of each attribute."""
    job.problem_count += len(problems)
    room = KEPT_PROBLEMS - len(job.problems)
    for problem in problems[: max(room, 0)]:
        job.problems.append(
            {
                "row": problem.row,
                "column": columns.get(problem.attribute, problem.attribute),
                "message": problem.message,
            }
        )


def _batches(
    info: TableFile, mapping: dict[str, str], after: int, size: int
) -> Iterator[list[tuple[int, dict[str, str]]]]:
    """The data rows after spreadsheet row ``after`` as ``{attribute: text}``, ``size`` at once."""
    header: list[str] = []
    batch: list[tuple[int, dict[str, str]]] = []
    for number, cells in table_file_rows(info):
        if number == 1:
            header = cells
            continue
        if number <= after or not any(cells):
            continue
        values = {
            mapping[column]: (cells[i] if i < len(cells) else "")
            for i, column in enumerate(header)
            if mapping.get(column)
        }
        batch.append((number, values))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def table_header(info: TableFile) -> list[str]:
    for _number, cells in table_file_rows(info):
        header = list(cells)
        while header and header[-1] == "":
            header.pop()
        return header
    return []


def _batch_commit(
    *,
    job: ImportJob,
    spec: RegistrySpec,
    batch: list[tuple[int, dict[str, str]]],
    elements: DataElementSnapshot,
    actor: User | None,
    columns: dict[str, str],
    worker: str,
) -> BatchResult:
    """Write one batch and the job's progress in one transaction; nothing on a problem.

    The batch first renews ``worker``'s claim on the job (``ClaimLost``: nothing written).
    """
    with transaction.atomic():
        claim_renew(job=job, worker=worker)
        result = batch_write(
            spec=spec,
            rows=batch,
            elements=elements,
            actor=actor,
            department=job.department,
            source_reference=f"import:{job.public_id}",
        )
        if result.problems:
            transaction.set_rollback(True)
            return result
        first, last = batch[0][0], batch[-1][0]
        job.last_committed_row = last
        job.rows_done += len(batch)
        job.created_count += result.created
        job.updated_count += result.updated
        job.unchanged_count += result.unchanged
        job.conflict_count += result.conflicts
        job.save()
        data = {
            "job": str(job.public_id),
            "registry": spec.registry,
            "rows": [first, last],
            "created": result.created,
            "changed": result.updated,
            "conflicts": result.conflicts,
            "department": job.department.code if job.department else "",
        }
        audit_record(actor=actor, action="registry.records_imported", obj=job, data=data)
        event_publish(
            name="registry.records_imported",
            subject=str(job.public_id),
            data=data,
            key=f"{job.public_id}:{last}",
        )
    return result


def registry_import(
    *,
    actor: User | None,
    department: Department | None,
    registry: str,
    path: Path,
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH,
    resume: bool = False,
    progress: Progress | None = None,
    worker: str | None = None,
) -> ImportJob:
    """Import (or with ``dry_run`` only validate) the CSV or Excel file at ``path``.

    Rules in the module docstring. Who: ``actor`` writes records for ``department``
    (``can_write_records``); ``actor=None`` is an operator on the server's command line.
    ``progress`` is called with the job after each batch. Returns the job: ``completed``,
    ``validated`` (dry run without problems) or ``failed`` with its problems (row, column,
    message). Side effects: the job row (its own transaction, so others see the progress);
    per batch the records, an audit entry and an event ``registry.records_imported``.
    The run claims its job as ``worker`` (default: a new ``worker_name``): resuming a job
    another live process runs is refused (``Conflict``), a stale claim is taken over
    (``services.import_claims``).
    Errors: ``PermissionDenied``; ``ValidationFailed`` (registry, batch size, ``resume``
    without an unfinished job of this file, or an unfinished one without ``resume``);
    ``Conflict`` (another process runs it, or took it over meanwhile: ``ClaimLost``).
    """
    worker = worker or worker_name()
    import_check(actor=actor, department=department, registry=registry, batch_size=batch_size)
    job = ImportJob(
        registry=registry,
        file_name=path.name[:255],
        department=department,
        started_by=actor,
        is_dry_run=dry_run,
        batch_size=batch_size,
    )
    try:
        info = table_file_inspect(path)
        header = table_header(info)
    except TableError as exc:
        job.file_hash = ""
        import_problems_record(
            job, [RowProblem(p.row, p.column, p.message) for p in exc.problems], {}
        )
        return import_job_finish(job, ImportJob.Status.FAILED)
    job.file_hash = info.sha256
    job.total_rows = info.data_rows
    if not header:
        import_problems_record(job, [RowProblem(1, "", _("The file has no header row."))], {})
        return import_job_finish(job, ImportJob.Status.FAILED)
    columns_of, problems = import_mapping(registry=registry, header=header, explicit=mapping)
    job.mapping = columns_of
    if problems:
        import_problems_record(job, problems, {})
        return import_job_finish(job, ImportJob.Status.FAILED)
    if not dry_run:
        unfinished = _unfinished(
            registry=registry, info=info, mapping=columns_of, department=department
        )
        if resume and unfinished is None:
            raise ValidationFailed(
                fields={"resume": [_("There is no unfinished import of this file to resume.")]}
            )
        if unfinished is not None and not resume:
            raise ValidationFailed(
                fields={
                    "resume": [
                        _(
                            "An import of this file stopped after row %(row)d: resume it "
                            "to continue."
                        )
                        % {"row": unfinished.last_committed_row}
                    ]
                }
            )
        if unfinished is not None:
            if not claim_take(job=unfinished, worker=worker):
                unfinished.refresh_from_db()
                raise claim_refused(unfinished)
            job = unfinished
            job.status = ImportJob.Status.RUNNING
            job.batch_size = batch_size
            job.problems, job.problem_count, job.finished_at = [], 0, None
    if job.pk is None:
        job.claimed_by, job.heartbeat_at = worker, timezone.now()
    job.save()
    return import_job_execute(job=job, info=info, actor=actor, worker=worker, progress=progress)


def import_job_execute(
    *,
    job: ImportJob,
    info: TableFile,
    actor: User | None,
    worker: str,
    progress: Progress | None = None,
) -> ImportJob:
    """Run the claimed ``job`` over the file ``info`` after its last committed row.

    The caller has checked the actor's right and claimed the job as ``worker``; the job's
    ``mapping`` is resolved. A dry run validates every row; a load writes batch by batch
    (``_batch_commit``). Finishing releases the claim. Errors: ``ClaimLost``.
    """
    try:
        status = _execute(job=job, info=info, actor=actor, worker=worker, progress=progress)
    except ClaimLost:
        raise
    except BaseException:
        # Stopped here (Ctrl-C, an error): the next run may resume at once. A process that
        # dies without this leaves its claim to go stale.
        claim_release(job=job, worker=worker)
        raise
    job = import_job_finish(job, status)
    claim_release(job=job, worker=worker)
    return job


def _execute(
    *,
    job: ImportJob,
    info: TableFile,
    actor: User | None,
    worker: str,
    progress: Progress | None,
) -> str:
    """The batches of ``import_job_execute``; the job's final status."""
    spec = REGISTRY_SPECS[job.registry]
    columns_of = job.mapping
    attribute_columns = {attribute: column for column, attribute in columns_of.items() if attribute}
    elements = DataElementSnapshot(spec.data_elements())
    failed = False
    for batch in _batches(info, columns_of, job.last_committed_row, job.batch_size):
        if job.is_dry_run:
            claim_renew(job=job, worker=worker)
            result = batch_validate(spec=spec, rows=batch, elements=elements)
            job.rows_done += len(batch)
            job.created_count += result.created
            import_problems_record(job, result.problems, attribute_columns)
            failed = failed or bool(result.problems)
            # The progress bar follows a dry run too.
            job.save(
                update_fields=[
                    "rows_done",
                    "created_count",
                    "problem_count",
                    "problems",
                    "updated_at",
                ]
            )
        else:
            result = _batch_commit(
                job=job,
                spec=spec,
                batch=batch,
                elements=elements,
                actor=actor,
                columns=attribute_columns,
                worker=worker,
            )
            if result.problems:
                import_problems_record(job, result.problems, attribute_columns)
                failed = True
                break
        if progress is not None:
            progress(job)
    if failed:
        return ImportJob.Status.FAILED
    return ImportJob.Status.VALIDATED if job.is_dry_run else ImportJob.Status.COMPLETED


def import_job_finish(job: ImportJob, status: str) -> ImportJob:
    job.status = status
    job.finished_at = timezone.now()
    job.save()
    return job
