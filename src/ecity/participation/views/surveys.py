"""Survey pages: the public list and taking a survey (one form, works without JavaScript).

Thin views: ``survey_answers.answers_from_post`` reads the form, ``services.surveys`` checks and
stores, ``selectors.surveys`` decide what is shown.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ecity.core.errors import ApplicationError, NotFound, ValidationFailed
from ecity.participation.selectors import surveys as selectors
from ecity.participation.services import surveys as services
from ecity.participation.survey_answers import answers_from_post


@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    """The surveys open now, and the closed ones with public results."""
    return render(
        request, "participation/surveys/list.html", {"surveys": selectors.survey_list_public()}
    )


# The browser's device token for anonymous one-answer-per-person surveys: random, in a signed,
# HTTP-only cookie set by the survey page (docs/participation.md).
DEVICE_COOKIE = "ecity_survey_device"
DEVICE_COOKIE_SALT = "ecity.participation.survey_device"
DEVICE_COOKIE_AGE = 2 * 365 * 24 * 60 * 60


def _device_token(request: HttpRequest) -> str:
    token = request.get_signed_cookie(DEVICE_COOKIE, default="", salt=DEVICE_COOKIE_SALT)
    return token if isinstance(token, str) and 20 <= len(token) <= 64 else ""


def _with_device_cookie(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if not _device_token(request):
        response.set_signed_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(24),
            salt=DEVICE_COOKIE_SALT,
            max_age=DEVICE_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@require_http_methods(["GET", "POST"])
def survey_take(request: HttpRequest, public_id: str) -> HttpResponse:
    """Take a survey: every question in one form; errors beside each question.

    The page gives the browser its device token (a signed cookie) if it has none, so that an
    anonymous survey taking one answer per person can recognise a repeat from the same browser.
    """
    try:
        survey = selectors.survey_get_public(public_id=public_id)
    except NotFound as error:
        raise Http404(error.message) from error
    questions = selectors.questions_of(survey)
    context: dict[str, Any] = {
        "survey": survey,
        "questions": questions,
        "is_accepting": selectors.is_accepting(survey=survey),
        "has_responded": selectors.has_responded(
            survey=survey, actor=request.user, device_token=_device_token(request)
        ),
        "errors": {},
        "summary": [],
        "post": request.POST,
    }
    if request.method == "POST":
        raw = answers_from_post(questions=questions, data=request.POST, files=request.FILES)
        try:
            services.response_submit(
                actor=request.user,
                survey=survey,
                raw=raw,
                request=request,
                device_token=_device_token(request),
            )
        except ValidationFailed as error:
            errors = {k: v[0] for k, v in error.fields.items()}
            context["errors"] = errors
            context["summary"] = [
                (q.field_name, q.text, errors[q.field_name])
                for q in questions
                if q.field_name in errors
            ]
        except ApplicationError as error:
            context["summary"] = [("", "", error.message)]
        else:
            messages.success(request, _("Thank you: your answers were received."))
            return _with_device_cookie(request, redirect("participation:survey_list"))
    status = 400 if context["summary"] else 200
    response = render(request, "participation/surveys/take.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return _with_device_cookie(request, response)
