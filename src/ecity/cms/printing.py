"""Policy documents printed as PDF (core/pdf.py's official-document layout)."""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from ecity.cms.models import PolicyPage
from ecity.core import pdf


def policy_pdf(*, page: PolicyPage) -> bytes:
    """Render the policy's facts and text as a PDF document."""
    buffer = BytesIO()
    document = pdf.official_document(buffer, page.title)
    rows: list[tuple[object, object]] = [
        (_("Document number"), page.document_number),
        (_("Issuing body"), page.issuing_body),
        (_("Date written"), pdf.date_zh(page.written_on) if page.written_on else ""),
        (_("Date issued"), pdf.date_zh(page.issued_on) if page.issued_on else ""),
        (_("Status of validity"), page.get_validity_display()),
    ]
    story = [pdf.paragraph(page.title, pdf.TITLE), pdf.facts_table(rows)]
    for block in strip_tags(page.body.replace("</p>", "</p>\n")).splitlines():
        if block.strip():
            story.append(pdf.paragraph(block.strip()))
    document.build(story)
    return buffer.getvalue()


def policy_pdf_response(*, page: PolicyPage) -> HttpResponse:
    """The policy as a PDF download, named after its page slug."""
    response = HttpResponse(policy_pdf(page=page), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{page.slug}.pdf"'
    return response
