"""Checking a survey's answers: conditional display and the rules of each question type.

Raw answers are keyed by each question's ``field_name`` (``q-<public id>``), the same name the
HTML form and the API's error envelope use. Values by question type:

* single choice: an option's public id; multiple choice: a list of them
* short text, long text: a string; number: a number or its text; rating scale: 1 … scale_max
* matrix: ``{row public id: column (option) public id}``
* ranking: every option's public id, in the respondent's order (first = best)
* file upload: an uploaded file (HTML form only)

``answers_validate`` decides which questions are shown (a conditional question is shown only
when its condition question is shown and answered with one of the condition options), drops the
answers of hidden questions, checks the shown ones and returns the rows to store, or raises
``ValidationFailed`` with a message per field. It writes nothing.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from ecity.core.errors import ValidationFailed
from ecity.core.uploads import (
    CheckedUpload,
    UploadRejected,
    UploadRules,
    upload_check,
)
from ecity.participation.models import QuestionKind, SurveyOption, SurveyQuestion

SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 5000
#: The ranking value the HTML form sends when the positions are not 1 … n each once.
RANKING_INVALID = "!"


@dataclass(frozen=True)
class AnswerRow:
    """One ``SurveyAnswer`` row to store."""

    question: SurveyQuestion
    option: SurveyOption | None = None
    row: SurveyOption | None = None
    rank: int | None = None
    text: str = ""
    number: decimal.Decimal | None = None
    upload: CheckedUpload | None = None


def _options(question: SurveyQuestion, role: str = SurveyOption.Role.OPTION) -> list[SurveyOption]:
    return [o for o in question.options.all() if o.role == role]


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, dict, set)):
        return not value
    return False


def _chosen_ids(question: SurveyQuestion, value: Any) -> set[str]:
    if question.kind == QuestionKind.SINGLE_CHOICE and isinstance(value, str):
        return {value.strip()}
    if question.kind == QuestionKind.MULTIPLE_CHOICE and isinstance(value, (list, tuple)):
        return {str(v).strip() for v in value}
    return set()


def visible_questions(
    questions: Sequence[SurveyQuestion], raw: Mapping[str, Any]
) -> list[SurveyQuestion]:
    """The questions shown for these answers, in order (conditions evaluated top to bottom)."""
    shown: dict[int, SurveyQuestion] = {}
    for question in questions:
        condition = question.condition_question_id
        if condition is not None:
            parent = shown.get(condition)
            if parent is None:
                continue
            wanted = {str(o.public_id) for o in question.condition_options.all()}
            if not wanted & _chosen_ids(parent, raw.get(parent.field_name)):
                continue
        shown[question.pk] = question
    return list(shown.values())


def _choice(question: SurveyQuestion, value: Any) -> list[AnswerRow]:
    by_id = {str(o.public_id): o for o in _options(question)}
    if not isinstance(value, str) or value.strip() not in by_id:
        raise _Invalid(_("Choose one of the options."))
    return [AnswerRow(question=question, option=by_id[value.strip()])]


def _choices(question: SurveyQuestion, value: Any) -> list[AnswerRow]:
    by_id = {str(o.public_id): o for o in _options(question)}
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, (list, tuple)):
        raise _Invalid(_("Choose from the options."))
    chosen = list(dict.fromkeys(str(v).strip() for v in values))
    if any(v not in by_id for v in chosen):
        raise _Invalid(_("Choose from the options."))
    if question.min_choices and len(chosen) < question.min_choices:
        raise _Invalid(_("Choose at least %(count)d options.") % {"count": question.min_choices})
    if question.max_choices and len(chosen) > question.max_choices:
        raise _Invalid(_("Choose at most %(count)d options.") % {"count": question.max_choices})
    order = {o.pk: o.position for o in by_id.values()}
    options = sorted((by_id[v] for v in chosen), key=lambda o: order[o.pk])
    return [AnswerRow(question=question, option=o) for o in options]


def _text(question: SurveyQuestion, value: Any) -> list[AnswerRow]:
    if not isinstance(value, str):
        raise _Invalid(_("Enter text."))
    text = value.strip()
    limit = SHORT_TEXT_MAX if question.kind == QuestionKind.SHORT_TEXT else LONG_TEXT_MAX
    if question.kind == QuestionKind.SHORT_TEXT and ("\n" in text or "\r" in text):
        raise _Invalid(_("Enter the answer on one line."))
    if len(text) > limit:
        raise _Invalid(
            _("Keep the answer within %(limit)d characters (it has %(length)d).")
            % {"limit": limit, "length": len(text)}
        )
    return [AnswerRow(question=question, text=text)]


def _number(question: SurveyQuestion, value: Any) -> list[AnswerRow]:
    if isinstance(value, bool) or not isinstance(value, (str, int, float, decimal.Decimal)):
        raise _Invalid(_("Enter a number, for example 12 or 3.5."))
    try:
        number = decimal.Decimal(str(value).strip().replace(",", ""))
    except decimal.InvalidOperation:
        raise _Invalid(_("Enter a number, for example 12 or 3.5.")) from None
    if (
        not number.is_finite()
        or abs(number) >= 10**10
        or number != number.quantize(decimal.Decimal("0.0001"), rounding=decimal.ROUND_HALF_UP)
    ):
        raise _Invalid(_("Enter a number below 10 billion with at most 4 decimal places."))
    if question.min_value is not None and number < question.min_value:
        raise _Invalid(
            _("Enter a number of at least %(min)s.") % {"min": _plain(question.min_value)}
        )
    if question.max_value is not None and number > question.max_value:
        raise _Invalid(
            _("Enter a number of at most %(max)s.") % {"max": _plain(question.max_value)}
        )
    return [AnswerRow(question=question, number=number)]


def _plain(number: decimal.Decimal) -> str:
    return format(number.normalize(), "f")


def _rating(question: SurveyQuestion, value: Any) -> list[AnswerRow]:
    top = question.scale_max or 5
    try:
        rating = int(str(value).strip())
    except ValueError:
        rating = 0
    if isinstance(value, bool) or not 1 <= rating <= top:
        raise _Invalid(_("Choose a value from 1 to %(max)d.") % {"max": top})
    return [AnswerRow(question=question, number=decimal.Decimal(rating))]


def _matrix(question: SurveyQuestion, value: Any) -> list[AnswerRow]:
    rows = _options(question, SurveyOption.Role.ROW)
    columns = {str(o.public_id): o for o in _options(question)}
    if not isinstance(value, Mapping):
        raise _Invalid(_("Choose one column in each row."))
    known_rows = {str(r.public_id) for r in rows}
    if any(str(k) not in known_rows for k in value):
        raise _Invalid(_("Choose one column in each row."))
    answers = []
    for row in rows:
        chosen = value.get(str(row.public_id))
        if _is_blank(chosen):
            if question.is_required:
                raise _Invalid(_("Answer every row (“%(row)s” has no answer).") % {"row": row.text})
            continue
        if not isinstance(chosen, str) or chosen.strip() not in columns:
            raise _Invalid(_("Choose one column in each row."))
        answers.append(AnswerRow(question=question, row=row, option=columns[chosen.strip()]))
    return answers


def _ranking(question: SurveyQuestion, value: Any) -> list[AnswerRow]:
    by_id = {str(o.public_id): o for o in _options(question)}
    values = [str(v).strip() for v in value] if isinstance(value, (list, tuple)) else None
    if values is None or sorted(values) != sorted(by_id):
        raise _Invalid(
            _("Put every option in a different place, from 1 to %(count)d.") % {"count": len(by_id)}
        )
    return [
        AnswerRow(question=question, option=by_id[v], rank=rank)
        for rank, v in enumerate(values, start=1)
    ]


def _file(question: SurveyQuestion, value: Any) -> list[AnswerRow]:
    if not hasattr(value, "read"):
        raise _Invalid(_("Choose a file to upload."))
    try:
        checked = upload_check(material=UploadRules(max_size_mb=question.max_file_mb), upload=value)
    except UploadRejected as rejected:
        raise _Invalid(rejected.message) from None
    return [AnswerRow(question=question, upload=checked)]


class _Invalid(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


_CHECKS = {
    QuestionKind.SINGLE_CHOICE: _choice,
    QuestionKind.MULTIPLE_CHOICE: _choices,
    QuestionKind.SHORT_TEXT: _text,
    QuestionKind.LONG_TEXT: _text,
    QuestionKind.NUMBER: _number,
    QuestionKind.RATING_SCALE: _rating,
    QuestionKind.MATRIX: _matrix,
    QuestionKind.RANKING: _ranking,
    QuestionKind.FILE_UPLOAD: _file,
}


def answers_validate(
    *, questions: Sequence[SurveyQuestion], raw: Mapping[str, Any]
) -> list[AnswerRow]:
    """Check the answers to the shown questions; return the rows to store.

    Hidden questions are not required and their answers are dropped. Raises
    ``ValidationFailed`` with one message per question field that breaks a rule.
    """
    errors: dict[str, list[str]] = {}
    rows: list[AnswerRow] = []
    for question in visible_questions(questions, raw):
        value = raw.get(question.field_name)
        if _is_blank(value):
            if question.is_required:
                errors[question.field_name] = [_("Answer this question.")]
            continue
        try:
            rows.extend(_CHECKS[QuestionKind(question.kind)](question, value))
        except _Invalid as invalid:
            errors[question.field_name] = [invalid.message]
    if errors:
        raise ValidationFailed(fields=errors)
    return rows


def answers_from_post(
    *, questions: Sequence[SurveyQuestion], data: QueryDict, files: Mapping[str, Any]
) -> dict[str, Any]:
    """Read the raw answers from the survey form's POST data (see the module docstring)."""
    raw: dict[str, Any] = {}
    for question in questions:
        name = question.field_name
        if question.kind == QuestionKind.MULTIPLE_CHOICE:
            raw[name] = data.getlist(name)
        elif question.kind == QuestionKind.MATRIX:
            raw[name] = {
                str(row.public_id): data.get(f"{name}-{row.public_id}", "")
                for row in _options(question, SurveyOption.Role.ROW)
                if data.get(f"{name}-{row.public_id}", "")
            }
        elif question.kind == QuestionKind.RANKING:
            raw[name] = _ranking_from_post(question, data)
        elif question.kind == QuestionKind.FILE_UPLOAD:
            raw[name] = files.get(name)
        else:
            raw[name] = data.get(name, "")
    return raw


def _ranking_from_post(question: SurveyQuestion, data: QueryDict) -> list[str]:
    """The options ordered by the places typed in (1 = first); invalid places give an invalid
    ranking, no places at all an empty one."""
    name = question.field_name
    places: dict[str, str] = {
        str(o.public_id): data.get(f"{name}-{o.public_id}", "").strip() for o in _options(question)
    }
    if not any(places.values()):
        return []
    try:
        numbers = {key: int(value) for key, value in places.items()}
    except ValueError:
        return [RANKING_INVALID]
    if sorted(numbers.values()) != list(range(1, len(numbers) + 1)):
        return [RANKING_INVALID]
    return sorted(numbers, key=lambda key: numbers[key])
