"""Files for the applicant: a case's attachments, a draft's own files, the decision document."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ecity.cases.decision_pdf import decision_pdf
from ecity.cases.selectors import applicant as selectors
from ecity.cases.selectors import decisions as decision_selectors
from ecity.cases.services.access import attachment_download_record, decision_read_record
from ecity.core.errors import NotFound, PermissionDenied
from ecity.core.files import field_file_response


@login_required
@require_GET
def decision_download(request: HttpRequest, public_id: str) -> HttpResponseBase:
    """A decision document's PDF, for the applicant and the deciding department's staff."""
    try:
        document = decision_selectors.decision_document_for_download(
            user=request.user, public_id=public_id
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    decision_read_record(request=request, document=document)
    fallback = None if document.pdf else decision_pdf(document, document.case)
    return field_file_response(document.pdf, fallback, f"{document.case.number}-decision.pdf")


@login_required
@require_GET
def attachment_download(request: HttpRequest, number: str, public_id: Any) -> FileResponse:
    """Stream a case file to someone allowed to see the case, always as a download."""
    try:
        attachment = selectors.attachment_get_for_download(
            user=request.user, attachment_public_id=public_id, number=number
        )
        handle = default_storage.open(attachment.file.name, "rb")
    except (NotFound, PermissionDenied) as exc:
        raise Http404(_("No such file.")) from exc
    except (FileNotFoundError, OSError) as exc:
        raise Http404(_("No such file.")) from exc
    attachment_download_record(request=request, attachment=attachment)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_GET
def draft_attachment_download(request: HttpRequest, public_id: Any) -> FileResponse:
    """Download a file of one's own draft (to check what was uploaded)."""
    try:
        attachment = selectors.attachment_get_for_download(
            user=request.user, attachment_public_id=public_id
        )
        if attachment.case_id is not None:
            raise NotFound()
        handle = default_storage.open(attachment.file.name, "rb")
    except (NotFound, FileNotFoundError, OSError) as exc:
        raise Http404(_("No such file.")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
