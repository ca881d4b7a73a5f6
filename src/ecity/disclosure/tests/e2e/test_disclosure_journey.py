"""Disclosure on request (依申请公开) in a real browser, from the request to the verified reply.

A verified resident logs in and files a request to the market regulation bureau from their
personal page, and is given its number and query code. The bureau's reviewer (disclosure staff)
finds it in the worklist linked from the header; only the head (role *approver*) may extend the
time limit, which they do once; a second extension, sent from a page opened before the first,
is refused with a message saying why. The reviewer answers 部分公开 with the part withheld, the
reason and the legal ground, which issues the signed PDF reply. The resident reads the reply on
the request page, downloads the PDF and the public verification page confirms it.

Staff log in with a TOTP code (their roles see the applicant's personal data). axe-core runs on
the request form, the resident's request page and the staff request page; the resident's page
is also checked on a phone (390×844).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from ecity.cases.tests.e2e.steps import enrol_authenticator, log_in, nav
from ecity.demo.data.accounts import DEMO_PASSWORD
from ecity.disclosure.models import DisclosureRequest, ReplyType
from ecity.identity.tests.factories import (
    DepartmentFactory,
    StaffRoleFactory,
    StaffUserFactory,
    UserFactory,
    id_number_for,
)
from ecity.org.models import StaffRole
from ecity.testing.e2e import assert_accessible, assert_no_horizontal_overflow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DEPARTMENT = "示范市市场监督管理局"
DESCRIPTION = "2025年幸福路农贸市场食品安全监督抽检的结果及不合格商户的处理决定。"
PURPOSE = "了解小区附近农贸市场的食品安全情况"
EXTENSION_REASON = "需征求被抽检商户（第三方）的意见"
WITHHELD = "不合格商户负责人的身份证号码和联系电话"
REASON = "涉及个人隐私，公开会对第三方合法权益造成损害"
LEGAL_GROUND = "《中华人民共和国政府信息公开条例》第十五条"
REPLY_HEADING = "答复: 部分公开"
REPLY = "现将抽检结果及处理决定提供给您（电子件，网上获取），其中涉及个人隐私的部分不予公开。"


def _people() -> dict[str, Any]:
    """The bureau, its reviewer and head (with authenticators) and a verified resident."""
    department = DepartmentFactory(code="SCJ", name_zh=DEPARTMENT)
    reviewer = StaffUserFactory(username="gk_reviewer", real_name="钱磊", password=DEMO_PASSWORD)
    head = StaffUserFactory(username="gk_head", real_name="周强", password=DEMO_PASSWORD)
    StaffRoleFactory(user=reviewer, department=department, role=StaffRole.Role.REVIEWER)
    StaffRoleFactory(user=head, department=department, role=StaffRole.Role.APPROVER)
    resident = UserFactory(
        username="wangxm",
        real_name="王小明",
        id_number=id_number_for(7),
        phone="13912345678",
        is_real_name_verified=True,
        password=DEMO_PASSWORD,
    )
    return {
        "resident": resident,
        "reviewer_secret": enrol_authenticator("gk_reviewer"),
        "head_secret": enrol_authenticator("gk_head"),
    }


def _section(page: Any, heading: str) -> Any:
    """The section of the page whose level-2 heading is ``heading``."""
    return page.locator("section").filter(
        has=page.get_by_role("heading", level=2, name=heading, exact=True)
    )


def _shot(page: Any, artifacts, name: str) -> None:
    page.screenshot(path=str(artifacts / f"disclosure-{name}.png"), full_page=True)


def test_resident_requests_head_extends_once_staff_partially_disclose_and_the_reply_verifies(
    live_server, new_page, artifacts, tmp_path
):
    from playwright.sync_api import expect

    base = live_server.url
    people = _people()

    # --- The resident files the request from their personal page -----------------------------
    resident = new_page()
    log_in(resident, base, "wangxm")
    nav(resident, "我的").click()
    resident.get_by_role("link", name="申请公开政府信息").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text("申请公开政府信息")
    assert_accessible(resident)
    resident.get_by_label("申请的行政机关").select_option(label=DEPARTMENT)
    resident.get_by_role("radio", name="自然人").check()
    resident.get_by_label("名称", exact=True).fill("王小明")
    resident.get_by_label("公民身份号码（公民）").fill(people["resident"].id_number)
    resident.get_by_label("电话", exact=True).fill("13912345678")
    resident.get_by_label("所需政府信息的名称、文号或描述").fill(DESCRIPTION)
    resident.get_by_label("用途（选填）").fill(PURPOSE)
    resident.get_by_role("radio", name="电子件").check()
    resident.get_by_role("radio", name="网上获取").check()
    _shot(resident, artifacts, "request-form")
    resident.get_by_role("button", name="提交申请").click()
    resident.wait_for_url(re.compile(r"/disclosure/requests/GK-[^/]+/\?sent=1$"))

    request = DisclosureRequest.objects.get()
    assert request.number.startswith("GK-") and "-SCJ-" in request.number
    assert request.applicant == people["resident"]
    expect(resident.get_by_role("heading", level=1)).to_have_text(
        f"政府信息公开申请 {request.number}"
    )
    received = resident.get_by_role("status").filter(has_text=request.number)
    expect(received).to_contain_text(request.query_code)
    expect(resident.get_by_role("main")).to_contain_text(DESCRIPTION)
    _shot(resident, artifacts, "request-received")
    request_path = reverse("disclosure:request_detail", kwargs={"number": request.number})

    # --- The reviewer finds it in the department's worklist ----------------------------------
    reviewer = new_page()
    log_in(reviewer, base, "gk_reviewer", totp_secret=people["reviewer_secret"])
    nav(reviewer, "政府信息公开申请").click()
    expect(reviewer.get_by_role("heading", level=1)).to_have_text("政府信息公开申请")
    reviewer.get_by_role("link", name=request.number).click()
    expect(reviewer.get_by_role("heading", level=1)).to_have_text(
        f"政府信息公开申请 {request.number}"
    )
    # the staff page shows the applicant in full (the second factor guards it)
    expect(reviewer.get_by_role("main")).to_contain_text(people["resident"].id_number)
    # only the head approves an extension: the reviewer is not offered it
    expect(reviewer.get_by_role("heading", name="延长答复期限")).to_have_count(0)
    assert_accessible(reviewer)
    _shot(reviewer, artifacts, "staff-request")

    # --- The head extends the limit once; a second extension is refused ----------------------
    head = new_page()
    log_in(head, base, "gk_head", totp_secret=people["head_secret"])
    staff_path = reverse("disclosure:staff_request", kwargs={"number": request.number})
    head.goto(f"{base}{staff_path}")
    stale = head.context.new_page()  # the same page, opened earlier in another tab
    stale.goto(f"{base}{staff_path}")
    extend = _section(head, "延长答复期限")
    expect(extend.get_by_label("工作日")).to_have_value("20")
    extend.get_by_label("事由").fill(EXTENSION_REASON)
    extend.get_by_role("button", name="批准延长").click()
    expect(head.get_by_role("main")).to_contain_text("已延长 20 个工作日")
    expect(head.get_by_role("main")).to_contain_text(EXTENSION_REASON)
    expect(head.get_by_role("heading", name="延长答复期限")).to_have_count(0)
    request.refresh_from_db()
    assert request.extension_days == 20
    extended_due = request.due_on

    again = _section(stale, "延长答复期限")
    again.get_by_label("工作日").fill("10")
    again.get_by_label("事由").fill("再延长十个工作日")
    again.get_by_role("button", name="批准延长").click()
    expect(stale.get_by_role("alert")).to_contain_text("该申请的答复期限已延长过一次。")
    _shot(stale, artifacts, "second-extension-refused")
    stale.close()
    request.refresh_from_db()
    assert (request.extension_days, request.due_on) == (20, extended_due)

    # --- The reviewer answers 部分公开 -------------------------------------------------------
    reviewer.reload()
    expect(reviewer.get_by_role("main")).to_contain_text("已延长 20 个工作日")
    answer = _section(reviewer, "答复")
    answer.get_by_label("答复类型").select_option(label="部分公开")
    answer.get_by_label("答复内容").fill(REPLY)
    answer.get_by_role("button", name="出具加签答复书").click()
    # partial disclosure needs what is withheld, why, and the legal ground
    summary = reviewer.get_by_role("alert")
    expect(summary).to_contain_text("请说明不予公开的部分。")
    expect(summary).to_contain_text("请写明法律依据")
    answer = _section(reviewer, "答复")
    expect(answer.get_by_label("答复类型")).to_have_value(ReplyType.PARTIALLY_DISCLOSED)
    answer.get_by_label("不予公开的部分（部分公开）").fill(WITHHELD)
    answer.get_by_label("事由").fill(REASON)
    answer.get_by_label("法律依据（部分公开或不予公开）").fill(LEGAL_GROUND)
    answer.get_by_role("button", name="出具加签答复书").click()
    expect(reviewer.get_by_role("heading", level=2, name=REPLY_HEADING)).to_be_visible()
    with reviewer.expect_download() as staff_download:
        reviewer.get_by_role("link", name="下载加签的答复书（PDF）").click()
    assert staff_download.value.path().read_bytes().startswith(b"%PDF")

    # --- The resident reads the reply, downloads it and verifies it --------------------------
    resident.goto(f"{base}{reverse('disclosure:my_requests')}")
    row = resident.get_by_role("row").filter(has_text=request.number)
    expect(row).to_contain_text("已答复")
    row.get_by_role("link", name=request.number).click()
    resident.wait_for_url(re.compile(rf"{re.escape(request_path)}$"))
    reply = _section(resident, REPLY_HEADING)
    expect(reply).to_contain_text(REPLY)
    expect(reply).to_contain_text(WITHHELD)
    expect(reply).to_contain_text(LEGAL_GROUND)
    expect(resident.get_by_role("main")).to_contain_text("已延长 20 个工作日")
    assert_accessible(resident)
    _shot(resident, artifacts, "reply")
    with resident.expect_download() as download:
        reply.get_by_role("link", name="下载加签的答复书（PDF）").click()
    pdf = tmp_path / download.value.suggested_filename
    download.value.save_as(pdf)
    assert pdf.name == f"{request.number}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")

    resident.get_by_role("navigation", name="当前位置").get_by_role(
        "link", name="政府信息公开"
    ).click()
    resident.get_by_role("link", name="核验答复书").click()
    resident.get_by_label("答复书（PDF）").set_input_files(pdf)
    resident.get_by_role("button", name="核验").click()
    verdict = resident.get_by_role("status")
    expect(verdict).to_contain_text("有效：")
    expect(verdict).to_contain_text(request.number)
    expect(verdict).to_contain_text(DEPARTMENT)

    # --- On a phone -----------------------------------------------------------------------
    resident.set_viewport_size(PHONE)
    resident.goto(f"{base}{request_path}")
    expect(_section(resident, REPLY_HEADING)).to_be_visible()
    assert_no_horizontal_overflow(resident)
    _shot(resident, artifacts, "reply-phone")
