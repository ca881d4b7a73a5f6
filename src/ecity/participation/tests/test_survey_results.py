"""Survey results: counts, percentages, averages, matrices, rankings; the Excel export."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from ecity.audit.models import AuditEntry
from ecity.core.errors import PermissionDenied
from ecity.identity.tests.factories import StaffRoleFactory, UserFactory
from ecity.org.models import StaffRole
from ecity.participation.selectors.surveys import survey_results
from ecity.participation.services import surveys as services
from ecity.participation.tests.survey_factories import editor_of, name, option, survey_with

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {"kind": "single_choice", "text": "出行方式", "options": ["公交", "地铁", "步行"]},
    {"kind": "rating_scale", "text": "满意度", "scale_max": 5},
    {"kind": "matrix", "text": "评价", "rows": ["窗口", "网上"], "options": ["好", "差"]},
    {"kind": "ranking", "text": "优先", "options": ["治安", "环境"]},
    {"kind": "number", "text": "年龄"},
]


def _answer(survey, person, bus, rating, window, rank_first, age):  # type: ignore[no-untyped-def]
    services.response_submit(
        actor=person,
        survey=survey,
        raw={
            name(survey, 1): option(survey, 1, bus),
            name(survey, 2): str(rating),
            name(survey, 3): {option(survey, 3, "窗口"): option(survey, 3, window)},
            name(survey, 4): [
                option(survey, 4, rank_first),
                option(survey, 4, "环境" if rank_first == "治安" else "治安"),
            ],
            name(survey, 5): str(age),
        },
    )


@pytest.fixture
def answered():
    # given a survey answered by three citizens (Liu, Chen, Wang)
    survey = survey_with(QUESTIONS)
    people = [UserFactory(real_name=n) for n in ("刘一", "陈二", "王三")]
    _answer(survey, people[0], "公交", 5, "好", "治安", 30)
    _answer(survey, people[1], "公交", 4, "好", "环境", 41)
    _answer(survey, people[2], "地铁", 2, "差", "治安", 20)
    return survey


def test_results_count_shares_averages_matrix_and_ranking(answered):
    # when the results are computed
    results = survey_results(survey=answered)
    choice, rating, matrix, ranking, number = results.questions
    # then the shares are of the three respondents
    assert results.responses == 3
    assert [(b.label, b.count, b.percent) for b in choice.bars] == [
        ("公交", 2, 66.7),
        ("地铁", 1, 33.3),
        ("步行", 0, 0.0),
    ]
    assert rating.average == 3.67
    assert [b.count for b in rating.bars] == [0, 1, 0, 1, 1]
    assert matrix.matrix[0][0] == "窗口"
    assert [(b.label, b.count, b.percent) for b in matrix.matrix[0][1]] == [
        ("好", 2, 66.7),
        ("差", 1, 33.3),
    ]
    assert ranking.ranking == [("治安", 1.33), ("环境", 1.67)]
    assert number.average == 30.33


def test_export_holds_every_response_with_names_for_the_editor_and_is_audited(answered):
    # when the department's editor exports the responses
    content = services.responses_export(actor=editor_of(answered.department), survey=answered)
    # then the workbook has a header and one row per response, with the respondent's name
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "提交时间", "答卷人")
    assert "3. 评价 · 窗口" in rows[0]
    assert [r[2] for r in rows[1:]] == ["刘一", "陈二", "王三"]
    assert rows[1][4:] == ("公交", "5", "好", None, "治安 > 环境", "30")
    # and the export is recorded as an access to personal data
    entry = AuditEntry.objects.get(action="survey.responses_exported")
    assert entry.data == {"responses": 3, "with_names": True}


def test_supervisor_exports_without_names_and_citizens_cannot_export(answered):
    # given the department's supervisor
    supervisor = StaffRoleFactory(
        department=answered.department, role=StaffRole.Role.SUPERVISOR
    ).user
    # when the supervisor exports, then no name column is there
    rows = list(
        load_workbook(
            io.BytesIO(services.responses_export(actor=supervisor, survey=answered))
        ).active.iter_rows(values_only=True)
    )
    assert rows[0][2] == "1. 出行方式"
    assert all("刘一" not in (c or "") for r in rows for c in r if isinstance(c, str))
    # when a citizen tries, then it is refused
    with pytest.raises(PermissionDenied):
        services.responses_export(actor=UserFactory(), survey=answered)
