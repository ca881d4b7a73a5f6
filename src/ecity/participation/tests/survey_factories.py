"""Builders of surveys for the survey tests: an editor, a survey with questions of each type."""

from __future__ import annotations

import decimal
from typing import Any

from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory
from ecity.org.models import StaffRole
from ecity.participation.models import Survey, SurveyOption, SurveyQuestion
from ecity.participation.services import surveys as services
from ecity.participation.services.survey_questions import QuestionData, question_add


def editor_of(department=None):  # type: ignore[no-untyped-def]
    """A participation editor of ``department`` (a new one if not given)."""
    role = StaffRoleFactory(
        department=department or DepartmentFactory(), role=StaffRole.Role.PARTICIPATION_EDITOR
    )
    return role.user


def survey_with(
    questions: list[dict[str, Any]], *, is_anonymous: bool = False, opened: bool = True, **kw: Any
) -> Survey:
    """A survey of a new department with ``questions`` (``question_add`` keywords), open."""
    department = kw.pop("department", None) or DepartmentFactory()
    editor = editor_of(department)
    survey = services.survey_create(
        actor=editor,
        department=department,
        title=kw.pop("title", "市民满意度调查"),
        is_anonymous=is_anonymous,
        **kw,
    )
    for spec in questions:
        question_add(actor=editor, survey=survey, data=QuestionData(**spec))
    if opened:
        services.survey_open(actor=editor, survey=survey)
    survey.refresh_from_db()
    return survey


def question(survey: Survey, position: int) -> SurveyQuestion:
    return SurveyQuestion.objects.get(survey=survey, position=position)


def option(survey: Survey, position: int, text: str) -> str:
    """The public id (as the form sends it) of an option (or matrix row) by its text."""
    found = SurveyOption.objects.get(
        question__survey=survey, question__position=position, text=text
    )
    return str(found.public_id)


def name(survey: Survey, position: int) -> str:
    return question(survey, position).field_name


D = decimal.Decimal
