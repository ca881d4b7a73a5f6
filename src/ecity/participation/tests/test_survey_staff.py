"""Survey staff pages: the department's editors build a survey, its questions, open and close it;
other people (citizens, editors of another department) do not see it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecity.identity.tests.factories import DepartmentFactory, UserFactory
from ecity.participation.models import Survey, SurveyQuestion
from ecity.participation.services import surveys as services
from ecity.participation.services.survey_questions import QuestionData, question_add
from ecity.participation.tests.survey_factories import editor_of, option, survey_with

pytestmark = pytest.mark.django_db


def _url(name, survey, *args):  # type: ignore[no-untyped-def]
    return reverse(f"participation:{name}", args=[survey.public_id, *args])


def test_editor_creates_a_survey_adds_questions_and_opens_it(client):
    # given a participation editor of the transport bureau
    department = DepartmentFactory(name_zh="交通运输局")
    client.force_login(editor_of(department))
    # when the editor creates a survey
    created = client.post(
        reverse("participation:staff_survey_create"),
        {"department": department.code, "title": "公交线路调整意见", "introduction": "请参与。"},
    )
    # then it is a draft of the department and the editor lands on its editor page
    survey = Survey.objects.get()
    assert created.status_code == 302 and created["Location"] == _url("staff_survey", survey)
    assert (survey.department, survey.status) == (department, Survey.Status.DRAFT)
    # when the editor adds a single choice question and a question shown only on one answer
    add = _url("staff_question_add", survey)
    first = client.post(
        add,
        {
            "kind": "single_choice",
            "text": "您常坐公交吗",
            "options": "常坐\n不坐",
            "max_file_mb": 5,
        },
    )
    assert first.status_code == 302
    often = option(survey, 1, "常坐")
    second = client.post(
        add,
        {
            "kind": "rating_scale",
            "text": "公交满意度",
            "scale_max": "5",
            "scale_min_label": "很差",
            "scale_max_label": "很好",
            "is_required": "on",
            "max_file_mb": 5,
            "condition_question": str(SurveyQuestion.objects.get(position=1).public_id),
            "condition_options": [often],
        },
    )
    # then both are stored in order, the second with its condition
    assert second.status_code == 302
    rating = SurveyQuestion.objects.get(position=2)
    assert (rating.kind, rating.scale_max, rating.is_required) == ("rating_scale", 5, True)
    assert [str(o.public_id) for o in rating.condition_options.all()] == [often]
    editor_page = client.get(_url("staff_survey", survey))
    assert editor_page.status_code == 200
    assert "您常坐公交吗" in editor_page.content.decode()
    # when the editor opens the survey
    opened = client.post(_url("staff_survey_action", survey, "open"))
    # then it takes answers
    assert opened.status_code == 302
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN


def test_question_form_redisplays_with_field_errors_from_the_service(client):
    # given a draft survey and its editor
    survey = survey_with([], opened=False)
    client.force_login(editor_of(survey.department))
    # when a single choice question is sent with one option only
    page = client.post(
        _url("staff_question_add", survey),
        {"kind": "single_choice", "text": "出行方式", "options": "只有一个", "max_file_mb": 5},
    )
    # then the form comes back with the service's message beside the options field
    assert page.status_code == 400
    html = page.content.decode()
    assert 'id="id_options-error"' in html and "只有一个" in html
    # when the question text is left empty
    blank = client.post(
        _url("staff_question_add", survey),
        {"kind": "short_text", "text": "", "max_file_mb": 5},
    )
    # then the message is beside the text field
    assert blank.status_code == 400 and 'id="id_text-error"' in blank.content.decode()
    assert not SurveyQuestion.objects.exists()


def test_settings_form_shows_the_closing_time_error_beside_its_field(client):
    # given a draft survey and its editor
    survey = survey_with([], opened=False)
    client.force_login(editor_of(survey.department))
    # when the closing time is set before the opening time
    page = client.post(
        _url("staff_survey", survey),
        {"title": "新标题", "opens_at": "2030-05-02T09:00", "closes_at": "2030-05-01T09:00"},
    )
    # then the settings are not saved and the error is beside the closing time
    assert page.status_code == 400
    assert 'id="id_closes_at-error"' in page.content.decode()
    survey.refresh_from_db()
    assert survey.title == "市民满意度调查"


def test_editor_edits_moves_and_removes_questions_of_a_draft(client):
    # given a draft with three questions
    survey = survey_with(
        [
            {"kind": "short_text", "text": "姓名缩写"},
            {"kind": "number", "text": "年龄"},
            {"kind": "matrix", "text": "评价", "rows": ["窗口"], "options": ["好", "差"]},
        ],
        opened=False,
    )
    client.force_login(editor_of(survey.department))
    age = SurveyQuestion.objects.get(text="年龄")
    # when the number question gets a range and a new text
    edited = client.post(
        _url("staff_question_edit", survey, age.public_id),
        {
            "kind": "number",
            "text": "您的年龄",
            "min_value": "0",
            "max_value": "120",
            "max_file_mb": 5,
        },
    )
    assert edited.status_code == 302
    age.refresh_from_db()
    assert (age.text, age.min_value, age.max_value) == ("您的年龄", 0, 120)
    # when the matrix moves up and the first question is removed
    matrix = SurveyQuestion.objects.get(text="评价")
    assert (
        client.post(_url("staff_question_action", survey, matrix.public_id, "up")).status_code
        == 302
    )
    first = SurveyQuestion.objects.get(text="姓名缩写")
    removed = client.post(_url("staff_question_action", survey, first.public_id, "remove"))
    # then the remaining questions are numbered 1, 2 in the new order
    assert removed.status_code == 302
    assert list(survey.questions.order_by("position").values_list("text", flat=True)) == [
        "评价",
        "您的年龄",
    ]


def test_open_survey_cannot_change_questions_and_the_editor_says_so(client):
    # given an open survey
    survey = survey_with([{"kind": "short_text", "text": "建议"}])
    client.force_login(editor_of(survey.department))
    question = SurveyQuestion.objects.get()
    # when its editor tries to remove the question
    page = client.post(_url("staff_question_action", survey, question.public_id, "remove"))
    # then the editor page explains the conflict and the question stays
    assert page.status_code == 409
    assert "调查已不是草稿" in page.content.decode()
    assert SurveyQuestion.objects.filter(pk=question.pk).exists()


def test_opening_an_empty_survey_shows_the_reason(client):
    # given a draft without questions
    survey = survey_with([], opened=False)
    client.force_login(editor_of(survey.department))
    # when the editor opens it
    page = client.post(_url("staff_survey_action", survey, "open"))
    # then it stays a draft and the page explains why
    assert page.status_code == 400
    assert 'role="alert"' in page.content.decode()
    survey.refresh_from_db()
    assert survey.status == Survey.Status.DRAFT


def test_editor_closes_an_open_survey(client):
    # given an open survey and its editor
    survey = survey_with([{"kind": "short_text", "text": "建议"}])
    client.force_login(editor_of(survey.department))
    # when the editor closes it
    closed = client.post(_url("staff_survey_action", survey, "close"))
    # then it takes no more answers
    assert closed.status_code == 302
    survey.refresh_from_db()
    assert survey.status == Survey.Status.CLOSED


def test_list_shows_only_the_departments_own_surveys(client):
    # given surveys of two departments
    mine = survey_with([], opened=False, title="本局调查")
    survey_with([], opened=False, title="他局调查")
    client.force_login(editor_of(mine.department))
    # when the editor opens the staff list
    page = client.get(reverse("participation:staff_survey_list"))
    # then only the own department's survey is listed
    assert page.status_code == 200
    html = page.content.decode()
    assert "本局调查" in html and "他局调查" not in html


def test_other_departments_and_citizens_cannot_reach_the_editor(client):
    # given a draft survey of one department
    survey = survey_with([{"kind": "short_text", "text": "建议"}], opened=False)
    question = SurveyQuestion.objects.get()
    # when an editor of another department tries its pages and actions
    client.force_login(editor_of(DepartmentFactory()))
    # then every one is not found and nothing changes
    assert client.get(_url("staff_survey", survey)).status_code == 404
    assert client.post(_url("staff_survey_action", survey, "open")).status_code == 404
    assert (
        client.post(_url("staff_question_action", survey, question.public_id, "remove")).status_code
        == 404
    )
    # and a citizen has no staff list nor a form to create surveys
    client.force_login(UserFactory())
    assert client.get(reverse("participation:staff_survey_list")).status_code == 404
    assert client.get(reverse("participation:staff_survey_create")).status_code == 404
    survey.refresh_from_db()
    assert survey.status == Survey.Status.DRAFT and SurveyQuestion.objects.count() == 1


def test_signed_out_visitor_is_sent_to_log_in(client):
    # given a draft survey
    survey = survey_with([], opened=False)
    # when a signed-out visitor opens its editor
    page = client.get(_url("staff_survey", survey))
    # then the login page is asked for
    assert page.status_code == 302 and "login" in page["Location"]


def test_question_form_offers_only_earlier_choice_questions_as_conditions(client):
    # given a draft with a choice question, a text question and a later choice question
    survey = survey_with(
        [
            {"kind": "single_choice", "text": "常坐公交吗", "options": ["常坐", "不坐"]},
            {"kind": "short_text", "text": "建议"},
            {"kind": "multiple_choice", "text": "常去哪里", "options": ["医院", "学校"]},
        ],
        opened=False,
    )
    client.force_login(editor_of(survey.department))
    second = SurveyQuestion.objects.get(position=2)
    # when the editor opens the second question's form (in English)
    page = client.get("/en" + _url("staff_question_edit", survey, second.public_id))
    # then only the first question and its options are offered as the condition
    assert page.status_code == 200
    html = page.content.decode()
    assert "Show only when this question" in html
    assert "1. 常坐公交吗: 常坐" in html and "常去哪里" not in html


def test_taking_page_marks_conditional_questions_for_the_script(client):
    # given an open anonymous survey whose second question is shown only on the answer 常坐
    survey = survey_with(
        [{"kind": "single_choice", "text": "常坐公交吗", "options": ["常坐", "不坐"]}],
        opened=False,
        is_anonymous=True,
    )
    first = SurveyQuestion.objects.get(position=1)
    question_add(
        actor=editor_of(survey.department),
        survey=survey,
        data=QuestionData(
            kind="short_text",
            text="为什么常坐",
            condition_question=first,
            condition_options=list(first.options.filter(text="常坐")),
        ),
    )
    services.survey_open(actor=editor_of(survey.department), survey=survey)
    # when a citizen opens the taking page
    page = client.get(reverse("participation:survey_take", args=[survey.public_id]))
    # then the conditional question names its condition for the script, which the page loads,
    # and its hint still explains the condition to visitors without the script
    assert page.status_code == 200
    html = page.content.decode()
    often = option(survey, 1, "常坐")
    assert f'data-condition="{first.field_name}" data-condition-options="{often}"' in html
    assert "participation/survey-conditions.js" in html
    assert "仅当第 1 题的回答与此相关时作答。" in html
