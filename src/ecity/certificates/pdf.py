"""PDF rendering of e-certificates (always in Chinese: official papers).

Chinese text uses the shared CID font of ``ecity.core.pdf``; the certificate carries a QR code
(reportlab's built-in QR widget) whose content is the verification payload.
"""

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from ecity.core.pdf import (
    CJK_FONT,
    RIGHT,
    SMALL,
    TITLE,
    date_zh,
    facts_table,
    official_document,
    paragraph,
    seal_block,
)

if TYPE_CHECKING:
    from ecity.certificates.models import Certificate


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
            date_zh(certificate.valid_until) if certificate.valid_until else _("No expiry")
        )
        rows: list[tuple[object, object]] = [
            (_("Holder"), certificate.holder_name),
            (_("Holder ID number or USCC"), certificate.holder_identifier),
        ]
        for name, label_zh, _label_en in certificate.data_labels:
            rows.append((label_zh, certificate.data.get(name, "")))
        rows += [
            (_("Valid from"), date_zh(certificate.issued_on)),
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
                            _("Signed with Ed25519 key %(key)s") % {"key": certificate.key.kid}
                            if certificate.key is not None
                            else _("Recorded from its issuer; verification: %(verification)s")
                            % {"verification": certificate.get_verification_display()},
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
            facts_table(rows),
            Spacer(1, 6 * mm),
            footer,
            Spacer(1, 8 * mm),
            seal_block(certificate.issuer_name, date_zh(certificate.issued_on)),
        ]
        official_document(buffer, certificate.type_name).build(story)
        return buffer.getvalue()
