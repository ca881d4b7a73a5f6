"""The hotline's weekly report (周报): the week's figures as a PDF (reportlab, Chinese text via
``core.pdf``) and as an Excel workbook (openpyxl).

Figures only (counts, words, rates): no ticket, caller or address, so the files carry no
personal data. The report is in Chinese, as an official paper, whatever the reader's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from io import BytesIO

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from ecity.core.pdf import CJK_FONT, HEADING, SMALL, TITLE, date_zh, official_document, paragraph
from ecity.hotline.selectors import hotspots
from ecity.hotline.selectors.hotspots import Group, Period, TopicRise
from ecity.hotline.selectors.measures import MeasureRow, department_measures, ranked

PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class WeeklyReport:
    """The figures of one week (Monday to Sunday) and the week before, for comparison."""

    period: Period
    total: int
    previous_total: int
    by_kind: list[Group]
    by_category: list[Group]
    by_region: list[Group]
    topics: list[TopicRise]
    measures: list[MeasureRow]


def weekly_report(*, period: Period) -> WeeklyReport:
    """Gather the figures of the week ``period`` (the callers check ``can_view_statistics``)."""
    previous = Period(
        start=period.start - dt.timedelta(days=7), end=period.end - dt.timedelta(days=7)
    )
    return WeeklyReport(
        period=period,
        total=hotspots.tickets_in(period).count(),
        previous_total=hotspots.tickets_in(previous).count(),
        by_kind=hotspots.tickets_by_kind(period=period),
        by_category=hotspots.tickets_by_category(period=period, limit=20),
        by_region=hotspots.tickets_by_region(period=period),
        topics=hotspots.rising_topics(end=period.end, days=period.days, baseline_days=28),
        measures=ranked(department_measures(period=period)),
    )


def percent(value: float | None) -> str:
    """A rate as a percentage with one decimal, or a dash."""
    return "—" if value is None else f"{value * 100:.1f}%"


def _sections(report: WeeklyReport) -> list[tuple[str, list[str], list[list[object]]]]:
    """The report's tables: (title, header, rows), shared by the PDF and the workbook."""
    unplaced = _("Not placed")
    no_category = _("No category")
    return [
        (
            _("Tickets by kind"),
            [_("Kind"), _("Tickets")],
            [[g.label, g.count] for g in report.by_kind],
        ),
        (
            _("Tickets by category"),
            [_("Category"), _("Tickets")],
            [[g.label or no_category, g.count] for g in report.by_category],
        ),
        (
            _("Tickets by region"),
            [_("Region"), _("Tickets")],
            [[g.label or unplaced, g.count] for g in report.by_region],
        ),
        (
            _("Rising topics"),
            [_("Word"), _("Tickets this week"), _("Share"), _("Share before")],
            [[t.word, t.count, percent(t.share), percent(t.baseline_share)] for t in report.topics],
        ),
        (
            _("Department measures"),
            [
                _("Rank"),
                _("Department"),
                _("Sign-for rate"),
                _("On-time rate"),
                _("Solved rate"),
                _("Satisfaction rate"),
                _("Repeat complaint rate"),
                _("Return rate"),
                _("Average handling time (hours)"),
            ],
            [
                [
                    row.rank or "—",
                    row.label,
                    percent(row.sign_rate),
                    percent(row.on_time_rate),
                    percent(row.solved_rate),
                    percent(row.satisfied_rate),
                    percent(row.repeat_rate),
                    percent(row.return_rate),
                    "—" if row.average_hours is None else row.average_hours,
                ]
                for row in report.measures
            ],
        ),
    ]


def _title(report: WeeklyReport) -> str:
    return _("12345 hotline weekly report %(start)s – %(end)s") % {
        "start": date_zh(report.period.start),
        "end": date_zh(report.period.end),
    }


def _summary(report: WeeklyReport) -> str:
    return _("%(total)s tickets received this week (%(previous)s the week before).") % {
        "total": report.total,
        "previous": report.previous_total,
    }


_TABLE_STYLE = TableStyle(
    [
        ("FONTNAME", (0, 0), (-1, -1), CJK_FONT),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f5f8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def report_pdf(report: WeeklyReport) -> bytes:
    """The weekly report as a PDF (A4, Chinese)."""
    with translation.override("zh-hans"):
        buffer = BytesIO()
        title = _title(report)
        story: list = [paragraph(title, TITLE), paragraph(_summary(report)), Spacer(1, 4 * mm)]
        for heading, header, rows in _sections(report):
            story.append(paragraph(heading, HEADING))
            if not rows:
                story.append(paragraph(_("None."), SMALL))
                continue
            lines: list[list[object]] = [list(header), *rows]
            table = Table(
                [[paragraph(str(cell), SMALL) for cell in line] for line in lines],
                repeatRows=1,
            )
            table.setStyle(_TABLE_STYLE)
            story.append(table)
        official_document(buffer, title).build(story)
        return buffer.getvalue()


def _safe(value: object) -> object:
    """Text that Excel will not run as a formula (formula injection); numbers unchanged."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def report_xlsx(report: WeeklyReport) -> bytes:
    """The weekly report as an .xlsx workbook: a summary sheet and one sheet per table."""
    with translation.override("zh-hans"):
        book = Workbook()
        summary = book.active
        summary.title = _("Summary")[:31]
        summary.append([_title(report)])
        summary["A1"].font = Font(bold=True)
        summary.append([_("Tickets this week"), report.total])
        summary.append([_("Tickets the week before"), report.previous_total])
        for heading, header, rows in _sections(report):
            sheet = book.create_sheet(heading[:31])
            sheet.append(header)
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for line in rows:
                sheet.append([_safe(cell) for cell in line])
        buffer = BytesIO()
        book.save(buffer)
        return buffer.getvalue()
