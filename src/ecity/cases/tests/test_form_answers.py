"""Staff read the answers of an application as the applicant does: labels, not option codes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecity.cases import services
from ecity.cases.tests.conftest import JOINT_SCHEMA
from ecity.cases.tests.workbench_support import make_case, parallel_process
from ecity.catalogue.form_answers import form_answer_text, form_answers
from ecity.catalogue.models import ServiceItemVersion

pytestmark = pytest.mark.django_db

SCHEMA = {
    **JOINT_SCHEMA,
    "properties": {
        **JOINT_SCHEMA["properties"],
        "business_type": {
            "type": "string",
            "title": "主体业态",
            "title_en": "Type of business",
            "enum": ["catering", "retail"],
            "enumNames": ["餐饮服务经营者", "食品销售经营者"],
            "enumNames_en": ["Catering service", "Food retail"],
        },
        "delivery": {
            "type": "string",
            "title": "结果领取方式",
            "enum": ["counter", "post"],
            "enumNames": ["窗口领取", "免费邮寄"],
        },
        "commitment": {"type": "boolean", "title": "已承诺符合卫生要求"},
    },
}
ANSWERS = {
    "applicant_name": "王小明",
    "shop_name": "小明面馆",
    "area": 30.0,
    "business_type": "catering",
    "delivery": "post",
    "commitment": False,
}


@pytest.fixture
def case(joint):
    ServiceItemVersion.objects.filter(pk=joint.version.pk).update(form_schema=SCHEMA)
    joint.version.refresh_from_db()
    parallel_process(joint)
    case = make_case(joint, form_data=ANSWERS)
    services.case_accept(actor=joint.clerk, case=case)
    return case


def test_answer_text_uses_option_labels_yes_no_and_whole_numbers():
    props = SCHEMA["properties"]
    assert form_answer_text(props["delivery"], "post", language="zh-hans") == "免费邮寄"
    assert form_answer_text(props["business_type"], "retail", language="en") == "Food retail"
    # no English labels: the Chinese ones rather than the code
    assert form_answer_text(props["delivery"], "counter", language="en") == "窗口领取"
    assert form_answer_text(props["commitment"], False, language="zh-hans") == "否"
    assert form_answer_text(props["commitment"], True, language="en") == "Yes"
    assert form_answer_text(props["area"], 30.0, language="zh-hans") == "30"
    assert form_answer_text(props["delivery"], "unknown", language="zh-hans") == "unknown"


def test_answers_follow_the_form_order_with_labels():
    rows = form_answers(SCHEMA, {"delivery": "post", "applicant_name": "王小明"}, language="en")
    assert [(r.name, r.label, r.text) for r in rows] == [
        ("applicant_name", "Applicant name", "王小明"),
        ("delivery", "结果领取方式", "免费邮寄"),
    ]


def test_staff_case_page_shows_labels_not_codes(client, joint, case):
    # given a reviewer of a department that handles the case
    client.force_login(joint.health_reviewer)

    # when the case page is shown
    page = client.get(reverse("cases:workbench_case", kwargs={"number": case.number}))

    # then the answers read as the applicant chose them
    body = page.content.decode()
    assert page.status_code == 200
    assert "<dd>餐饮服务经营者</dd>" in body and "<dd>免费邮寄</dd>" in body
    assert "<dd>否</dd>" in body and "<dd>30</dd>" in body
    assert "<dd>catering</dd>" not in body and "<dd>post</dd>" not in body
    assert "<dd>False</dd>" not in body


def test_staff_api_gives_the_answers_with_labels_next_to_the_data(api_client, joint, case):
    api_client.force_authenticate(joint.health_reviewer)

    response = api_client.get(f"/api/v1/cases/workbench/cases/{case.number}/")

    assert response.status_code == 200
    assert response.json()["form_data"]["delivery"] == "post"  # the data stays as stored
    answers = {a["name"]: a for a in response.json()["form_answers"]}
    assert answers["delivery"] == {
        "name": "delivery",
        "label": "结果领取方式",
        "value": "post",
        "text": "免费邮寄",
    }
    assert answers["commitment"]["text"] == "否"


def test_applicant_api_and_page_give_the_same_labels(client, api_client, joint, case):
    api_client.force_authenticate(joint.citizen)
    client.force_login(joint.citizen)

    response = api_client.get(f"/api/v1/cases/my/{case.number}/")
    page = client.get(reverse("cases:detail", args=[case.number]))

    assert response.status_code == 200
    answers = {a["name"]: a["text"] for a in response.json()["form_answers"]}
    assert answers["business_type"] == "餐饮服务经营者" and answers["commitment"] == "否"
    assert page.status_code == 200
    assert "<dd>餐饮服务经营者</dd>" in page.content.decode()
