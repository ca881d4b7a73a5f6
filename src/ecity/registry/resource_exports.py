"""Spreadsheet exports of the published resource catalogue and of open-data resources.

The catalogue goes out as CSV (UTF-8 with BOM, so spreadsheets read the Chinese) and as an Excel
workbook with one sheet of resources and one of information items, with the columns of the
2017 编制指南 in its order. Column headings follow the active language. Text cells that a
spreadsheet would run as a formula are prefixed with an apostrophe.

An open-data resource (无条件开放) also offers its own metadata as CSV and JSON and, when it is a
code list, the list's values as CSV.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ecity.registry.models import CodeValue, Resource

BOM = "\ufeff"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def catalogue_columns() -> list[str]:
    """The headings of the catalogue sheet, in the 编制指南's order (active language)."""
    return [
        _("Resource code"),
        _("Resource name"),
        _("English name"),
        _("Provider department"),
        _("Provider code"),
        _("Catalogue class"),
        _("Summary"),
        pgettext("resource", "Format"),
        _("Format detail"),
        _("Information items"),
        _("Share type"),
        _("Share condition"),
        _("Share method"),
        _("Open type"),
        _("Open condition"),
        _("Update cycle"),
        _("Published on"),
        _("Version"),
        _("Subjects"),
        _("Service items"),
    ]


def catalogue_row(resource: Resource) -> list[Any]:
    """One resource as a row under ``catalogue_columns()`` (items, subjects, services joined)."""
    items = "；".join(
        f"{item.display_name}({item.data_element.identifier})" for item in resource.items.all()
    )
    return [
        resource.code,
        resource.name,
        resource.name_en,
        resource.provider.name_zh,
        resource.provider.code,
        resource.get_category_display(),
        resource.summary,
        resource.get_format_display(),
        resource.format_detail,
        items,
        resource.get_share_type_display(),
        resource.share_condition,
        resource.get_share_method_display() if resource.share_method else "",
        resource.get_open_type_display(),
        resource.open_condition,
        resource.get_update_cycle_display(),
        resource.published_on.isoformat() if resource.published_on else "",
        resource.version,
        "；".join(term.term for term in resource.subjects.all()),
        "；".join(service.code for service in resource.services.all()),
    ]


def item_columns() -> list[str]:
    return [
        _("Resource code"),
        _("Order"),
        _("Item name"),
        _("Data element"),
        _("Data type"),
        _("Format"),
        _("Code list"),
        _("Share type"),
        _("Masked for staff"),
    ]


def item_rows(resource: Resource) -> list[list[Any]]:
    rows = []
    for position, item in enumerate(resource.items.all(), start=1):
        element = item.data_element
        share_type = item.get_share_type_display() if item.share_type else ""
        rows.append(
            [
                resource.code,
                position,
                item.display_name,
                element.identifier,
                element.get_data_type_display(),
                element.format,
                element.code_list.identifier if element.code_list else "",
                share_type or resource.get_share_type_display(),
                _("yes") if item.is_masked_for_staff else _("no"),
            ]
        )
    return rows


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe(cell) for cell in row])
    return BOM + buffer.getvalue()


def catalogue_csv(resources: Iterable[Resource]) -> str:
    """The catalogue as one CSV document, one row per resource."""
    return _csv(catalogue_columns(), (catalogue_row(r) for r in resources))


def catalogue_xlsx(resources: Iterable[Resource]) -> bytes:
    """The catalogue as an Excel workbook: a sheet of resources and a sheet of their items."""
    import openpyxl  # imported here: only this export needs it

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("Resources")[:31]
    items_sheet = workbook.create_sheet(_("Information items")[:31])
    sheet.append(catalogue_columns())
    items_sheet.append(item_columns())
    for resource in resources:
        sheet.append([_safe(cell) for cell in catalogue_row(resource)])
        for row in item_rows(resource):
            items_sheet.append([_safe(cell) for cell in row])
    for ws in (sheet, items_sheet):
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def resource_metadata(resource: Resource) -> dict[str, Any]:
    """The published metadata of one resource as a JSON-ready dict (codes, not labels)."""
    return {
        "code": resource.code,
        "name": resource.name,
        "name_en": resource.name_en,
        "provider": {"code": resource.provider.code, "name": resource.provider.name_zh},
        "summary": resource.summary,
        "summary_en": resource.summary_en,
        "category": resource.category,
        "format": resource.format,
        "format_detail": resource.format_detail,
        "share_type": resource.share_type,
        "share_condition": resource.share_condition,
        "share_method": resource.share_method,
        "open_type": resource.open_type,
        "open_condition": resource.open_condition,
        "update_cycle": resource.update_cycle,
        "published_on": resource.published_on.isoformat() if resource.published_on else None,
        "version": resource.version,
        "subjects": [term.term for term in resource.subjects.all()],
        "code_list": resource.code_list.identifier if resource.code_list else None,
        "items": [
            {
                "name": item.display_name,
                "data_element": item.data_element.identifier,
                "data_type": item.data_element.data_type,
                "format": item.data_element.format,
                "code_list": (
                    item.data_element.code_list.identifier if item.data_element.code_list else None
                ),
            }
            for item in resource.items.all()
        ],
    }


def resource_metadata_csv(resource: Resource) -> str:
    """The information items of one resource as CSV (the resource's metadata for re-users)."""
    return _csv(item_columns(), item_rows(resource))


def code_values_csv(values: Iterable[CodeValue]) -> str:
    """The values of a code list as CSV: code, names, broader code, validity."""
    header = [
        _("Code"),
        _("Name"),
        _("English name"),
        _("Broader code"),
        _("Valid from"),
        _("Valid to"),
    ]
    rows = (
        [
            v.code,
            v.name,
            v.name_en,
            v.parent.code if v.parent else "",
            v.valid_from.isoformat() if v.valid_from else "",
            v.valid_to.isoformat() if v.valid_to else "",
        ]
        for v in values
    )
    return _csv(header, rows)
