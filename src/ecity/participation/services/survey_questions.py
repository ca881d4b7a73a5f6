"""Writes of a draft survey's questions: add, change, move and remove them.

Questions change only while the survey is a draft, so that every response answers the same
questions. One ``QuestionData`` describes a question for adding and for changing it, and one
check validates it. A condition is always an earlier choice question of the same survey, with
at least one of its options. Permission: the department's participation editor or
administrator (``services.surveys``). Each act is audited.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.accounts import Account
from ecity.core.errors import ValidationFailed
from ecity.participation.models import (
    CHOICE_KINDS,
    OPTION_KINDS,
    QuestionKind,
    Survey,
    SurveyOption,
    SurveyQuestion,
)
from ecity.participation.services.surveys import _require_draft, _require_manager

MAX_FILE_MB = 20


@dataclass(frozen=True)
class QuestionData:
    """What an editor says about one question (the same fields to add and to change it).

    Rules that do not apply to the kind (choice limits of a text question, ...) are ignored.
    """

    kind: str
    text: str
    help_text: str = ""
    is_required: bool = False
    options: Sequence[str] = ()  # one text per option, in order (choice, ranking kinds)
    rows: Sequence[str] = ()  # the rows of a matrix
    min_choices: int | None = None
    max_choices: int | None = None
    min_value: decimal.Decimal | None = None
    max_value: decimal.Decimal | None = None
    scale_max: int | None = None
    scale_min_label: str = ""
    scale_max_label: str = ""
    max_file_mb: int = 5
    condition_question: SurveyQuestion | None = None
    condition_options: Sequence[SurveyOption] = ()

    def cleaned(self) -> QuestionData:
        """The same data with blank options and rows dropped and the others stripped."""
        return replace(
            self,
            options=[o.strip() for o in self.options if o.strip()],
            rows=[r.strip() for r in self.rows if r.strip()],
        )


def _errors(data: QuestionData, *, survey: Survey, position: int) -> dict[str, list[str]]:
    """Field errors of ``data`` as the question at ``position`` of ``survey``."""
    errors: dict[str, list[str]] = {}
    kind, options, rows = data.kind, data.options, data.rows
    if kind not in QuestionKind.values:
        errors["kind"] = [_("Choose a question type.")]
        return errors
    if not data.text.strip():
        errors["text"] = [_("Enter the question.")]
    if kind in OPTION_KINDS and len(options) < 2:
        errors["options"] = [_("Give at least two options (one per line).")]
    if kind == QuestionKind.MATRIX and not rows:
        errors["rows"] = [_("Give at least one row (one per line).")]
    if len(set(options)) != len(options) or len(set(rows)) != len(rows):
        errors["options"] = [_("Each option and row must be different.")]
    low, high = data.min_choices, data.max_choices
    if kind == QuestionKind.MULTIPLE_CHOICE:
        if low and high and low > high:
            errors["max_choices"] = [_("The maximum must not be below the minimum.")]
        elif high and high > len(options):
            errors["max_choices"] = [_("The maximum must not exceed the number of options.")]
        elif low and low > len(options):
            errors["min_choices"] = [_("The minimum must not exceed the number of options.")]
    if (
        kind == QuestionKind.NUMBER
        and data.min_value is not None
        and data.max_value is not None
        and data.min_value >= data.max_value
    ):
        errors["max_value"] = [_("The maximum must be above the minimum.")]
    if kind == QuestionKind.RATING_SCALE and data.scale_max not in (5, 10):
        errors["scale_max"] = [_("Choose a scale of 1–5 or 1–10.")]
    if kind == QuestionKind.FILE_UPLOAD and not 1 <= data.max_file_mb <= MAX_FILE_MB:
        errors["max_file_mb"] = [
            _("Choose a size limit from 1 to %(max)d MB.") % {"max": MAX_FILE_MB}
        ]
    condition = data.condition_question
    if condition is not None:
        if (
            condition.survey_id != survey.pk
            or condition.kind not in CHOICE_KINDS
            or condition.position >= position
        ):
            errors["condition_question"] = [_("Choose an earlier choice question.")]
        elif not data.condition_options or any(
            o.question_id != condition.pk for o in data.condition_options
        ):
            errors["condition_options"] = [_("Choose at least one option of that question.")]
    return errors


def _fields_set(question: SurveyQuestion, data: QuestionData) -> None:
    """Copy ``data`` onto ``question``, keeping only the rules of its kind."""
    kind = data.kind
    is_multiple = kind == QuestionKind.MULTIPLE_CHOICE
    is_number = kind == QuestionKind.NUMBER
    is_rating = kind == QuestionKind.RATING_SCALE
    question.kind = kind
    question.text = data.text.strip()
    question.help_text = data.help_text.strip()
    question.is_required = data.is_required
    question.min_choices = data.min_choices if is_multiple else None
    question.max_choices = data.max_choices if is_multiple else None
    question.min_value = data.min_value if is_number else None
    question.max_value = data.max_value if is_number else None
    question.scale_max = data.scale_max if is_rating else None
    question.scale_min_label = data.scale_min_label.strip() if is_rating else ""
    question.scale_max_label = data.scale_max_label.strip() if is_rating else ""
    question.max_file_mb = data.max_file_mb
    question.condition_question = data.condition_question


def _options_replace(question: SurveyQuestion, role: str, texts: Sequence[str]) -> None:
    """Give ``question`` exactly ``texts`` as options of ``role``, keeping the rows (and so the
    conditions that name them) of the positions that remain."""
    existing = {o.position: o for o in question.options.filter(role=role)}
    for position, text in enumerate(texts, start=1):
        option = existing.pop(position, None)
        if option is None:
            SurveyOption.objects.create(question=question, role=role, position=position, text=text)
        elif option.text != text:
            option.text = text
            option.save(update_fields=["text", "updated_at"])
    SurveyOption.objects.filter(pk__in=[o.pk for o in existing.values()]).delete()


def _options_and_condition_write(question: SurveyQuestion, data: QuestionData) -> None:
    kind = data.kind
    _options_replace(
        question, SurveyOption.Role.OPTION, data.options if kind in OPTION_KINDS else []
    )
    _options_replace(
        question, SurveyOption.Role.ROW, data.rows if kind == QuestionKind.MATRIX else []
    )
    question.condition_options.set(
        data.condition_options if data.condition_question is not None else []
    )


@transaction.atomic
def question_add(*, actor: Account, survey: Survey, data: QuestionData) -> SurveyQuestion:
    """Add a question at the end of a draft survey, with its options (and matrix rows).

    Raises ``Conflict`` (not a draft), ``PermissionDenied``, ``ValidationFailed``. Audited
    (``survey.question_added``).
    """
    _require_manager(actor, survey.department)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _require_draft(survey)
    data = data.cleaned()
    position = (survey.questions.aggregate(m=Max("position"))["m"] or 0) + 1
    errors = _errors(data, survey=survey, position=position)
    if errors:
        raise ValidationFailed(fields=errors)
    question = SurveyQuestion(survey=survey, position=position)
    _fields_set(question, data)
    question.save()
    _options_and_condition_write(question, data)
    audit_record(
        actor=actor, action="survey.question_added", obj=survey, data={"position": position}
    )
    return question


@transaction.atomic
def question_update(
    *, actor: Account, question: SurveyQuestion, data: QuestionData
) -> SurveyQuestion:
    """Change a question of a draft survey: its type, text, rules, options and condition.

    Options are matched by position: the option at a kept position keeps its identity (and the
    conditions of later questions that name it); options past the new end are removed. A
    question that other questions depend on stays a choice question. Raises ``Conflict`` (not a
    draft), ``PermissionDenied``, ``ValidationFailed``. Audited (``survey.question_changed``).
    """
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    _require_manager(actor, survey.department)
    _require_draft(survey)
    question = SurveyQuestion.objects.get(pk=question.pk)
    data = data.cleaned()
    errors = _errors(data, survey=survey, position=question.position)
    if data.kind not in CHOICE_KINDS and question.dependent_questions.exists():
        errors["kind"] = [
            _("Later questions are shown on this question's answers: keep it a choice question.")
        ]
    if (
        data.kind in OPTION_KINDS
        and SurveyOption.objects.filter(
            question=question, position__gt=len(data.options), conditioned_questions__isnull=False
        ).exists()
    ):
        errors["options"] = [
            _("A later question is shown on an option you removed: change that question first.")
        ]
    if errors:
        raise ValidationFailed(fields=errors)
    _fields_set(question, data)
    question.save()
    _options_and_condition_write(question, data)
    audit_record(
        actor=actor,
        action="survey.question_changed",
        obj=survey,
        data={"position": question.position},
    )
    return question


@transaction.atomic
def question_remove(*, actor: Account, question: SurveyQuestion) -> None:
    """Remove a question of a draft survey (and the questions shown only on its answers);
    the later questions move up.

    Raises ``Conflict`` (not a draft), ``PermissionDenied``. Audited
    (``survey.question_removed``).
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
def question_move(*, actor: Account, question: SurveyQuestion, up: bool) -> None:
    """Swap a question of a draft survey with the one above (``up``) or below it.

    A question cannot move above the question its condition depends on, nor below a question
    that depends on it. Moving the first question up or the last down changes nothing.
    Permission: as ``question_update``. Raises ``Conflict`` (not a draft), ``PermissionDenied``,
    ``ValidationFailed`` (field ``position``). Audited (``survey.question_moved``).
    """
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    _require_manager(actor, survey.department)
    _require_draft(survey)
    question = SurveyQuestion.objects.get(pk=question.pk)
    neighbour = survey.questions.filter(
        position=question.position - 1 if up else question.position + 1
    ).first()
    if neighbour is None:
        return
    upper, lower = (neighbour, question) if up else (question, neighbour)
    if lower.condition_question_id == upper.pk:
        raise ValidationFailed(
            fields={
                "position": [
                    _("Question %(lower)d depends on question %(upper)d: it must stay below it.")
                    % {"lower": lower.position, "upper": upper.position}
                ]
            }
        )
    first, second = upper.position, lower.position
    # Three steps, so that the unique (survey, position) never sees two equal positions.
    SurveyQuestion.objects.filter(pk=upper.pk).update(position=0)
    SurveyQuestion.objects.filter(pk=lower.pk).update(position=first)
    SurveyQuestion.objects.filter(pk=upper.pk).update(position=second)
    audit_record(
        actor=actor,
        action="survey.question_moved",
        obj=survey,
        data={"from": question.position, "to": neighbour.position},
    )
