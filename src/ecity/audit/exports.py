"""Audit trail exports: CSV for spreadsheets (UTF-8 with BOM) and JSON lines for machines.

JSON lines carry every hashed field exactly as stored (``occurred_at`` in the canonical UTC
form) plus ``entry_hash``, so the chain can be re-verified outside ecity (see ``chain``).
CSV cells that a spreadsheet would run as a formula (starting with = + - @ or a control
character) are prefixed with an apostrophe; use JSON lines for exact values.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from ecity.audit.chain import HASHED_FIELDS, format_time
from ecity.audit.models import AuditEntry

BOM = "\ufeff"
FORMATS = ("csv", "jsonl")
CSV_COLUMNS = (
    "sequence",
    "occurred_at",
    "action",
    "actor_username",
    "actor_display",
    "actor_department",
    "acting_for_uscc",
    "acting_for_name",
    "object_type",
    "object_id",
    "object_repr",
    "subject_username",
    "fields",
    "reason",
    "ip_address",
    "user_agent",
    "request_id",
    "data",
    "prev_hash",
    "entry_hash",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def entry_record(entry: AuditEntry) -> dict[str, Any]:
    """The entry as a JSON-ready dict: every hashed field plus ``entry_hash``."""
    record: dict[str, Any] = {name: getattr(entry, name) for name in HASHED_FIELDS}
    record["occurred_at"] = format_time(entry.occurred_at)
    record["entry_hash"] = entry.entry_hash
    return record


def _cell(value: Any) -> str:
    if isinstance(value, list):
        text = ";".join(str(v) for v in value)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    elif value is None:
        text = ""
    else:
        text = str(value)
    if text.startswith(_FORMULA_STARTS):
        text = "'" + text
    return text


def csv_lines(entries: Iterable[AuditEntry]) -> Iterator[str]:
    """Yield the CSV document piece by piece: BOM and header first, then one row per entry."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield BOM + flush()
    for entry in entries:
        record = entry_record(entry)
        writer.writerow([_cell(record.get(c, getattr(entry, c, ""))) for c in CSV_COLUMNS])
        yield flush()


def jsonl_lines(entries: Iterable[AuditEntry]) -> Iterator[str]:
    """Yield one compact JSON object per entry, each ending with a newline."""
    for entry in entries:
        yield json.dumps(entry_record(entry), ensure_ascii=False, sort_keys=True) + "\n"


def export_lines(entries: Iterable[AuditEntry], *, export_format: str) -> Iterator[str]:
    if export_format == "csv":
        return csv_lines(entries)
    if export_format == "jsonl":
        return jsonl_lines(entries)
    raise ValueError(f"unknown export format: {export_format!r}")
