"""Writes of surveys: a department's editors build, open and close them; people answer them.

Editors are the department's ``participation_editor`` and ``department_admin`` (roles held in a
parent department count). Questions change only while the survey is a draft, so that every
response answers the same questions. Each staff act is audited in its own transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.accounts import Account
from ecity.core.errors import ApplicationError, Conflict, PermissionDenied, ValidationFailed
from ecity.core.uploads import write_storing_files
from ecity.org.models import Department
from ecity.participation.errors import SurveyErrorCode
from ecity.participation.exports import responses_workbook
from ecity.participation.models import (
    Survey,
    SurveyAnswer,
    SurveyResponse,
)
from ecity.participation.selectors import surveys as selectors
from ecity.participation.survey_answers import AnswerRow, answers_validate


def _require_manager(actor: Account, department: Department) -> None:
    if not selectors.can_manage_survey(actor=actor, department=department):
        raise PermissionDenied()


def _require_draft(survey: Survey) -> None:
    if survey.status != Survey.Status.DRAFT:
        raise Conflict(
            _("The survey is no longer a draft: it cannot be edited."),
            code=SurveyErrorCode.SURVEY_NOT_DRAFT,
        )


def _check_settings(
    *, title: str, opens_at: dt.datetime | None, closes_at: dt.datetime | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Enter a title.")]
    elif len(title.strip()) > 200:
        errors["title"] = [_("Keep the title within 200 characters.")]
    if opens_at and closes_at and closes_at <= opens_at:
        errors["closes_at"] = [_("The closing time must be after the opening time.")]
    return errors


@transaction.atomic
def survey_create(
    *,
    actor: Account,
    department: Department,
    title: str,
    introduction: str = "",
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    is_anonymous: bool = False,
    is_one_answer_per_person: bool = True,
    are_results_public: bool = False,
) -> Survey:
    """Create a draft survey of ``department``.

    Permission: the department's participation editor or administrator. Audited
    (``survey.created``). Raises ``PermissionDenied``, ``ValidationFailed``.
    """
    _require_manager(actor, department)
    errors = _check_settings(title=title, opens_at=opens_at, closes_at=closes_at)
    if errors:
        raise ValidationFailed(fields=errors)
    survey = Survey.objects.create(
        department=department,
        title=title.strip(),
        introduction=introduction.strip(),
        opens_at=opens_at,
        closes_at=closes_at,
        is_anonymous=is_anonymous,
        is_one_answer_per_person=is_one_answer_per_person or not is_anonymous,
        are_results_public=are_results_public,
        created_by=actor,
    )
    audit_record(actor=actor, action="survey.created", obj=survey)
    return survey


@transaction.atomic
def survey_update(
    *,
    actor: Account,
    survey: Survey,
    title: str,
    introduction: str = "",
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    is_anonymous: bool = False,
    is_one_answer_per_person: bool = True,
    are_results_public: bool = False,
) -> Survey:
    """Change a draft survey's settings (the results' publicity may change at any time).

    Permission: as ``survey_create``. Raises ``Conflict`` (not a draft, for anything but
    ``are_results_public``), ``PermissionDenied``, ``ValidationFailed``. Audited.
    """
    _require_manager(actor, survey.department)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    changes = {
        "title": title.strip(),
        "introduction": introduction.strip(),
        "opens_at": opens_at,
        "closes_at": closes_at,
        "is_anonymous": is_anonymous,
        "is_one_answer_per_person": is_one_answer_per_person or not is_anonymous,
    }
    if any(getattr(survey, name) != value for name, value in changes.items()):
        _require_draft(survey)
    errors = _check_settings(title=title, opens_at=opens_at, closes_at=closes_at)
    if errors:
        raise ValidationFailed(fields=errors)
    changed = [n for n, v in changes.items() if getattr(survey, n) != v]
    if survey.are_results_public != are_results_public:
        changed.append("are_results_public")
    for name, value in changes.items():
        setattr(survey, name, value)
    survey.are_results_public = are_results_public
    survey.save()
    audit_record(actor=actor, action="survey.updated", obj=survey, fields=changed)
    return survey


@transaction.atomic
def survey_open(*, actor: Account, survey: Survey) -> Survey:
    """Open a draft survey for answers (from ``opens_at`` if set).

    Raises ``Conflict`` (not a draft), ``ApplicationError`` (no question), ``PermissionDenied``.
    Audited (``survey.opened``).
    """
    _require_manager(actor, survey.department)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _require_draft(survey)
    if not survey.questions.exists():
        raise ApplicationError(
            _("A survey needs at least one question before it opens."),
            code=SurveyErrorCode.SURVEY_WITHOUT_QUESTIONS,
        )
    survey.status = Survey.Status.OPEN
    survey.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="survey.opened", obj=survey)
    return survey


@transaction.atomic
def survey_close(*, actor: Account, survey: Survey) -> Survey:
    """Close an open survey: it takes no more answers.

    Raises ``Conflict`` (not open), ``PermissionDenied``. Audited (``survey.closed``).
    """
    _require_manager(actor, survey.department)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != Survey.Status.OPEN:
        raise Conflict(_("The survey is not open."), code=SurveyErrorCode.SURVEY_NOT_OPEN)
    survey.status = Survey.Status.CLOSED
    if survey.closes_at is None or survey.closes_at > timezone.now():
        survey.closes_at = timezone.now()
    survey.save(update_fields=["status", "closes_at", "updated_at"])
    audit_record(actor=actor, action="survey.closed", obj=survey)
    return survey


def _already_answered() -> ApplicationError:
    return Conflict(
        _("You have already answered this survey (one answer per person)."),
        code=SurveyErrorCode.SURVEY_ALREADY_ANSWERED,
    )


def _answer(response: SurveyResponse, row: AnswerRow, stored: list[str]) -> SurveyAnswer:
    answer = SurveyAnswer(
        response=response,
        question=row.question,
        option=row.option,
        row=row.row,
        rank=row.rank,
        text=row.text,
        number=row.number,
    )
    if row.upload is not None:
        now = timezone.localtime()
        name = f"participation/surveys/{now:%Y}/{now:%m}/{uuid.uuid4()}.{row.upload.extension}"
        row.upload.file.seek(0)
        answer.file = default_storage.save(name, row.upload.file)
        stored.append(answer.file)
        answer.file_name = row.upload.original_name
        answer.file_type = row.upload.content_type
    return answer


def response_submit(
    *,
    actor: Account,
    survey: Survey,
    raw: Mapping[str, Any],
    request: HttpRequest | None = None,
    device_token: str = "",
) -> SurveyResponse:
    """Submit one person's answers to an open survey, all or nothing.

    Real-name surveys need a signed-in account and take one response per account (checked here
    and by a database constraint); anonymous surveys store no account. An anonymous survey with
    one answer per person stores the keys of the account (when signed in) and of the browser's
    ``device_token`` (the signed cookie the page sets) and refuses a response whose account or
    device already answered (checked here and by database constraints); without either key it
    is refused with ``survey_device_unknown``. Answers of questions
    hidden by their condition are dropped. Stored files are removed again if the write fails.
    Raises ``ApplicationError`` (survey not open), ``PermissionDenied`` (real-name survey, not
    signed in), ``Conflict`` (already answered), ``ValidationFailed`` (per question field).
    """
    if not selectors.is_accepting(survey=survey):
        raise ApplicationError(
            _("The survey does not take answers now."), code=SurveyErrorCode.SURVEY_NOT_OPEN
        )
    signed_in = getattr(actor, "is_authenticated", False)
    if not survey.is_anonymous and not signed_in:
        raise PermissionDenied(_("Log in to answer this real-name survey."))
    respondent = None if survey.is_anonymous else actor
    account_key, device_key = selectors.anonymous_keys(
        survey=survey, actor=actor, device_token=device_token
    )
    is_keyed = survey.is_anonymous and selectors.takes_one_answer_per_person(survey=survey)
    if is_keyed and not account_key and not device_key:
        raise ApplicationError(
            str(SurveyErrorCode.SURVEY_DEVICE_UNKNOWN.label),
            code=SurveyErrorCode.SURVEY_DEVICE_UNKNOWN,
        )
    if selectors.has_responded(survey=survey, actor=actor, device_token=device_token):
        raise _already_answered()
    rows = answers_validate(questions=selectors.questions_of(survey), raw=raw)

    def write(stored: list[str]) -> SurveyResponse:
        current = Survey.objects.get(pk=survey.pk)
        if not selectors.is_accepting(survey=current):
            raise ApplicationError(
                _("The survey does not take answers now."), code=SurveyErrorCode.SURVEY_NOT_OPEN
            )
        response = SurveyResponse.objects.create(
            survey=survey, respondent=respondent, respondent_key=account_key, device_key=device_key
        )
        SurveyAnswer.objects.bulk_create([_answer(response, row, stored) for row in rows])
        return response

    try:
        return write_storing_files(write, earlier=lambda: None)
    except IntegrityError as error:
        # Another submission of the same account committed between the check and the insert.
        raise _already_answered() from error


@transaction.atomic
def responses_export(
    *, actor: Account, survey: Survey, request: HttpRequest | None = None
) -> bytes:
    """Export every response of ``survey`` as an Excel workbook.

    Permission: the department's editors, administrators and supervisors. Respondents' names
    (real-name surveys only) go only to editors and administrators. Every export is audited as
    an access to personal data (``survey.responses_exported``, with the number of responses and
    whether names were included).
    """
    if not selectors.can_export_responses(actor=actor, survey=survey):
        raise PermissionDenied()
    with_names = not survey.is_anonymous and selectors.can_manage_survey(
        actor=actor, department=survey.department
    )
    content = responses_workbook(
        survey=survey, questions=selectors.questions_of(survey), with_names=with_names
    )
    audit_record(
        actor=actor,
        action="survey.responses_exported",
        obj=survey,
        request=request,
        data={"responses": survey.responses.count(), "with_names": with_names},
    )
    return content
