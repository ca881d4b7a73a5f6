"""Survey API: anyone lists the open surveys with their questions; signed-in people answer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecity.identity.tests.factories import UserFactory
from ecity.participation.models import SurveyResponse
from ecity.participation.tests.survey_factories import name, option, question, survey_with

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {
        "kind": "single_choice",
        "text": "出行方式",
        "options": ["公交", "地铁"],
        "is_required": True,
    },
    {"kind": "number", "text": "年龄", "min_value": 0, "max_value": 120},
]


def test_anyone_lists_open_surveys_with_questions_and_conditions(api_client):
    # given an open survey, a draft, and a question shown only on one answer
    survey = survey_with(QUESTIONS, title="出行调查")
    survey_with(QUESTIONS, opened=False, title="草稿调查")
    # when anyone lists the surveys
    response = api_client.get(reverse("participation-api:surveys"))
    # then only the open one comes, with its questions, option ids and answer keys
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["title"] for row in rows] == ["出行调查"]
    first = rows[0]["questions"][0]
    assert first["field"] == name(survey, 1)
    assert [o["text"] for o in first["options"]] == ["公交", "地铁"]
    assert first["options"][0]["id"] == option(survey, 1, "公交")
    assert first["condition"] is None


def test_list_filters_by_department_code(api_client):
    # given open surveys of two departments
    survey = survey_with(QUESTIONS, title="甲局调查")
    survey_with(QUESTIONS, title="乙局调查")
    # when the list is filtered by the first department's code
    response = api_client.get(
        reverse("participation-api:surveys"), {"department": survey.department.code}
    )
    # then only its survey comes
    assert response.status_code == 200
    assert [row["title"] for row in response.json()["results"]] == ["甲局调查"]


def test_signed_in_person_answers_and_cannot_answer_twice(api_client):
    # given an open real-name survey and a signed-in citizen
    survey = survey_with(QUESTIONS)
    api_client.force_authenticate(UserFactory())
    url = reverse("participation-api:survey-responses", args=[survey.public_id])
    body = {"answers": {name(survey, 1): option(survey, 1, "地铁"), name(survey, 2): 35}}
    # when the citizen answers
    response = api_client.post(url, body, format="json")
    # then the response is stored with the chosen option and the number
    assert response.status_code == 201
    stored = SurveyResponse.objects.get()
    assert response.json()["id"] == str(stored.public_id)
    assert {(a.option.text if a.option else str(int(a.number))) for a in stored.answers.all()} == {
        "地铁",
        "35",
    }
    # when the citizen answers again
    again = api_client.post(url, body, format="json")
    # then it is a conflict and nothing more is stored
    assert again.status_code == 409
    assert again.json()["code"] == "survey_already_answered"
    assert SurveyResponse.objects.count() == 1


def test_errors_come_back_per_question_field(api_client):
    # given an open survey and a signed-in citizen
    survey = survey_with(QUESTIONS)
    api_client.force_authenticate(UserFactory())
    url = reverse("participation-api:survey-responses", args=[survey.public_id])
    # when the required choice is left out and the age is out of range
    response = api_client.post(url, {"answers": {name(survey, 2): 200}}, format="json")
    # then each question's field carries its message, and nothing is stored
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_failed"
    assert body["fields"][name(survey, 1)] == ["此题为必答题。"]
    assert name(survey, 2) in body["fields"]
    assert not SurveyResponse.objects.exists()
    # when the body has no answers object
    malformed = api_client.post(url, {"answers": "地铁"}, format="json")
    # then the answers field is named
    assert malformed.status_code == 400 and "answers" in malformed.json()["fields"]


def test_signed_out_draft_and_closed_surveys_take_no_answers(api_client):
    # given a draft survey
    draft = survey_with(QUESTIONS, opened=False)
    url = reverse("participation-api:survey-responses", args=[draft.public_id])
    body = {"answers": {name(draft, 1): option(draft, 1, "公交")}}
    # when a signed-out client answers
    # then it must sign in
    assert api_client.post(url, body, format="json").status_code in (401, 403)
    # when a signed-in client answers the draft
    api_client.force_authenticate(UserFactory())
    # then it is not found
    assert api_client.post(url, body, format="json").status_code == 404
    assert question(draft, 1).answers.count() == 0
