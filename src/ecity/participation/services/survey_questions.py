"""Writes that change a draft survey's existing questions: edit one, move one up or down.

Adding and removing questions live in ``services.surveys``; these two complete the editor. Both
keep the rule of conditional questions: a condition is always an earlier choice question of the
same survey, with at least one of its options.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence

from django.db import transaction
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
from ecity.participation.services.surveys import _check_question, _require_draft, _require_manager


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


@transaction.atomic
def question_update(
    *,
    actor: Account,
    question: SurveyQuestion,
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
    """Change a question of a draft survey: its type, text, rules, options and condition.

    Options are matched by position: the option at a kept position keeps its identity (and the
    conditions of later questions that name it); options past the new end are removed. A
    question that other questions depend on stays a choice question. Permission: the
    department's participation editor or administrator. Raises ``Conflict`` (not a draft),
    ``PermissionDenied``, ``ValidationFailed``. Audited (``survey.question_changed``).
    """
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    _require_manager(actor, survey.department)
    _require_draft(survey)
    question = SurveyQuestion.objects.get(pk=question.pk)
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
    if kind not in CHOICE_KINDS and question.dependent_questions.exists():
        errors["kind"] = [
            _("Later questions are shown on this question's answers: keep it a choice question.")
        ]
    if (
        kind in OPTION_KINDS
        and SurveyOption.objects.filter(
            question=question, position__gt=len(options), conditioned_questions__isnull=False
        ).exists()
    ):
        errors["options"] = [
            _("A later question is shown on an option you removed: change that question first.")
        ]
    if condition_question is not None:
        if (
            condition_question.survey_id != survey.pk
            or condition_question.kind not in CHOICE_KINDS
            or condition_question.position >= question.position
        ):
            errors["condition_question"] = [_("Choose an earlier choice question.")]
        elif not condition_options or any(
            o.question_id != condition_question.pk for o in condition_options
        ):
            errors["condition_options"] = [_("Choose at least one option of that question.")]
    if errors:
        raise ValidationFailed(fields=errors)
    question.kind = kind
    question.text = text.strip()
    question.help_text = help_text.strip()
    question.is_required = is_required
    is_multiple = kind == QuestionKind.MULTIPLE_CHOICE
    question.min_choices = min_choices if is_multiple else None
    question.max_choices = max_choices if is_multiple else None
    question.min_value = min_value if kind == QuestionKind.NUMBER else None
    question.max_value = max_value if kind == QuestionKind.NUMBER else None
    is_rating = kind == QuestionKind.RATING_SCALE
    question.scale_max = scale_max if is_rating else None
    question.scale_min_label = scale_min_label.strip() if is_rating else ""
    question.scale_max_label = scale_max_label.strip() if is_rating else ""
    question.max_file_mb = max_file_mb
    question.condition_question = condition_question
    question.save()
    _options_replace(question, SurveyOption.Role.OPTION, options if kind in OPTION_KINDS else [])
    _options_replace(question, SurveyOption.Role.ROW, rows if kind == QuestionKind.MATRIX else [])
    question.condition_options.set(condition_options if condition_question is not None else [])
    audit_record(
        actor=actor,
        action="survey.question_changed",
        obj=survey,
        data={"position": question.position},
    )
    return question


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
