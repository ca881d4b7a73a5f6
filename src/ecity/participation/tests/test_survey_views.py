"""The survey pages: the public list and taking a survey without JavaScript."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecity.identity.tests.factories import UserFactory
from ecity.participation.models import SurveyResponse
from ecity.participation.tests.survey_factories import name, option, survey_with

pytestmark = pytest.mark.django_db


def test_taking_a_survey_shows_errors_beside_questions_then_accepts_answers(client):
    # given a real-name survey with a required choice and a ranking, and a signed-in citizen
    survey = survey_with(
        [
            {
                "kind": "single_choice",
                "text": "出行方式",
                "options": ["公交", "地铁"],
                "is_required": True,
            },
            {"kind": "ranking", "text": "优先事项", "options": ["治安", "环境"]},
        ]
    )
    client.force_login(UserFactory())
    url = reverse("participation:survey_take", args=[survey.public_id])
    # when the form is sent without the required answer
    page = client.post(url, {f"{name(survey, 2)}-{option(survey, 2, '治安')}": "1"})
    # then the page shows the summary and the messages, keeps nothing
    assert page.status_code == 400
    html = page.content.decode()
    assert "此题为必答题。" in html and "请将每个选项排在不同的位置（1 到 2）。" in html
    assert not SurveyResponse.objects.exists()
    # when the form is sent complete
    done = client.post(
        url,
        {
            name(survey, 1): option(survey, 1, "地铁"),
            f"{name(survey, 2)}-{option(survey, 2, '治安')}": "2",
            f"{name(survey, 2)}-{option(survey, 2, '环境')}": "1",
        },
    )
    # then the answers are stored with the ranking in the given order
    assert done.status_code == 302
    response = SurveyResponse.objects.get()
    assert [
        a.option.text for a in response.answers.filter(rank__isnull=False).order_by("rank")
    ] == [
        "环境",
        "治安",
    ]
    # and the list shows the survey
    listing = client.get(reverse("participation:survey_list"))
    assert listing.status_code == 200 and "市民满意度调查" in listing.content.decode()


RATING_QUESTION = [
    {"kind": "rating_scale", "text": "总体满意度", "scale_max": 5, "is_required": True}
]


def test_anonymous_survey_page_recognises_a_browser_that_already_answered(client):
    # given an anonymous survey with one answer per person, opened by a visitor's browser
    survey = survey_with(RATING_QUESTION, is_anonymous=True)
    url = reverse("participation:survey_take", args=[survey.public_id])
    first = client.get(url)
    assert first.status_code == 200 and "ecity_survey_device" in first.cookies
    # when the visitor answers
    done = client.post(url, {name(survey, 1): "4"})
    assert done.status_code == 302
    # then the same browser is told it already answered, and a second answer is refused
    again = client.get(url)
    assert again.status_code == 200 and "您已参加过本次调查" in again.content.decode()
    repeat = client.post(url, {name(survey, 1): "1"})
    assert repeat.status_code == 400 and "您已参加过本次调查" in repeat.content.decode()
    assert SurveyResponse.objects.filter(survey=survey).count() == 1


def test_a_forged_device_cookie_counts_as_none(client):
    survey = survey_with(RATING_QUESTION, is_anonymous=True)
    url = reverse("participation:survey_take", args=[survey.public_id])
    client.cookies["ecity_survey_device"] = "made-up-token-without-a-signature"
    response = client.post(url, {name(survey, 1): "4"})
    assert response.status_code == 400
    assert "Cookie" in response.content.decode()
    assert not SurveyResponse.objects.exists()
