"""Pages and API: the request form, the applicant's view, staff isolation and actions."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.urls import reverse

from ecity.disclosure.models import DisclosureRequest, ReplyType
from ecity.disclosure.services.replies import ReplyInput, request_reply
from ecity.disclosure.services.requests import request_extend
from ecity.disclosure.tests.factories import head_of, staff_of, submit
from ecity.identity.tests.factories import DepartmentFactory, UserFactory, id_number_for

pytestmark = pytest.mark.django_db


def form_data(department, **overrides):
    data = {
        "department": department.pk,
        "applicant_type": "person",
        "name": "王小明",
        "id_number": id_number_for(3),
        "phone": "13912345678",
        "description": "幸福路拓宽工程环评报告",
        "medium": "electronic",
        "delivery": "online",
    }
    data.update(overrides)
    return data


def test_form_without_identity_shows_field_errors_and_stores_nothing(client):
    department = DepartmentFactory()
    page = client.post(
        reverse("disclosure:request_form"), form_data(department, name="", id_number="")
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "error-summary" in html
    assert "请填写您的姓名" in html or "Enter your name" in html
    assert DisclosureRequest.objects.count() == 0


def test_anonymous_applicant_sees_the_request_with_its_query_code_then_by_lookup(client):
    department = DepartmentFactory()
    sent = client.post(reverse("disclosure:request_form"), form_data(department))
    request = DisclosureRequest.objects.get()
    assert sent.status_code == 302
    page = client.get(sent["Location"])
    assert request.query_code in page.content.decode()
    # a new browser needs the number and query code
    other = client.__class__()
    url = reverse("disclosure:request_detail", kwargs={"number": request.number})
    assert other.get(url).status_code == 404
    found = other.post(
        reverse("disclosure:lookup"), {"number": request.number, "query_code": request.query_code}
    )
    assert found.status_code == 302
    assert other.get(url).status_code == 200


def test_applicant_downloads_the_reply_from_the_personal_page(client):
    department = DepartmentFactory()
    applicant = UserFactory()
    request = submit(department, applicant=applicant)
    request_reply(
        actor=staff_of(department),
        request=request,
        data=ReplyInput(reply_type=ReplyType.DISCLOSED, content="同意公开"),
    )
    client.force_login(applicant)
    mine = client.get(reverse("disclosure:my_requests"))
    assert request.number in mine.content.decode()
    pdf = client.get(reverse("disclosure:reply_pdf", kwargs={"number": request.number}))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    verified = client.post(
        reverse("disclosure:reply_verify"),
        {"document": __import__("io").BytesIO(pdf.content)},
    )
    assert verified.status_code == 200


def test_staff_of_department_b_cannot_open_or_act_on_a_request_of_a(client):
    department_a, department_b = DepartmentFactory(), DepartmentFactory()
    request = submit(department_a)
    client.force_login(head_of(department_b))
    worklist = client.get(reverse("disclosure:staff_worklist"))
    assert worklist.status_code == 200
    assert request.number not in worklist.content.decode()
    url = reverse("disclosure:staff_request", kwargs={"number": request.number})
    assert client.get(url).status_code == 404
    action = reverse(
        "disclosure:staff_request_action", kwargs={"number": request.number, "action": "extend"}
    )
    assert client.post(action, {"days": 20, "reason": "会商"}).status_code == 404
    request.refresh_from_db()
    assert request.extension_days == 0


def test_head_extends_and_staff_reply_through_the_pages(client):
    department = DepartmentFactory()
    request = submit(department)
    client.force_login(head_of(department))
    base = {"number": request.number}
    assert client.get(reverse("disclosure:staff_request", kwargs=base)).status_code == 200
    client.post(
        reverse("disclosure:staff_request_action", kwargs={**base, "action": "extend"}),
        {"days": 20, "reason": "需要征求第三方意见"},
    )
    refused = client.post(
        reverse("disclosure:staff_request_action", kwargs={**base, "action": "reply"}),
        {"reply_type": "partially_disclosed", "content": "部分公开"},
    )
    assert refused.status_code == 400
    done = client.post(
        reverse("disclosure:staff_request_action", kwargs={**base, "action": "reply"}),
        {
            "reply_type": "partially_disclosed",
            "content": "部分公开",
            "withheld": "第三方商业秘密",
            "reason": "第三方不同意公开",
            "legal_ground": "第十五条",
        },
    )
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.extension_days == 20
    assert request.reply.reply_type == ReplyType.PARTIALLY_DISCLOSED


def test_api_files_a_request_and_reads_its_status(client):
    department = DepartmentFactory(code="ENV")
    refused = client.post(
        "/api/v1/disclosure/requests/",
        {"department": "ENV", "applicant_type": "person", "medium": "paper", "delivery": "pickup"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert {"name", "id_number", "phone", "description"} <= set(refused.json()["fields"])
    created = client.post(
        "/api/v1/disclosure/requests/",
        {**form_data(department), "department": "ENV"},
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    status = client.post(
        "/api/v1/disclosure/requests/status/",
        {"number": body["number"], "query_code": body["query_code"]},
        content_type="application/json",
    )
    assert status.status_code == 200
    assert status.json()["status"] == "received"
    wrong = client.post(
        "/api/v1/disclosure/requests/status/",
        {"number": body["number"], "query_code": "ZZZZZZZZ"},
        content_type="application/json",
    )
    assert wrong.status_code == 404


def test_header_links_disclosure_staff_to_their_worklist_and_no_one_else(client):
    department = DepartmentFactory()
    worklist = f'href="{reverse("disclosure:staff_worklist")}"'
    client.force_login(staff_of(department))
    staff_page = client.get(reverse("disclosure:index"))
    assert staff_page.status_code == 200
    assert worklist in staff_page.content.decode()
    client.force_login(UserFactory())
    citizen_page = client.get(reverse("disclosure:index"))
    assert citizen_page.status_code == 200
    assert worklist not in citizen_page.content.decode()


def test_each_form_of_the_heads_request_page_has_its_own_field_ids(client):
    # the extension and the reply both have a "reason": one id would label the other's field
    department = DepartmentFactory()
    request = submit(department)
    client.force_login(head_of(department))
    page = client.get(reverse("disclosure:staff_request", kwargs={"number": request.number}))
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        'action="'
        + reverse(
            "disclosure:staff_request_action", kwargs={"number": request.number, "action": "extend"}
        )
        in html
    )
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    for field_id in re.findall(r'<label for="([^"]+)"', html):
        assert field_id in ids


def test_a_second_extension_from_a_page_opened_before_the_first_says_why_it_is_refused(client):
    department = DepartmentFactory()
    head = head_of(department)
    request = request_extend(
        actor=head, request=submit(department), days=20, reason="征求第三方意见"
    )
    client.force_login(head)
    refused = client.post(
        reverse(
            "disclosure:staff_request_action",
            kwargs={"number": request.number, "action": "extend"},
        ),
        {"days": 10, "reason": "再延长"},
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "error-summary" in html
    assert "已延长过一次" in html or "already been extended once" in html
    request.refresh_from_db()
    assert request.extension_days == 20


def test_applicant_sees_what_a_partial_disclosure_withheld_and_on_which_ground(client):
    department = DepartmentFactory()
    applicant = UserFactory()
    request = submit(department, applicant=applicant)
    request_reply(
        actor=staff_of(department),
        request=request,
        data=ReplyInput(
            reply_type=ReplyType.PARTIALLY_DISCLOSED,
            content="抽检结果见附件。",
            withheld="不合格商户负责人的身份证号码",
            reason="涉及个人隐私",
            legal_ground="《政府信息公开条例》第十五条",
        ),
    )
    client.force_login(applicant)
    page = client.get(reverse("disclosure:request_detail", kwargs={"number": request.number}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "抽检结果见附件。" in html
    assert "不合格商户负责人的身份证号码" in html
    assert "涉及个人隐私" in html
    assert "《政府信息公开条例》第十五条" in html


def test_the_form_starts_with_a_verified_residents_own_identity(client):
    resident = UserFactory(
        is_real_name_verified=True, real_name="周晓梅", id_number=id_number_for(41)
    )

    anonymous = client.get(reverse("disclosure:request_form")).content.decode()
    client.force_login(resident)
    signed_in = client.get(reverse("disclosure:request_form")).content.decode()

    assert "周晓梅" not in anonymous
    assert 'value="周晓梅"' in signed_in
    assert f'value="{id_number_for(41)}"' in signed_in
    assert re.search(r'value="person"[^>]*checked', signed_in)
