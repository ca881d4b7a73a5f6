"""Shared building blocks for PDFs with Chinese text (reportlab).

Uses reportlab's built-in CID font "STSong-Light" (Adobe's Chinese font metrics; PDF readers
supply the glyphs), so Chinese renders without shipping font files. Text extraction (pypdf,
screen readers) works because the font maps to Unicode (UniGB-UCS2-H).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph

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
