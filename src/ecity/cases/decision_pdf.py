"""PDF rendering of decision documents (行政许可决定书 / 不予许可决定书 / 不予受理决定书).

Always in Chinese: official papers. Uses the shared building blocks of ``ecity.core.pdf``.
"""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from ecity.cases.models import Case, DecisionDocument
from ecity.core.pdf import (
    HEADING,
    RIGHT,
    SMALL,
    TITLE,
    date_zh,
    facts_table,
    official_document,
    paragraph,
    seal_block,
)


def decision_pdf(document: DecisionDocument, case: Case) -> bytes:
    """Render a decision document of ``case``."""
    with translation.override("zh-hans"):
        buffer = BytesIO()
        department = case.department
        version = case.service_version
        # Stored in UTC; the paper carries the date in the configured time zone, as the certificate.
        issued_on = date_zh(timezone.localdate(document.issued_at))
        story: list = [
            paragraph(document.title, TITLE),
            paragraph(document.number, RIGHT),
            Spacer(1, 4 * mm),
            facts_table(
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
            seal_block(department.name_zh, issued_on),
        ]
        official_document(buffer, document.title).build(story)
        return buffer.getvalue()
