"""The printable service guide (办事指南) as a PDF.

Uses reportlab's built-in CID font "STSong-Light" (Adobe's Chinese font metrics; PDF readers
supply the glyphs), so Chinese renders without shipping font files.
"""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ecity.catalogue.models import ServiceItemVersion

FONT = "STSong-Light"
if FONT not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=15, wordWrap="CJK")
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=9, leading=13)
_H1 = ParagraphStyle("h1", parent=_BODY, fontSize=18, leading=24, spaceAfter=6)
_H2 = ParagraphStyle("h2", parent=_BODY, fontSize=13, leading=18, spaceBefore=10, spaceAfter=4)
_TABLE_STYLE = TableStyle(
    [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f5f8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _p(text: object, style: ParagraphStyle = _BODY) -> Paragraph:
    return Paragraph(escape(str(text or "—")).replace("\n", "<br/>"), style)


def _table(header: list[str], rows: list[list[object]], widths: list[float]) -> Table:
    data = [[_p(h, _SMALL) for h in header]] + [[_p(c, _SMALL) for c in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(_TABLE_STYLE)
    return table


def _facts(version: ServiceItemVersion) -> Table:
    item = version.item
    channels = [
        label
        for flag, label in (
            (version.is_online, _("Online")),
            (version.is_counter, _("At a service counter")),
            (version.is_mobile, _("On a mobile phone")),
        )
        if flag
    ]
    fees = _("Free of charge") if version.is_free else version.fee_description
    rows = [
        [_("Service item code"), item.code],
        [_("Implementing department"), item.department.name_zh],
        [_("Kind"), version.get_kind_display()],
        [_("Audiences"), "、".join(version.audience_labels)],
        [_("Statutory time limit"), _("%(days)s working days") % {"days": version.statutory_days}],
        [_("Committed time limit"), _("%(days)s working days") % {"days": version.committed_days}],
        [_("Fees"), fees],
        [_("Basis of fees"), version.fee_basis],
        [_("Channels"), "、".join(str(c) for c in channels)],
        [_("Enquiry phone"), version.contact_phone],
        [_("Complaint phone"), version.complaint_phone],
        [_("Version"), f"{version.number} ({version.get_status_display()})"],
    ]
    table = Table([[_p(k, _SMALL), _p(v, _SMALL)] for k, v in rows], colWidths=[45 * mm, 125 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f5f8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def guide_pdf(version: ServiceItemVersion) -> bytes:
    """Render the full guide of ``version`` (all elements, materials, locations, FAQ) as PDF."""
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=_("%(name)s · Service guide") % {"name": version.name_zh},
        author=str(settings.ECITY_CITY_NAME),
        lang="zh-CN",
    )
    story: list = [_p(version.name_zh, _H1)]
    if version.name_en:
        story.append(_p(version.name_en))
    story += [Spacer(1, 4 * mm), _facts(version)]
    sections = [
        (pgettext("service guide", "Summary"), version.summary_zh),
        (_("Legal basis"), version.legal_basis),
        (_("Conditions"), version.conditions),
    ]
    for heading, text in sections:
        story += [_p(heading, _H2), _p(text)]

    story.append(_p(_("Required materials"), _H2))
    materials = list(version.materials.all())
    if materials:
        story.append(
            _table(
                [_("No."), _("Material"), _("Form"), _("Copies"), _("Mandatory"), _("Notes")],
                [
                    [
                        i,
                        m.name_zh,
                        m.get_form_display(),
                        m.copies,
                        _("Exempt") if m.is_exempt else _("Yes") if m.is_mandatory else _("No"),
                        m.notes,
                    ]
                    for i, m in enumerate(materials, start=1)
                ],
                [12 * mm, 55 * mm, 25 * mm, 15 * mm, 18 * mm, 45 * mm],
            )
        )
    else:
        story.append(_p(_("No materials are required.")))

    for heading, text in (
        (_("Procedure"), version.process_description),
        (_("Result of the service"), version.result_description),
    ):
        if text:
            story += [_p(heading, _H2), _p(text)]

    locations = list(version.locations.all())
    story.append(_p(_("Where to go"), _H2))
    if locations:
        story.append(
            _table(
                [_("Place"), _("Address"), _("Opening hours"), _("Phone")],
                [[loc.name, loc.address, loc.hours, loc.phone] for loc in locations],
                [40 * mm, 55 * mm, 45 * mm, 30 * mm],
            )
        )
    else:
        story.append(_p(_("This service has no counter location.")))

    faqs = list(version.faqs.all())
    if faqs:
        story.append(_p(_("Frequently asked questions"), _H2))
        for faq in faqs:
            story += [
                _p(_("Q: %(question)s") % {"question": faq.question}),
                _p(_("A: %(answer)s") % {"answer": faq.answer}),
                Spacer(1, 2 * mm),
            ]

    printed = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    story += [Spacer(1, 6 * mm), _p(_("Printed on %(when)s") % {"when": printed}, _SMALL)]
    doc.build(story)
    return buffer.getvalue()
