"""Bulk imports of base-registry records (persons, legal entities, addresses) from CSV, Excel.

An ``ImportJob`` is one run of ``ecity.registry.services.imports.registry_import``: the file
(name and SHA-256), the column → attribute mapping, the department that vouches for the
values, and how far the load got. Each batch of rows is written in one transaction together
with ``last_committed_row``, so a load that stops (crash, bad batch, Ctrl-C) resumes after the
last batch that committed. A dry run is a job too: it writes no record, only its report.
A job started from the admin waits (``queued``) for the background job ``registry.imports``;
whoever runs a job claims it first (``claimed_by`` / ``heartbeat_at``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ecity.core.models import BaseModel


class Registry(models.TextChoices):
    """The base registries a file can be imported into."""

    PERSONS = "persons", _("Persons")
    LEGAL_ENTITIES = "legal_entities", _("Legal entities")
    ADDRESSES = "addresses", _("Addresses")


class ImportJob(BaseModel):
    """One import (or dry run) of a file into a base registry, with its progress and report."""

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("import status", "Waiting to run")
        RUNNING = "running", pgettext_lazy("import status", "Running")
        COMPLETED = "completed", pgettext_lazy("import status", "Completed")
        FAILED = "failed", pgettext_lazy("import status", "Stopped with problems")
        VALIDATED = "validated", pgettext_lazy("import status", "Dry run: no problems")

    registry = models.CharField(_("registry"), max_length=16, choices=Registry.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    file_hash = models.CharField(_("file SHA-256"), max_length=64, db_index=True)
    # {column header: attribute name}; columns mapped to "" are ignored.
    mapping = models.JSONField(_("mapping"), default=dict)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_dry_run = models.BooleanField(_("dry run"), default=False)
    batch_size = models.PositiveIntegerField(_("rows per batch"), default=5000)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RUNNING, db_index=True
    )
    total_rows = models.PositiveIntegerField(_("data rows"), default=0)
    # The spreadsheet row (the header is row 1) of the last row whose batch committed.
    last_committed_row = models.PositiveIntegerField(_("last committed row"), default=1)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    created_count = models.PositiveIntegerField(_("records created"), default=0)
    updated_count = models.PositiveIntegerField(_("records changed"), default=0)
    unchanged_count = models.PositiveIntegerField(_("records unchanged"), default=0)
    conflict_count = models.PositiveIntegerField(_("conflicts recorded"), default=0)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    # The first problems: [{"row": 2, "column": "身份证号", "message": "…"}, …]
    problems = models.JSONField(_("problems (first ones)"), default=list, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The uploaded file a background run reads (under ECITY_DATA_DIR); "" for the command line.
    stored_file = models.CharField(_("stored file"), max_length=500, blank=True)
    # The process running the job ("" none) and its last sign of life: a process claims the
    # job with a conditional UPDATE, so two never run it at once; a stale claim is taken over.
    claimed_by = models.CharField(
        pgettext_lazy("import job", "claimed by"), max_length=120, blank=True
    )
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} → {self.get_registry_display()}"

    @property
    def progress_percent(self) -> int:
        """How much of the file is done, 0–100."""
        if self.status in (self.Status.COMPLETED, self.Status.VALIDATED):
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.rows_done * 100 // self.total_rows)
