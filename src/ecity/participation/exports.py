"""Excel export of a survey's responses (openpyxl): one row per response, one column per
question (one per row for a matrix). Respondents' names only when the caller says so (the
service decides who may see them and audits the export)."""

from __future__ import annotations

import io
from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from ecity.participation.models import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyOption,
    SurveyQuestion,
    SurveyResponse,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe(value: str) -> str:
    """Text that Excel will not run as a formula (CSV/formula injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _columns(questions: list[SurveyQuestion]) -> list[tuple[SurveyQuestion, SurveyOption | None]]:
    columns: list[tuple[SurveyQuestion, SurveyOption | None]] = []
    for question in questions:
        if question.kind == QuestionKind.MATRIX:
            columns += [
                (question, row)
                for row in question.options.all()
                if row.role == SurveyOption.Role.ROW
            ]
        else:
            columns.append((question, None))
    return columns


def _cell(question: SurveyQuestion, answers: list[SurveyAnswer]) -> str:
    if not answers:
        return ""
    if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        return "; ".join(a.option.text for a in answers if a.option)
    if question.kind == QuestionKind.RANKING:
        ranked = sorted(answers, key=lambda a: a.rank or 0)
        return " > ".join(a.option.text for a in ranked if a.option)
    if question.kind in (QuestionKind.NUMBER, QuestionKind.RATING_SCALE):
        number = answers[0].number
        return format(number.normalize(), "f") if number is not None else ""
    if question.kind == QuestionKind.FILE_UPLOAD:
        return answers[0].file_name
    if question.kind == QuestionKind.MATRIX:
        return answers[0].option.text if answers[0].option else ""
    return answers[0].text


def responses_workbook(
    *, survey: Survey, questions: list[SurveyQuestion], with_names: bool
) -> bytes:
    """The survey's responses as an .xlsx file (bytes)."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Responses")[:31]
    columns = _columns(questions)
    header = [_("No."), _("Submitted at")]
    if with_names:
        header += [_("Respondent"), _("Account")]
    for question, row in columns:
        label = f"{question.position}. {question.text}"
        header.append(_safe(f"{label} · {row.text}" if row else label))
    sheet.append(header)
    responses = SurveyResponse.objects.filter(survey=survey).select_related("respondent")
    answers: dict[int, dict[tuple[int, int | None], list[SurveyAnswer]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for answer in SurveyAnswer.objects.filter(response__survey=survey).select_related("option"):
        key = (answer.question_id, answer.row_id)
        answers[answer.response_id][key].append(answer)
    for number, response in enumerate(responses.order_by("created_at", "pk"), start=1):
        line: list[object] = [
            number,
            timezone.localtime(response.created_at).strftime("%Y-%m-%d %H:%M"),
        ]
        if with_names:
            person = response.respondent
            line += [
                _safe(getattr(person, "real_name", "") or "") if person else "",
                _safe(person.get_username()) if person else "",
            ]
        of_response = answers.get(response.pk, {})
        for question, row in columns:
            key = (question.pk, row.pk if row else None)
            line.append(_safe(_cell(question, of_response.get(key, []))))
        sheet.append(line)
    for index in range(1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 24
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
