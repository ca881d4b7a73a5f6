"""Answering a survey: the rules of each question type and conditional questions."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ecity.core.errors import ValidationFailed
from ecity.identity.tests.factories import UserFactory
from ecity.participation.models import SurveyAnswer
from ecity.participation.services.survey_questions import QuestionData, question_add
from ecity.participation.services.surveys import response_submit
from ecity.participation.tests.survey_factories import D, name, option, survey_with

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _errors(survey, raw):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as caught:
        response_submit(actor=UserFactory(), survey=survey, raw=raw)
    return caught.value.fields


def test_required_question_left_empty_is_refused_and_nothing_is_stored():
    # given a survey with a required text question and an optional number question
    survey = survey_with(
        [
            {"kind": "short_text", "text": "您的建议", "is_required": True},
            {"kind": "number", "text": "年龄"},
        ]
    )
    # when only the optional question is answered
    fields = _errors(survey, {name(survey, 2): "30"})
    # then the required question carries the message and no answer was written
    assert fields == {name(survey, 1): ["此题为必答题。"]}
    assert SurveyAnswer.objects.count() == 0


def test_single_choice_accepts_one_of_its_options_only():
    # given a single choice question
    survey = survey_with(
        [{"kind": "single_choice", "text": "出行方式", "options": ["公交", "地铁"]}]
    )
    # when an unknown option is sent, then it is refused
    assert _errors(survey, {name(survey, 1): "not-an-option"}) == {
        name(survey, 1): ["请从选项中选择一项。"]
    }
    # when a real option is sent, then it is stored
    response = response_submit(
        actor=UserFactory(), survey=survey, raw={name(survey, 1): option(survey, 1, "地铁")}
    )
    assert [a.option.text for a in response.answers.all()] == ["地铁"]


def test_multiple_choice_counts_are_kept_within_min_and_max():
    # given a multiple choice question taking 2 to 3 of four options
    survey = survey_with(
        [
            {
                "kind": "multiple_choice",
                "text": "关注的领域",
                "options": ["教育", "医疗", "交通", "住房"],
                "min_choices": 2,
                "max_choices": 3,
            }
        ]
    )
    field = name(survey, 1)
    ids = [option(survey, 1, t) for t in ["教育", "医疗", "交通", "住房"]]
    # when one or four are chosen, then the limits are named
    assert _errors(survey, {field: ids[:1]}) == {field: ["请至少选择 2 项。"]}
    assert _errors(survey, {field: ids}) == {field: ["最多选择 3 项。"]}
    # when three are chosen (one twice), then three rows are stored in option order
    response = response_submit(
        actor=UserFactory(), survey=survey, raw={field: [ids[2], ids[0], ids[1], ids[0]]}
    )
    assert [a.option.text for a in response.answers.order_by("option__position")] == [
        "教育",
        "医疗",
        "交通",
    ]


def test_short_text_is_one_line_within_200_characters_and_long_text_keeps_lines():
    # given a short and a long text question
    survey = survey_with(
        [{"kind": "short_text", "text": "姓名称呼"}, {"kind": "long_text", "text": "详细意见"}]
    )
    # when the short text is too long or has a line break, then it is refused
    assert _errors(survey, {name(survey, 1): "长" * 201}) == {
        name(survey, 1): ["回答请不超过 200 个字（现为 201 个字）。"]
    }
    assert _errors(survey, {name(survey, 1): "一\n二"}) == {name(survey, 1): ["请在一行内作答。"]}
    # when the long text has several lines, then they are kept
    response = response_submit(
        actor=UserFactory(), survey=survey, raw={name(survey, 2): "第一行\n第二行"}
    )
    assert response.answers.get().text == "第一行\n第二行"


def test_number_must_be_a_number_within_the_range():
    # given a number question from 0 to 120
    survey = survey_with(
        [{"kind": "number", "text": "年龄", "min_value": D(0), "max_value": D(120)}]
    )
    field = name(survey, 1)
    # when text, a negative number or a too large one is sent, then each is refused
    assert _errors(survey, {field: "三十"}) == {field: ["请输入数字，例如 12 或 3.5。"]}
    assert _errors(survey, {field: "-1"}) == {field: ["请输入不小于 0 的数字。"]}
    assert _errors(survey, {field: "121"}) == {field: ["请输入不大于 120 的数字。"]}
    # when 35.5 is sent, then it is stored as a number
    response = response_submit(actor=UserFactory(), survey=survey, raw={field: "35.5"})
    assert response.answers.get().number == D("35.5")


def test_rating_scale_takes_whole_values_of_its_scale():
    # given a 1–5 rating scale
    survey = survey_with(
        [
            {
                "kind": "rating_scale",
                "text": "满意度",
                "scale_max": 5,
                "scale_min_label": "很不满意",
                "scale_max_label": "很满意",
            }
        ]
    )
    field = name(survey, 1)
    # when 6 or 0 is sent, then it is refused
    assert _errors(survey, {field: "6"}) == {field: ["请选择 1 到 5 之间的分值。"]}
    assert _errors(survey, {field: 0}) == {field: ["请选择 1 到 5 之间的分值。"]}
    # when 4 is sent, then it is stored
    assert (
        response_submit(actor=UserFactory(), survey=survey, raw={field: "4"}).answers.get().number
        == 4
    )


def test_required_matrix_needs_every_row_with_a_known_column():
    # given a required matrix of two rows and three columns
    survey = survey_with(
        [
            {
                "kind": "matrix",
                "text": "对各项服务的评价",
                "is_required": True,
                "rows": ["窗口服务", "网上办事"],
                "options": ["好", "一般", "差"],
            }
        ]
    )
    field = name(survey, 1)
    row1, row2 = option(survey, 1, "窗口服务"), option(survey, 1, "网上办事")
    good, bad = option(survey, 1, "好"), option(survey, 1, "差")
    # when a row is missing or a column unknown, then it is refused
    assert _errors(survey, {field: {row1: good}}) == {field: ["请回答每一行（“网上办事”未作答）。"]}
    assert _errors(survey, {field: {row1: good, row2: "x"}}) == {field: ["每一行请选择一列。"]}
    # when both rows are answered, then one cell per row is stored
    response = response_submit(
        actor=UserFactory(), survey=survey, raw={field: {row1: good, row2: bad}}
    )
    assert sorted((a.row.text, a.option.text) for a in response.answers.all()) == [
        ("窗口服务", "好"),
        ("网上办事", "差"),
    ]


def test_ranking_must_place_every_option_once():
    # given a ranking of three options
    survey = survey_with(
        [{"kind": "ranking", "text": "优先事项", "options": ["治安", "环境", "交通"]}]
    )
    field = name(survey, 1)
    ids = {t: option(survey, 1, t) for t in ["治安", "环境", "交通"]}
    # when an option is left out or repeated, then it is refused
    message = {field: ["请将每个选项排在不同的位置（1 到 3）。"]}
    assert _errors(survey, {field: [ids["治安"], ids["环境"]]}) == message
    assert _errors(survey, {field: [ids["治安"], ids["治安"], ids["交通"]]}) == message
    # when all are ordered, then their ranks are stored
    response = response_submit(
        actor=UserFactory(), survey=survey, raw={field: [ids["交通"], ids["治安"], ids["环境"]]}
    )
    assert [(a.rank, a.option.text) for a in response.answers.order_by("rank")] == [
        (1, "交通"),
        (2, "治安"),
        (3, "环境"),
    ]


def test_file_upload_checks_the_content_and_the_size_limit():
    # given a file question limited to 1 MB
    survey = survey_with([{"kind": "file_upload", "text": "现场照片", "max_file_mb": 1}])
    field = name(survey, 1)
    # when a script named .png is sent, then its content is refused
    script = SimpleUploadedFile("photo.png", b"#!/bin/sh\nrm -rf /\n")
    assert _errors(survey, {field: script}) == {
        field: ["此文件的内容不是可接受的类型。可接受的类型：PDF, JPEG, PNG。"]
    }
    # when a PNG larger than 1 MB is sent, then it is refused
    large = SimpleUploadedFile("photo.png", PNG + b"\x00" * (1024 * 1024))
    assert "1 MB" in _errors(survey, {field: large})[field][0]
    # when a small PNG is sent, then it is stored under a generated name
    response = response_submit(
        actor=UserFactory(), survey=survey, raw={field: SimpleUploadedFile("照片.png", PNG)}
    )
    answer = response.answers.get()
    assert (answer.file_name, answer.file_type) == ("照片.png", "image/png")
    assert answer.file.startswith("participation/surveys/") and answer.file.endswith(".png")


def test_hidden_conditional_question_is_not_required_and_its_answer_is_dropped():
    # given question 2 (required) shown only when question 1 is answered "是"
    survey = survey_with(
        [{"kind": "single_choice", "text": "是否使用过12345热线", "options": ["是", "否"]}],
        opened=False,
    )
    from ecity.participation.services import surveys as services
    from ecity.participation.tests.survey_factories import editor_of, question

    editor = editor_of(survey.department)
    first = question(survey, 1)
    question_add(
        actor=editor,
        survey=survey,
        data=QuestionData(
            kind="short_text",
            text="热线办理的问题",
            is_required=True,
            condition_question=first,
            condition_options=list(first.options.filter(text="是")),
        ),
    )
    survey = services.survey_open(actor=editor, survey=survey)
    yes, no = option(survey, 1, "是"), option(survey, 1, "否")
    # when "否" is chosen and question 2 is answered anyway
    response = response_submit(
        actor=UserFactory(), survey=survey, raw={name(survey, 1): no, name(survey, 2): "不该保存"}
    )
    # then only question 1's answer is stored
    assert [a.question.position for a in response.answers.all()] == [1]
    # when "是" is chosen without answering question 2, then question 2 is required
    assert _errors(survey, {name(survey, 1): yes}) == {name(survey, 2): ["此题为必答题。"]}
