"""PDF renderings of decision documents and e-certificates (always in Chinese: official papers).

Chinese text uses the shared CID font of ``ecity.core.pdf``; the certificate carries a QR code
(reportlab's built-in QR widget) whose content is the verification payload.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from ecity.core.pdf import BODY, CJK_FONT, HEADING, RIGHT, SMALL, TITLE, paragraph

if TYPE_CHECKING:
    from ecity.cases.models import Case
    from ecity.certificates.models import Certificate, DecisionDocument

_FACTS_STYLE = TableStyle(
    [
        ("FONTNAME", (0, 0), (-1, -1), CJK_FONT),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f5f8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _document(buffer: BytesIO, title: str) -> SimpleDocTemplate:
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


def _facts(rows: list[tuple[object, object]]) -> Table:
    table = Table(
        [[paragraph(k, SMALL), paragraph(v, BODY)] for k, v in rows],
        colWidths=[40 * mm, 126 * mm],
    )
    table.setStyle(_FACTS_STYLE)
    return table


def _seal(department_name: str, on: str) -> Table:
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


def _date_zh(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def decision_pdf(document: DecisionDocument, case: Case) -> bytes:
    """Render a decision document (行政许可决定书 / 不予许可决定书 / 不予受理决定书)."""
    with translation.override("zh-hans"):
        buffer = BytesIO()
        department = case.department
        version = case.service_version
        issued_on = _date_zh(document.issued_at.date())
        story: list = [
            paragraph(document.title, TITLE),
            paragraph(document.number, RIGHT),
            Spacer(1, 4 * mm),
            _facts(
                [
                    (_("Applicant"), case.applicant_name),
                    (_("Applicant ID number or USCC"), case.applicant_identifier),
                    (_("Service"), version.name_zh),
                    (_("Case number"), case.number),
                    (_("Deciding department"), department.name_zh),
                    (_("Date of the decision"), issued_on),
                ]
            ),
            paragraph(_("Decision"), HEADING),
            paragraph(document.text),
            Spacer(1, 6 * mm),
            paragraph(
                _(
                    "If you disagree with this decision you may apply for administrative "
                    "reconsideration within 60 days or bring an administrative lawsuit within 6 "
                    "months of receiving it."
                ),
                SMALL,
            ),
            Spacer(1, 12 * mm),
            _seal(department.name_zh, issued_on),
        ]
        _document(buffer, document.title).build(story)
        return buffer.getvalue()


def _qr(payload: str, size: float = 42 * mm) -> Drawing:
    widget = QrCodeWidget(payload, barLevel="M")
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    return drawing


def certificate_pdf(certificate: Certificate, qr_payload: str) -> bytes:
    """Render an e-certificate: its data, validity, issuer, identifier and a QR code."""
    with translation.override("zh-hans"):
        buffer = BytesIO()
        valid_until = (
            _date_zh(certificate.valid_until) if certificate.valid_until else _("No expiry")
        )
        rows: list[tuple[object, object]] = [
            (_("Holder"), certificate.holder_name),
            (_("Holder ID number or USCC"), certificate.holder_identifier),
        ]
        for name, label_zh, _label_en in certificate.data_labels:
            rows.append((label_zh, certificate.data.get(name, "")))
        rows += [
            (_("Valid from"), _date_zh(certificate.issued_on)),
            (_("Valid until"), valid_until),
            (_("Issued by"), certificate.issuer_name),
            (_("Certificate identifier"), certificate.identifier),
        ]
        footer = Table(
            [
                [
                    _qr(qr_payload),
                    [
                        paragraph(_("Scan the QR code or visit the address below to verify:")),
                        paragraph(f"{settings.ECITY_SITE_URL}/certificates/verify/", SMALL),
                        paragraph(
                            _("Signed with Ed25519 key %(key)s") % {"key": certificate.key.kid},
                            SMALL,
                        ),
                    ],
                ]
            ],
            colWidths=[48 * mm, 118 * mm],
        )
        footer.setStyle(
            TableStyle(
                [("FONTNAME", (0, 0), (-1, -1), CJK_FONT), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
            )
        )
        story: list = [
            paragraph(certificate.type_name, TITLE),
            paragraph(_("Electronic certificate"), RIGHT),
            Spacer(1, 4 * mm),
            _facts(rows),
            Spacer(1, 6 * mm),
            footer,
            Spacer(1, 8 * mm),
            _seal(certificate.issuer_name, _date_zh(certificate.issued_on)),
        ]
        _document(buffer, certificate.type_name).build(story)
        return buffer.getvalue()
