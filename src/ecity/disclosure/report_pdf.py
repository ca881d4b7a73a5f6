"""The annual report's tables as labelled rows, and the report as a PDF (``core.pdf``)."""

from __future__ import annotations

from io import BytesIO

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.platypus import Spacer, Table, TableStyle

from ecity.core.pdf import (
    CJK_FONT,
    HEADING,
    SMALL,
    TITLE,
    official_document,
    paragraph,
)
from ecity.disclosure.models import AnnualReport, ApplicantType, Category, ReplyType
from ecity.disclosure.services.reports import REQUEST_ROWS, REVIEW_FIELDS


def proactive_rows(report: AnnualReport) -> list[tuple[str, int, int]]:
    """(category, published in the year, in the catalogue at the year's end)."""
    table = report.tables.get("proactive", {})
    return [
        (str(label), table.get(code, {}).get("new", 0), table.get(code, {}).get("total", 0))
        for code, label in Category.choices
    ]


def request_rows(report: AnnualReport) -> list[tuple[str, int, int, int]]:
    """(row, citizens, enterprises, total) of the requests table."""
    labels = {
        "new": _("New requests this year"),
        "carried_in": _("Carried over from the previous year"),
        "late": _("Replied after the time limit"),
        "carried_out": _("Carried over to the next year"),
        **{code: _("Result: %(type)s") % {"type": label} for code, label in ReplyType.choices},
    }
    table = report.tables.get("requests", {})
    return [
        (
            str(labels[row]),
            table.get(row, {}).get(ApplicantType.PERSON, 0),
            table.get(row, {}).get(ApplicantType.ENTERPRISE, 0),
            table.get(row, {}).get("total", 0),
        )
        for row in REQUEST_ROWS
    ]


def review_rows(report: AnnualReport) -> list[tuple[str, int]]:
    labels = {
        "review_maintained": _("Administrative review: upheld"),
        "review_corrected": _("Administrative review: corrected"),
        "review_other": _("Administrative review: other result"),
        "review_pending": _("Administrative review: pending"),
        "litigation_maintained": _("Litigation: upheld"),
        "litigation_corrected": _("Litigation: corrected"),
        "litigation_other": _("Litigation: other result"),
        "litigation_pending": _("Litigation: pending"),
    }
    return [(str(labels[f]), int(report.reviews.get(f, 0))) for f in REVIEW_FIELDS]


def _grid(rows: list[list[object]]) -> Table:
    table = Table([[paragraph(c, SMALL) for c in row] for row in rows])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), CJK_FONT),
                ("GRID", (0, 0), (-1, -1), 0.5, "#888888"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def report_pdf(report: AnnualReport) -> bytes:
    """The published report as a PDF, in Chinese."""
    buffer = BytesIO()
    with translation.override("zh-hans"):
        title = _("%(department)s annual report on government information disclosure %(year)s") % {
            "department": report.department.name_zh,
            "year": report.year,
        }
        story = [paragraph(title, TITLE), paragraph(report.summary), Spacer(1, 8)]
        story += [
            paragraph(_("Proactive disclosure"), HEADING),
            _grid(
                [
                    [
                        pgettext("disclosure", "Category"),
                        _("Published this year"),
                        _("Total at year end"),
                    ]
                ]
                + [list(r) for r in proactive_rows(report)]
            ),
            paragraph(_("Requests received and handled"), HEADING),
            _grid(
                [["", _("Natural persons"), _("Enterprises and organisations"), _("Total")]]
                + [list(r) for r in request_rows(report)]
            ),
            paragraph(_("Administrative review and litigation"), HEADING),
            _grid([list(r) for r in review_rows(report)]),
            paragraph(_("Main problems and improvements"), HEADING),
            paragraph(report.problems),
        ]
        official_document(buffer, title).build(story)
    return buffer.getvalue()
