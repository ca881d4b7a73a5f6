"""Imports started from the admin: the upload is stored, the job queued, a background job runs it.

- ``import_queue``: a data administrator uploads a CSV or Excel file for a registry, with a
  column → attribute mapping; the file is checked (readable, a header, every column mapped)
  and stored under ``DATA_DIR/imports``, and a dry run or a load waits as a ``queued`` job.
- ``import_load_queue``: after a clean dry run, the same file, mapping and department are
  queued for loading.
- ``import_jobs_run`` (the periodic job ``registry.imports``): claims each queued job, or a
  running one whose process stopped giving signs of life, and runs it (``services.imports``);
  the claim (``services.import_claims``) keeps two processes from running one job at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Mapping
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.models import ImportJob
from ecity.registry.selectors.records import can_write_records
from ecity.registry.services.bulk_records import RowProblem
from ecity.registry.services.import_claims import (
    CLAIM_STALE_AFTER,
    ClaimLost,
    claim_release,
    claim_take,
    worker_name,
)
from ecity.registry.services.imports import (
    DEFAULT_BATCH,
    import_check,
    import_job_execute,
    import_job_finish,
    import_mapping,
    import_problems_record,
    table_header,
)
from ecity.registry.tables import TableError, table_file_inspect

SUFFIXES = (".csv", ".xlsx", ".xlsm")
#: Queued jobs one run of the periodic job takes on at most.
RUN_LIMIT = 5


def imports_directory() -> Path:
    """Where uploaded import files are kept (``DATA_DIR/imports``)."""
    return Path(settings.DATA_DIR) / "imports"


def import_upload_store(*, upload: UploadedFile) -> Path:
    """Copy ``upload`` to a new file under ``imports_directory`` (keeping its suffix)."""
    name = upload.name or ""
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationFailed(fields={"file": [_("Upload a CSV (.csv) or Excel (.xlsx) file.")]})
    directory = imports_directory()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{uuid.uuid4().hex}{suffix}"
    with path.open("wb") as stream:
        for chunk in upload.chunks():
            stream.write(chunk)
    return path


def _problems_text(problems: list[RowProblem]) -> list[str]:
    return [f"{p.attribute}: {p.message}" if p.attribute else p.message for p in problems]


def import_queue(
    *,
    actor: User,
    department: Department | None,
    registry: str,
    path: Path,
    file_name: str,
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = True,
    batch_size: int = DEFAULT_BATCH,
) -> ImportJob:
    """Queue a dry run (or a load) of the stored file ``path`` for the background job.

    Who: ``actor`` writes records for ``department`` (``can_write_records``). Rules: the file
    reads as a table with a header; every column maps to an attribute of ``registry`` or is
    ignored (``import_mapping``: ``mapping`` overrides the guess from the headers), the key
    column is mapped. On any problem the stored file is removed and nothing is written.
    Errors: ``PermissionDenied``, ``ValidationFailed`` (``registry``, ``batch``, ``file``,
    ``mapping``).
    """
    try:
        import_check(actor=actor, department=department, registry=registry, batch_size=batch_size)
        try:
            info = table_file_inspect(path)
            header = table_header(info)
        except TableError as exc:
            raise ValidationFailed(
                fields={"file": [p.message for p in exc.problems] or [_("Unreadable file.")]}
            ) from exc
        if not header:
            raise ValidationFailed(fields={"file": [_("The file has no header row.")]})
        columns_of, problems = import_mapping(registry=registry, header=header, explicit=mapping)
        if problems:
            raise ValidationFailed(fields={"mapping": _problems_text(problems)})
    except (PermissionDenied, ValidationFailed):
        path.unlink(missing_ok=True)
        raise
    return ImportJob.objects.create(
        registry=registry,
        file_name=file_name[:255],
        file_hash=info.sha256,
        mapping=columns_of,
        department=department,
        started_by=actor,
        is_dry_run=dry_run,
        batch_size=batch_size,
        status=ImportJob.Status.QUEUED,
        total_rows=info.data_rows,
        stored_file=str(path),
    )


def import_load_queue(*, actor: User, dry_run_job: ImportJob) -> ImportJob:
    """Queue the load of the file ``dry_run_job`` checked without problems.

    Who: ``actor`` writes records for the job's department. Rules: the dry run finished
    without problems and its stored file is unchanged. Errors: ``PermissionDenied``,
    ``Conflict`` (not a clean dry run, or the file is gone or changed).
    """
    if not can_write_records(actor=actor, department=dry_run_job.department):
        raise PermissionDenied(_("You cannot write registry records for this department."))
    if not dry_run_job.is_dry_run or dry_run_job.status != ImportJob.Status.VALIDATED:
        raise Conflict(_("Only a dry run without problems can be loaded."))
    path = Path(dry_run_job.stored_file) if dry_run_job.stored_file else None
    if path is None or not path.exists() or _sha256(path) != dry_run_job.file_hash:
        raise Conflict(_("The checked file is no longer there: upload it again."))
    return ImportJob.objects.create(
        registry=dry_run_job.registry,
        file_name=dry_run_job.file_name,
        file_hash=dry_run_job.file_hash,
        mapping=dry_run_job.mapping,
        department=dry_run_job.department,
        started_by=actor,
        is_dry_run=False,
        batch_size=dry_run_job.batch_size,
        status=ImportJob.Status.QUEUED,
        total_rows=dry_run_job.total_rows,
        stored_file=dry_run_job.stored_file,
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _stop(job: ImportJob, worker: str, message: str) -> None:
    import_problems_record(job, [RowProblem(1, "", message)], {})
    import_job_finish(job, ImportJob.Status.FAILED)
    claim_release(job=job, worker=worker)


def import_job_run(*, job: ImportJob, worker: str) -> ImportJob:
    """Run the queued (or stale running) ``job`` that ``worker`` claimed, to its end.

    The starter's right is checked again now (it may have been withdrawn meanwhile), and the
    stored file must still be the one checked. Errors: ``ClaimLost``.
    """
    job.refresh_from_db()
    actor = job.started_by
    if actor is None or not can_write_records(actor=actor, department=job.department):
        _stop(job, worker, _("The one who started this import may no longer write these records."))
        return job
    path = Path(job.stored_file)
    try:
        info = table_file_inspect(path)
    except (OSError, TableError):
        _stop(job, worker, _("The uploaded file is no longer readable: upload it again."))
        return job
    if info.sha256 != job.file_hash:
        _stop(job, worker, _("The uploaded file changed since it was checked: upload it again."))
        return job
    if job.status == ImportJob.Status.QUEUED:
        job.status = ImportJob.Status.RUNNING
        job.save(update_fields=["status", "updated_at"])
    return import_job_execute(job=job, info=info, actor=actor, worker=worker)


def import_jobs_run(
    *, worker: str | None = None, stale_after: dt.timedelta = CLAIM_STALE_AFTER
) -> int:
    """Run the queued imports, and resume those whose process died; return how many ran.

    The periodic job ``registry.imports``. Each job is claimed first (``claim_take``): one
    another live process holds is left alone, so concurrent runs never run a job twice.
    """
    worker = worker or worker_name()
    stale = timezone.now() - stale_after
    candidates = list(
        ImportJob.objects.exclude(stored_file="")
        .filter(
            Q(status=ImportJob.Status.QUEUED)
            | Q(status=ImportJob.Status.RUNNING)
            & (Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=stale))
        )
        .order_by("created_at")[:RUN_LIMIT]
    )
    ran = 0
    for job in candidates:
        if not claim_take(job=job, worker=worker, stale_after=stale_after):
            continue
        try:
            import_job_run(job=job, worker=worker)
        except ClaimLost:
            continue
        ran += 1
    return ran
