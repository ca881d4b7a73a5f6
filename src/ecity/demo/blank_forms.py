"""Blank application forms (PDF) for the demo city's materials that offer a template."""

from __future__ import annotations

import io
from collections.abc import Iterable

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"  # an Adobe CID font every PDF reader has: no font file to ship


def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def blank_form_pdf(*, title: str, department: str, fields: Iterable[str], city: str) -> bytes:
    """Return a one-page A4 PDF: ``title``, a table with one empty row per field, signatures."""
    _register_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(title)
    pdf.setAuthor(department)
    pdf.setSubject(f"{city} · 空白表格（演示数据）")
    width, height = A4
    left, right = 20 * mm, width - 20 * mm
    y = height - 25 * mm
    pdf.setFont(FONT, 18)
    pdf.drawCentredString(width / 2, y, title)
    y -= 9 * mm
    pdf.setFont(FONT, 10)
    pdf.drawCentredString(width / 2, y, f"{department} 制")
    y -= 12 * mm
    row, label_width = 11 * mm, 55 * mm
    pdf.setFont(FONT, 11)
    rows = [*fields, "申请事项说明", "备注"]
    pdf.rect(left, y - row * len(rows), right - left, row * len(rows))
    for index, label in enumerate(rows):
        top = y - row * index
        if index:
            pdf.line(left, top, right, top)
        pdf.drawString(left + 3 * mm, top - row + 3.8 * mm, label)
    pdf.line(left + label_width, y, left + label_width, y - row * len(rows))
    y -= row * len(rows) + 14 * mm
    pdf.drawString(
        left, y, "本人承诺以上填写内容及所附材料真实、有效，如有虚假，愿承担相应法律责任。"
    )
    y -= 14 * mm
    pdf.drawString(left, y, "申请人（签字或盖章）：")
    pdf.drawString(left + 105 * mm, y, "日期：      年    月    日")
    pdf.setFont(FONT, 8)
    pdf.drawCentredString(width / 2, 12 * mm, f"{city}政务服务 · 演示数据，非真实表格")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
