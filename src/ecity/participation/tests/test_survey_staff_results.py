"""Survey results pages: staff see charts, averages, matrices, rankings and free texts, and
download the responses; the public sees a closed survey's results only when published."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecity.audit.models import AuditEntry
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory, UserFactory
from ecity.org.models import StaffRole
from ecity.participation.exports import XLSX_TYPE
from ecity.participation.services import surveys as services
from ecity.participation.tests.survey_factories import editor_of, name, option, survey_with

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {"kind": "single_choice", "text": "出行方式", "options": ["公交", "地铁"]},
    {"kind": "rating_scale", "text": "满意度", "scale_max": 5},
    {"kind": "matrix", "text": "评价", "rows": ["窗口"], "options": ["好", "差"]},
    {"kind": "ranking", "text": "优先", "options": ["治安", "环境"]},
    {"kind": "short_text", "text": "建议"},
]


def _answer(survey, bus, rating, window, first, text):  # type: ignore[no-untyped-def]
    services.response_submit(
        actor=UserFactory(),
        survey=survey,
        raw={
            name(survey, 1): option(survey, 1, bus),
            name(survey, 2): str(rating),
            name(survey, 3): {option(survey, 3, "窗口"): option(survey, 3, window)},
            name(survey, 4): [
                option(survey, 4, first),
                option(survey, 4, "环境" if first == "治安" else "治安"),
            ],
            name(survey, 5): text,
        },
    )


@pytest.fixture
def answered():
    # given a survey with public results answered by four citizens
    survey = survey_with(QUESTIONS, are_results_public=True)
    _answer(survey, "公交", 5, "好", "治安", "增加夜班车")
    _answer(survey, "公交", 4, "好", "环境", "站台加顶棚")
    _answer(survey, "公交", 3, "差", "治安", "")
    _answer(survey, "地铁", 2, "好", "治安", "")
    return survey


def test_staff_results_show_counts_percentages_averages_and_free_texts(client, answered):
    # when the department's editor opens the results
    client.force_login(editor_of(answered.department))
    page = client.get(reverse("participation:staff_survey_results", args=[answered.public_id]))
    # then each bar has its count and share as text, and its SVG width is the share
    assert page.status_code == 200
    html = page.content.decode()
    assert "3 人作答（75.0%）" in html and "1 人作答（25.0%）" in html
    assert 'width="75.0%"' in html
    # and the rating average, the matrix cell, the ranking places and the free texts show
    assert "<strong>3.5</strong>" in html
    assert "3 (75.0%)" in html  # 3 of 4 rated the window 好
    assert "治安: 1.25" in html
    assert "增加夜班车" in html and "站台加顶棚" in html
    assert reverse("participation:staff_survey_export", args=[answered.public_id]) in html


def test_excel_download_is_a_workbook_and_is_audited(client, answered):
    # given the department's editor
    client.force_login(editor_of(answered.department))
    # when the editor downloads the responses
    download = client.get(reverse("participation:staff_survey_export", args=[answered.public_id]))
    # then an Excel file comes back and the access is recorded
    assert download.status_code == 200
    assert download["Content-Type"] == XLSX_TYPE
    assert download["Content-Disposition"].startswith("attachment;")
    assert download.content[:2] == b"PK"
    assert AuditEntry.objects.get(action="survey.responses_exported").data["responses"] == 4


def test_supervisor_reads_results_but_other_staff_and_citizens_do_not(client, answered):
    # given a supervisor of the department
    supervisor = StaffRoleFactory(
        department=answered.department, role=StaffRole.Role.SUPERVISOR
    ).user
    client.force_login(supervisor)
    url = reverse("participation:staff_survey_results", args=[answered.public_id])
    # then the supervisor reads the results
    assert client.get(url).status_code == 200
    # and an editor of another department and a citizen find neither the page nor the download
    export = reverse("participation:staff_survey_export", args=[answered.public_id])
    for person in (editor_of(DepartmentFactory()), UserFactory()):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.get(export).status_code == 404
    assert not AuditEntry.objects.filter(action="survey.responses_exported").exists()


def test_public_results_only_once_closed_and_without_free_texts(client, answered):
    url = reverse("participation:survey_results", args=[answered.public_id])
    # when anyone asks for the results of the open survey
    # then they are not found yet
    assert client.get(url).status_code == 404
    # when the survey is closed
    services.survey_close(actor=editor_of(answered.department), survey=answered)
    page = client.get(url)
    # then the public sees the charts but not the free texts
    assert page.status_code == 200
    html = page.content.decode()
    assert "3 人作答（75.0%）" in html
    assert "增加夜班车" not in html


def test_closed_survey_without_public_results_has_no_public_page(client):
    # given a closed survey whose results are not published
    survey = survey_with([{"kind": "short_text", "text": "建议"}])
    services.survey_close(actor=editor_of(survey.department), survey=survey)
    # when anyone asks for its results
    page = client.get(reverse("participation:survey_results", args=[survey.public_id]))
    # then they are not found
    assert page.status_code == 404
