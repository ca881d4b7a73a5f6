"""Writes of surveys: a department's editors build, open and close them; people answer them.

Editors are the department's ``participation_editor`` and ``department_admin`` (roles held in a
parent department count). Questions change only while the survey is a draft, so that every
response answers the same questions. Each staff act is audited in its own transaction.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.cases.uploads import write_storing_files
from ecity.core.accounts import Account
from ecity.core.errors import ApplicationError, Conflict, PermissionDenied, ValidationFailed
from ecity.org.models import Department
from ecity.participation.errors import SurveyErrorCode
from ecity.participation.exports import responses_workbook
from ecity.participation.models import (
    CHOICE_KINDS,
    OPTION_KINDS,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyOption,
    SurveyQuestion,
    SurveyResponse,
)
from ecity.participation.selectors import surveys as selectors
from ecity.participation.survey_answers import AnswerRow, answers_validate

MAX_FILE_MB = 20


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


def _check_question(
    *,
    kind: str,
    text: str,
    options: Sequence[str],
    rows: Sequence[str],
    min_choices: int | None,
    max_choices: int | None,
    min_value: decimal.Decimal | None,
    max_value: decimal.Decimal | None,
    scale_max: int | None,
    max_file_mb: int,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in QuestionKind.values:
        errors["kind"] = [_("Choose a question type.")]
        return errors
    if not text.strip():
        errors["text"] = [_("Enter the question.")]
    if kind in OPTION_KINDS and len(options) < 2:
        errors["options"] = [_("Give at least two options (one per line).")]
    if kind == QuestionKind.MATRIX and not rows:
        errors["rows"] = [_("Give at least one row (one per line).")]
    if len(set(options)) != len(options) or len(set(rows)) != len(rows):
        errors["options"] = [_("Each option and row must be different.")]
    if kind == QuestionKind.MULTIPLE_CHOICE:
        if min_choices and max_choices and min_choices > max_choices:
            errors["max_choices"] = [_("The maximum must not be below the minimum.")]
        elif max_choices and max_choices > len(options):
            errors["max_choices"] = [_("The maximum must not exceed the number of options.")]
        elif min_choices and min_choices > len(options):
            errors["min_choices"] = [_("The minimum must not exceed the number of options.")]
    if (
        kind == QuestionKind.NUMBER
        and min_value is not None
        and max_value is not None
        and min_value >= max_value
    ):
        errors["max_value"] = [_("The maximum must be above the minimum.")]
    if kind == QuestionKind.RATING_SCALE and scale_max not in (5, 10):
        errors["scale_max"] = [_("Choose a scale of 1–5 or 1–10.")]
    if kind == QuestionKind.FILE_UPLOAD and not 1 <= max_file_mb <= MAX_FILE_MB:
        errors["max_file_mb"] = [
            _("Choose a size limit from 1 to %(max)d MB.") % {"max": MAX_FILE_MB}
        ]
    return errors


@transaction.atomic
def question_add(
    *,
    actor: Account,
    survey: Survey,
    kind: str,
    text: str,
    help_text: str = "",
    is_required: bool = False,
    options: Sequence[str] = (),
    rows: Sequence[str] = (),
    min_choices: int | None = None,
    max_choices: int | None = None,
    min_value: decimal.Decimal | None = None,
    max_value: decimal.Decimal | None = None,
    scale_max: int | None = None,
    scale_min_label: str = "",
    scale_max_label: str = "",
    max_file_mb: int = 5,
    condition_question: SurveyQuestion | None = None,
    condition_options: Sequence[SurveyOption] = (),
) -> SurveyQuestion:
    """Add a question at the end of a draft survey, with its options (and matrix rows).

    A condition must be an earlier single or multiple choice question of the same survey and at
    least one of its options. Permission: as ``survey_create``. Raises ``Conflict`` (not a
    draft), ``PermissionDenied``, ``ValidationFailed``. Audited (``survey.question_added``).
    """
    _require_manager(actor, survey.department)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _require_draft(survey)
    options = [o.strip() for o in options if o.strip()]
    rows = [r.strip() for r in rows if r.strip()]
    errors = _check_question(
        kind=kind,
        text=text,
        options=options,
        rows=rows,
        min_choices=min_choices,
        max_choices=max_choices,
        min_value=min_value,
        max_value=max_value,
        scale_max=scale_max,
        max_file_mb=max_file_mb,
    )
    if condition_question is not None:
        if condition_question.survey_id != survey.pk or condition_question.kind not in CHOICE_KINDS:
            errors["condition_question"] = [_("Choose an earlier choice question.")]
        elif not condition_options or any(
            o.question_id != condition_question.pk for o in condition_options
        ):
            errors["condition_options"] = [_("Choose at least one option of that question.")]
    if errors:
        raise ValidationFailed(fields=errors)
    position = (survey.questions.aggregate(m=Max("position"))["m"] or 0) + 1
    question = SurveyQuestion.objects.create(
        survey=survey,
        position=position,
        kind=kind,
        text=text.strip(),
        help_text=help_text.strip(),
        is_required=is_required,
        min_choices=min_choices if kind == QuestionKind.MULTIPLE_CHOICE else None,
        max_choices=max_choices if kind == QuestionKind.MULTIPLE_CHOICE else None,
        min_value=min_value if kind == QuestionKind.NUMBER else None,
        max_value=max_value if kind == QuestionKind.NUMBER else None,
        scale_max=scale_max if kind == QuestionKind.RATING_SCALE else None,
        scale_min_label=scale_min_label.strip() if kind == QuestionKind.RATING_SCALE else "",
        scale_max_label=scale_max_label.strip() if kind == QuestionKind.RATING_SCALE else "",
        max_file_mb=max_file_mb,
        condition_question=condition_question,
    )
    if kind in OPTION_KINDS:
        SurveyOption.objects.bulk_create(
            [SurveyOption(question=question, position=i, text=t) for i, t in enumerate(options, 1)]
        )
    if kind == QuestionKind.MATRIX:
        SurveyOption.objects.bulk_create(
            [
                SurveyOption(question=question, role=SurveyOption.Role.ROW, position=i, text=t)
                for i, t in enumerate(rows, 1)
            ]
        )
    if condition_question is not None:
        question.condition_options.set(condition_options)
    audit_record(
        actor=actor, action="survey.question_added", obj=survey, data={"position": position}
    )
    return question


@transaction.atomic
def question_remove(*, actor: Account, question: SurveyQuestion) -> None:
    """Remove a question of a draft survey (and the questions shown only on its answers);
    the later questions move up.

    Permission: as ``survey_create``. Raises ``Conflict`` (not a draft), ``PermissionDenied``.
    Audited (``survey.question_removed``).
    """
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    _require_manager(actor, survey.department)
    _require_draft(survey)
    position = question.position
    question.delete()  # cascades to the dependent questions
    remaining = list(survey.questions.order_by("position"))
    # Two steps, so that the unique (survey, position) never sees two equal positions.
    survey.questions.update(position=F("position") + 1000)
    for number, item in enumerate(remaining, start=1):
        SurveyQuestion.objects.filter(pk=item.pk).update(position=number)
    audit_record(
        actor=actor, action="survey.question_removed", obj=survey, data={"position": position}
    )


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
