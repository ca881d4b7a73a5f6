"""Data connectors (数据整合): scheduled, incremental loads from a department's source into a
base registry, and the history of their runs.

A ``Connector`` reads rows from a SQL database (PostgreSQL, MariaDB), a CSV or Excel file, an
XML document or a JSON feed, maps source columns to the registry's data elements, and loads
them through the registry's own import pipeline (``registry.services.bulk_records``: records'
rules, one data one source, change log), all or nothing per batch. With an incremental column
only rows whose value is greater than the stored watermark are read; the watermark advances in
the same transaction as the batch it covers. Each run is a ``ConnectorRun`` with counts,
progress and a report naming each bad row by its source position.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ecity.core.fields import EncryptedTextField
from ecity.core.models import BaseModel
from ecity.registry.models import Registry


class SourceKind(models.TextChoices):
    POSTGRESQL = "postgresql", _("PostgreSQL database")
    MARIADB = "mariadb", _("MariaDB / MySQL database")
    CSV = "csv", _("CSV file (UTF-8 or GB 18030)")
    EXCEL = "excel", _("Excel workbook")
    XML = "xml", _("XML document (file or URL)")
    JSON_FEED = "json_feed", _("JSON feed (URL or file)")


SQL_KINDS = (SourceKind.POSTGRESQL, SourceKind.MARIADB)
FILE_KINDS = (SourceKind.CSV, SourceKind.EXCEL)


class Connector(BaseModel):
    """A source of registry records owned by a department, loaded on a schedule."""

    name = models.SlugField(_("name"), max_length=64, unique=True, allow_unicode=False)
    title = models.CharField(_("title"), max_length=200, blank=True)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("owner department"),
        on_delete=models.PROTECT,
        related_name="exchange_connectors",
    )
    source_kind = models.CharField(_("source kind"), max_length=16, choices=SourceKind.choices)
    # DSN (postgresql://…, mysql://…), file path or feed URL; encrypted: a DSN holds a password.
    connection = EncryptedTextField(_("connection"), max_length=2000, blank=True)
    upload = models.FileField(
        _("uploaded file"), upload_to="exchange/connectors/", blank=True, max_length=500
    )
    # SQL: a SELECT statement, or a table name; XML/JSON: the path of the records.
    query = models.TextField(_("query"), blank=True)
    table = models.CharField(_("table"), max_length=128, blank=True)
    record_path = models.CharField(_("record path"), max_length=300, blank=True)
    key_column = models.CharField(_("row key column"), max_length=128, blank=True)
    incremental_column = models.CharField(_("incremental column"), max_length=128, blank=True)
    last_watermark = models.CharField(_("last watermark"), max_length=200, blank=True)
    registry = models.CharField(
        _("target registry"),
        max_length=16,
        choices=Registry.choices,
    )
    # {source column: attribute name or data element identifier (DE0001) or its name}
    field_mapping = models.JSONField(_("field mapping"), default=dict)
    every_minutes = models.PositiveIntegerField(
        _("run every (minutes)"), default=0, help_text=_("0: only when started by hand.")
    )
    batch_size = models.PositiveIntegerField(_("rows per batch"), default=5000)
    is_enabled = models.BooleanField(_("enabled"), default=True)
    next_run_at = models.DateTimeField(_("next run at"), null=True, blank=True, db_index=True)
    # The process running the connector ("" none) and its last sign of life (conditional
    # UPDATE claims, as registry imports do): two processes never run one connector at once.
    claimed_by = models.CharField(
        pgettext_lazy("connector", "claimed by"), max_length=120, blank=True
    )
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        verbose_name = _("data connector")
        verbose_name_plural = _("data connectors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.title or self.name


class ConnectorRun(BaseModel):
    """One run (or dry run) of a connector: counts, progress, watermarks and the report."""

    class Status(models.TextChoices):
        RUNNING = "running", pgettext_lazy("connector run", "Running")
        SUCCEEDED = "succeeded", pgettext_lazy("connector run", "Succeeded")
        FAILED = "failed", pgettext_lazy("connector run", "Failed (source)")
        REJECTED = "rejected", pgettext_lazy("connector run", "Rejected (bad rows)")

    connector = models.ForeignKey(
        Connector, verbose_name=_("connector"), on_delete=models.CASCADE, related_name="runs"
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
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RUNNING, db_index=True
    )
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_loaded = models.PositiveIntegerField(_("rows loaded"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    created_count = models.PositiveIntegerField(_("records created"), default=0)
    updated_count = models.PositiveIntegerField(_("records changed"), default=0)
    conflict_count = models.PositiveIntegerField(_("conflicts recorded"), default=0)
    # {"problems": [{"position": "persons[id=7]", "column": "sfzh", "message": "…"}], "error": ""}
    report = models.JSONField(_("report"), default=dict, blank=True)
    watermark_before = models.CharField(_("watermark before"), max_length=200, blank=True)
    watermark_after = models.CharField(_("watermark after"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("connector run")
        verbose_name_plural = _("connector runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.connector} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def progress_percent(self) -> int:
        """How much of the rows read is done, 0–100."""
        if self.status != self.Status.RUNNING:
            return 100
        if not self.rows_read:
            return 0
        return min(100, (self.rows_loaded + self.rows_rejected) * 100 // self.rows_read)
