"""Shared building blocks for PDFs with Chinese text (reportlab).

Uses reportlab's built-in CID font "STSong-Light" (Adobe's Chinese font metrics; PDF readers
supply the glyphs), so Chinese renders without shipping font files. Text extraction (pypdf,
screen readers) works because the font maps to Unicode (UniGB-UCS2-H).
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

CJK_FONT = "STSong-Light"
if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))

BODY = ParagraphStyle("ecity-body", fontName=CJK_FONT, fontSize=11, leading=17, wordWrap="CJK")
SMALL = ParagraphStyle("ecity-small", parent=BODY, fontSize=9, leading=13)
TITLE = ParagraphStyle(
    "ecity-title", parent=BODY, fontSize=20, leading=28, alignment=1, spaceAfter=8
)
HEADING = ParagraphStyle(
    "ecity-heading", parent=BODY, fontSize=13, leading=18, spaceBefore=8, spaceAfter=4
)
RIGHT = ParagraphStyle("ecity-right", parent=BODY, alignment=2)
CENTRE = ParagraphStyle("ecity-centre", parent=BODY, alignment=1)


def paragraph(text: object, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of plain text (escaped; newlines kept; empty text shown as a dash)."""
    return Paragraph(escape(str(text or "—")).replace("\n", "<br/>"), style)


_FACTS_STYLE = TableStyle(
    [
        ("FONTNAME", (0, 0), (-1, -1), CJK_FONT),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f5f8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def official_document(buffer: BytesIO, title: str) -> SimpleDocTemplate:
    """An A4 document template for official papers (decisions, certificates), in Chinese."""
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=title,
        author=str(settings.ECITY_CITY_NAME),
        lang="zh-CN",
    )


def facts_table(rows: list[tuple[object, object]]) -> Table:
    """A two-column table of labelled facts (label on the left, value on the right)."""
    table = Table(
        [[paragraph(k, SMALL), paragraph(v, BODY)] for k, v in rows],
        colWidths=[40 * mm, 126 * mm],
    )
    table.setStyle(_FACTS_STYLE)
    return table


def seal_block(department_name: str, on: str) -> Table:
    """A text block where the seal goes: the department's name and the date."""
    table = Table(
        [
            [paragraph(_("%(department)s (seal)") % {"department": department_name}, RIGHT)],
            [paragraph(on, RIGHT)],
        ],
        colWidths=[166 * mm],
    )
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), CJK_FONT)]))
    return table


def date_zh(value: dt.date) -> str:
    """A date as written on Chinese official papers: 2025年3月1日."""
    return f"{value.year}年{value.month}月{value.day}日"
