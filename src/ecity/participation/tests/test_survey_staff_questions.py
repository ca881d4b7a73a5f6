"""Editing and reordering the questions of a draft survey (services.survey_questions)."""

from __future__ import annotations

import pytest

from ecity.audit.models import AuditEntry
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.identity.tests.factories import DepartmentFactory
from ecity.participation.models import SurveyOption
from ecity.participation.services.survey_questions import (
    QuestionData,
    question_move,
    question_update,
)
from ecity.participation.tests.survey_factories import editor_of, question, survey_with

pytestmark = pytest.mark.django_db


def _conditional_draft():  # type: ignore[no-untyped-def]
    survey = survey_with(
        [
            {"kind": "single_choice", "text": "常坐公交吗", "options": ["常坐", "不坐"]},
            {"kind": "short_text", "text": "其他"},
        ],
        opened=False,
    )
    often = SurveyOption.objects.get(text="常坐")
    editor = editor_of(survey.department)
    question_update(
        actor=editor,
        question=question(survey, 2),
        data=QuestionData(
            kind="short_text",
            text="为什么常坐",
            condition_question=question(survey, 1),
            condition_options=[often],
        ),
    )
    return survey, editor, often


def test_editing_options_keeps_the_ones_a_condition_names():
    # given a draft whose second question is shown on the first's option 常坐
    survey, editor, often = _conditional_draft()
    # when the first question's options are renamed and one is added
    question_update(
        actor=editor,
        question=question(survey, 1),
        data=QuestionData(
            kind="single_choice", text="常坐公交吗", options=["经常坐", "不坐", "偶尔"]
        ),
    )
    # then the condition still names the same (renamed) option, and the edit is audited
    often.refresh_from_db()
    assert often.text == "经常坐"
    assert list(question(survey, 2).condition_options.all()) == [often]
    assert [o.text for o in question(survey, 1).options.order_by("position")] == [
        "经常坐",
        "不坐",
        "偶尔",
    ]
    assert AuditEntry.objects.filter(action="survey.question_changed").count() == 2


def test_a_question_others_depend_on_stays_a_choice_question():
    # given a draft whose second question depends on the first
    survey, editor, _often = _conditional_draft()
    # when the first question is turned into a text question
    with pytest.raises(ValidationFailed) as error:
        question_update(
            actor=editor,
            question=question(survey, 1),
            data=QuestionData(kind="long_text", text="说明"),
        )
    # then it is refused on the type field
    assert "kind" in error.value.fields


def test_a_dependent_question_cannot_move_above_its_condition():
    # given a draft whose second question depends on the first
    survey, editor, _often = _conditional_draft()
    # when the dependent question moves up
    with pytest.raises(ValidationFailed) as error:
        question_move(actor=editor, question=question(survey, 2), up=True)
    # then it is refused and the order stays
    assert "position" in error.value.fields
    assert question(survey, 1).text == "常坐公交吗"


def test_moving_swaps_neighbours_and_edges_change_nothing():
    # given a draft of three independent questions
    survey = survey_with(
        [{"kind": "short_text", "text": t} for t in ("甲", "乙", "丙")], opened=False
    )
    editor = editor_of(survey.department)
    # when the last moves up, then the (new) first moves up
    question_move(actor=editor, question=question(survey, 3), up=True)
    question_move(actor=editor, question=question(survey, 1), up=True)
    # then only the first move changed the order
    assert list(survey.questions.order_by("position").values_list("text", flat=True)) == [
        "甲",
        "丙",
        "乙",
    ]


def test_only_the_departments_editors_change_questions_of_drafts():
    # given an open survey and a draft
    opened = survey_with([{"kind": "short_text", "text": "建议"}])
    draft = survey_with([{"kind": "short_text", "text": "建议"}], opened=False)
    # then an editor of another department may not edit the draft
    with pytest.raises(PermissionDenied):
        question_update(
            actor=editor_of(DepartmentFactory()),
            question=question(draft, 1),
            data=QuestionData(kind="short_text", text="改"),
        )
    # and nobody may edit the open survey's questions
    with pytest.raises(Conflict):
        question_update(
            actor=editor_of(opened.department),
            question=question(opened, 1),
            data=QuestionData(kind="short_text", text="改"),
        )
