"""Survey rules: one answer per person, anonymity, who may edit, draft-only changes."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction

from ecity.core.errors import ApplicationError, Conflict, PermissionDenied
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory, UserFactory
from ecity.org.models import StaffRole
from ecity.participation.models import Survey, SurveyResponse
from ecity.participation.services import surveys as services
from ecity.participation.services.survey_questions import QuestionData, question_add
from ecity.participation.tests.survey_factories import editor_of, name, option, survey_with

pytestmark = pytest.mark.django_db

RATING = [{"kind": "rating_scale", "text": "满意度", "scale_max": 5, "is_required": True}]


def test_real_name_survey_takes_one_response_per_person():
    # given a real-name survey answered once by a citizen
    survey = survey_with(RATING)
    citizen = UserFactory()
    services.response_submit(actor=citizen, survey=survey, raw={name(survey, 1): "5"})
    # when the same citizen answers again
    with pytest.raises(Conflict) as caught:
        services.response_submit(actor=citizen, survey=survey, raw={name(survey, 1): "1"})
    # then the second answer is refused and the first one stands
    assert caught.value.code == "survey_already_answered"
    assert SurveyResponse.objects.get(survey=survey).answers.get().number == 5


def test_database_refuses_a_second_response_of_the_same_person():
    # given a response of a citizen to a real-name survey
    survey = survey_with(RATING)
    citizen = UserFactory()
    SurveyResponse.objects.create(survey=survey, respondent=citizen)
    # when a second row is written past the service (a race), then the constraint refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(survey=survey, respondent=citizen)


def test_anonymous_survey_stores_no_account_and_accepts_visitors():
    # given an anonymous survey that does not limit answers to one per person
    survey = survey_with(RATING, is_anonymous=True, is_one_answer_per_person=False)
    # when a signed-in citizen and a visitor answer it
    services.response_submit(actor=UserFactory(), survey=survey, raw={name(survey, 1): "4"})
    services.response_submit(actor=AnonymousUser(), survey=survey, raw={name(survey, 1): "2"})
    # then both responses are stored without any account
    assert list(
        SurveyResponse.objects.filter(survey=survey).values_list("respondent", flat=True)
    ) == [
        None,
        None,
    ]


def test_real_name_survey_needs_a_signed_in_person():
    # given a real-name survey; when a visitor answers, then they are asked to log in
    survey = survey_with(RATING)
    with pytest.raises(PermissionDenied):
        services.response_submit(actor=AnonymousUser(), survey=survey, raw={name(survey, 1): "3"})
    assert not SurveyResponse.objects.exists()


def test_draft_and_closed_surveys_take_no_answers():
    # given a draft survey and a closed one
    draft = survey_with(RATING, opened=False)
    closed = survey_with(RATING)
    services.survey_close(actor=editor_of(closed.department), survey=closed)
    # when someone answers, then both refuse
    for survey in (draft, closed):
        with pytest.raises(ApplicationError) as caught:
            services.response_submit(actor=UserFactory(), survey=survey, raw={name(survey, 1): "3"})
        assert caught.value.code == "survey_not_open"


def test_only_the_departments_editors_and_administrators_manage_its_surveys():
    # given a department, its editor, its administrator and staff of other roles or departments
    department = DepartmentFactory()
    admin = StaffRoleFactory(department=department, role=StaffRole.Role.DEPARTMENT_ADMIN).user
    reviewer = StaffRoleFactory(department=department, role=StaffRole.Role.REVIEWER).user
    other_editor = editor_of(DepartmentFactory())
    # when each tries to create a survey
    for outsider in (reviewer, other_editor, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.survey_create(actor=outsider, department=department, title="调查")
    survey = services.survey_create(actor=admin, department=department, title="调查")
    # then only the administrator (and the editor) could
    assert services.survey_create(actor=editor_of(department), department=department, title="二")
    assert survey.status == Survey.Status.DRAFT


def test_questions_change_only_while_the_survey_is_a_draft():
    # given an open survey
    survey = survey_with(RATING)
    editor = editor_of(survey.department)
    # when a question is added, then it is refused as not a draft
    with pytest.raises(Conflict) as caught:
        question_add(actor=editor, survey=survey, data=QuestionData(kind="short_text", text="新题"))
    assert caught.value.code == "survey_not_draft"


def test_a_survey_without_questions_cannot_open():
    survey = survey_with([], opened=False)
    with pytest.raises(ApplicationError) as caught:
        services.survey_open(actor=editor_of(survey.department), survey=survey)
    assert caught.value.code == "survey_without_questions"


def test_a_condition_must_name_options_of_an_earlier_choice_question():
    # given a draft survey with a text question and a choice question
    survey = survey_with(
        [
            {"kind": "short_text", "text": "称呼"},
            {"kind": "single_choice", "text": "是否满意", "options": ["是", "否"]},
        ],
        opened=False,
    )
    editor = editor_of(survey.department)
    text_q, choice_q = survey.questions.order_by("position")
    # when a condition names the text question, or no option, then each is refused
    with pytest.raises(ApplicationError) as caught:
        question_add(
            actor=editor,
            survey=survey,
            data=QuestionData(kind="long_text", text="原因", condition_question=text_q),
        )
    assert caught.value.fields == {"condition_question": ["请选择前面的一道选择题。"]}
    with pytest.raises(ApplicationError) as caught:
        question_add(
            actor=editor,
            survey=survey,
            data=QuestionData(kind="long_text", text="原因", condition_question=choice_q),
        )
    assert caught.value.fields == {"condition_options": ["请至少选择该题的一个选项。"]}
    assert option(survey, 2, "否")


def test_anonymous_survey_with_one_answer_per_person_stops_repeats_without_naming_anyone():
    # given an anonymous survey taking one answer per person
    survey = survey_with(RATING, is_anonymous=True)
    citizen = UserFactory()
    # when a signed-in citizen answers from one browser
    services.response_submit(
        actor=citizen, survey=survey, raw={name(survey, 1): "4"}, device_token="browser-a" * 3
    )
    # then a second answer from the same account on another browser is refused
    with pytest.raises(Conflict):
        services.response_submit(
            actor=citizen, survey=survey, raw={name(survey, 1): "1"}, device_token="browser-b" * 3
        )
    # and so is one from the same browser, signed out
    with pytest.raises(Conflict):
        services.response_submit(
            actor=AnonymousUser(),
            survey=survey,
            raw={name(survey, 1): "1"},
            device_token="browser-a" * 3,
        )
    # while a visitor on another browser answers once, and only once
    services.response_submit(
        actor=AnonymousUser(), survey=survey, raw={name(survey, 1): "2"}, device_token="c" * 27
    )
    with pytest.raises(Conflict):
        services.response_submit(
            actor=AnonymousUser(), survey=survey, raw={name(survey, 1): "5"}, device_token="c" * 27
        )
    # and the stored responses name no account and hold no raw token
    rows = list(SurveyResponse.objects.filter(survey=survey).order_by("created_at"))
    assert [r.respondent_id for r in rows] == [None, None]
    assert rows[0].respondent_key and rows[0].device_key and not rows[1].respondent_key
    assert all("browser" not in r.device_key and str(citizen.pk) != r.respondent_key for r in rows)


def test_anonymous_one_answer_survey_refuses_a_visitor_without_device_token():
    survey = survey_with(RATING, is_anonymous=True)
    with pytest.raises(ApplicationError) as raised:
        services.response_submit(actor=AnonymousUser(), survey=survey, raw={name(survey, 1): "3"})
    assert raised.value.code == "survey_device_unknown"
    assert "允许" in raised.value.message and "Cookie" in raised.value.message
    assert not SurveyResponse.objects.exists()


def test_one_answer_keys_of_two_surveys_cannot_be_linked():
    first = survey_with(RATING, is_anonymous=True)
    second = survey_with(RATING, is_anonymous=True)
    citizen = UserFactory()
    for survey in (first, second):
        services.response_submit(
            actor=citizen, survey=survey, raw={name(survey, 1): "4"}, device_token="d" * 30
        )
    a, b = SurveyResponse.objects.order_by("created_at")
    assert a.respondent_key != b.respondent_key and a.device_key != b.device_key
