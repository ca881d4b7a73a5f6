"""The reply document (政府信息公开申请答复书) as a PDF with Chinese text (``core.pdf``)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.platypus import Spacer

from ecity.core.pdf import TITLE, date_zh, facts_table, official_document, paragraph, seal_block
from ecity.disclosure.models import DisclosureRequest


def reply_pdf(
    *,
    request: DisclosureRequest,
    reply_type_label: str,
    facts: list[tuple[str, str]],
    content: str,
    replied_on: dt.date,
) -> bytes:
    """Render the reply to ``request`` (always in Chinese, the official language)."""
    buffer = BytesIO()
    with translation.override("zh-hans"):
        title = _("Reply to a request for government information")
        document = official_document(buffer, title)
        verify_url = f"{settings.ECITY_SITE_URL}{reverse('disclosure:reply_verify')}"
        rows: list[tuple[object, object]] = [
            (_("Request number"), request.number),
            (_("Applicant"), request.name),
            (pgettext("disclosure", "Received on"), date_zh(request.received_on)),
            (_("Information requested"), request.description),
            (_("Reply type"), reply_type_label),
            *facts,
        ]
        story = [
            paragraph(title, TITLE),
            paragraph(f"{request.department.name_zh} · {request.number}"),
            Spacer(1, 12),
            facts_table(rows),
            Spacer(1, 12),
            paragraph(content),
            Spacer(1, 12),
            paragraph(
                _(
                    "If you disagree with this reply you may apply for administrative review or "
                    "bring an administrative lawsuit according to law."
                )
            ),
            Spacer(1, 18),
            seal_block(request.department.name_zh, date_zh(replied_on)),
            Spacer(1, 12),
            paragraph(_("Verify this document at %(url)s") % {"url": verify_url}),
        ]
        document.build(story)
    return buffer.getvalue()
