"""Survey results pages: the staff page (with free texts and the Excel download) and the public
page of a closed survey whose results are public.

``selectors.surveys.survey_results`` does the arithmetic; the charts are server-rendered SVG
bars with their numbers as text beside them, so they need no script and read out as text.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ecity.core.errors import NotFound, PermissionDenied
from ecity.core.middleware import response_private
from ecity.participation.exports import XLSX_TYPE
from ecity.participation.models import Survey
from ecity.participation.selectors import surveys as selectors
from ecity.participation.services import surveys as services

TEMPLATE = "participation/surveys/staff/results.html"


def _survey(public_id: str) -> Survey:
    try:
        return selectors.survey_get(public_id=public_id)
    except NotFound as error:
        raise Http404(error.message) from error


@login_required
@require_GET
def staff_survey_results(request: HttpRequest, public_id: str) -> HttpResponse:
    """The results for the department's editors, administrators and supervisors, at any time,
    with a sample of the free texts."""
    survey = _survey(public_id)
    if not selectors.can_export_responses(actor=request.user, survey=survey):
        raise Http404
    results = selectors.survey_results(survey=survey, with_texts=True)
    context = {
        "results": results,
        "survey": survey,
        "is_staff_page": True,
        "can_manage": selectors.can_manage_survey(actor=request.user, department=survey.department),
    }
    return response_private(render(request, TEMPLATE, context))


@login_required
@require_GET
def staff_survey_export(request: HttpRequest, public_id: str) -> HttpResponse:
    """Download every response as an Excel workbook (the service audits each download)."""
    survey = _survey(public_id)
    try:
        content = services.responses_export(actor=request.user, survey=survey, request=request)
    except PermissionDenied as error:
        raise Http404 from error
    response = HttpResponse(content, content_type=XLSX_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"survey-{survey.public_id}-{stamp}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response_private(response)


@require_GET
def survey_results_public(request: HttpRequest, public_id: str) -> HttpResponse:
    """The public results of a closed survey whose department chose to publish them (no free
    texts: they may hold personal details)."""
    survey = _survey(public_id)
    if not (survey.are_results_public and survey.status == Survey.Status.CLOSED):
        raise Http404
    results = selectors.survey_results(survey=survey, with_texts=False)
    return render(request, TEMPLATE, {"results": results, "survey": survey, "is_staff_page": False})
