"""One-stop parallel approval in a real browser, from the application to the verified licence.

A citizen applies online for the food business licence (食品经营许可) of the demo city; the
service centre's counter accepts it; the market regulation bureau and the health commission
review it at the same time; the health reviewer first asks for a correction, which the citizen
makes on "My cases"; both approve; the approver grants the licence (every member of staff logs
in with a TOTP code: their roles see personal data unmasked); the citizen finds the
e-certificate, which the public verification page confirms, and which a tampered QR link or
certificate number does not pass.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse

from ecity.cases.models import Case, CaseTask
from ecity.cases.selectors.materials import material_key, materials_of
from ecity.cases.tests.e2e.steps import (
    action_panel,
    demo_pdf,
    enrol_authenticator,
    log_in,
    nav,
    open_queue,
)
from ecity.catalogue.models import ServiceItem
from ecity.certificates.models import Certificate
from ecity.core.calendar import calendar_seed
from ecity.core.validators import uscc_check_char
from ecity.testing.e2e import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SERVICE = "SCJ-XK-001"
# A 个体工商户 ("92") of the demo city; the check character is computed (GB 32100).
USCC_BODY = "92990100MA2CJ8X77"
USCC = USCC_BODY + uscc_check_char(USCC_BODY)


def test_joint_licence_from_application_through_parallel_review_to_a_verified_certificate(
    live_server, new_page, artifacts, tmp_path
):
    from playwright.sync_api import expect

    base = live_server.url
    calendar_seed()
    call_command("load_demo", "--no-content", "--no-cases", "--hotline-tickets", "0", verbosity=0)
    # Every staff role here sees personal data unmasked: each logs in with a second factor.
    secrets = {
        username: enrol_authenticator(username)
        for username in ("clerk_zwb", "reviewer_scj", "reviewer_wjw", "approver_scj")
    }
    approver_secret = secrets["approver_scj"]
    version = ServiceItem.objects.get(code=SERVICE).current_version
    mandatory = [m for m in materials_of(version) if m.is_required_upload]
    assert len(mandatory) >= 1

    # --- The citizen logs in, reads the joint service's guide and applies -------------------
    citizen = new_page()
    log_in(citizen, base, "zhangwei")
    citizen.goto(f"{base}{reverse('catalogue:item_detail', args=[SERVICE])}")
    expect(citizen.get_by_role("heading", level=1)).to_have_text("食品经营许可")
    citizen.get_by_role("link", name="网上申请").click()
    citizen.wait_for_url(re.compile(rf"/cases/apply/{SERVICE}/$"))
    expect(citizen.get_by_role("heading", level=1)).to_contain_text("食品经营许可")
    # Prefilled from the verified account
    expect(citizen.locator("[name=contact_name]")).to_have_value("张伟")
    expect(citizen.locator("[name=mobile]")).to_have_value("13800990001")
    citizen.locator("[name=enterprise_name]").fill("示范市东城区张记小馆")
    citizen.locator("[name=uscc]").fill(USCC)
    citizen.locator("[name=business_address]").fill("示范市东城区东华社区人民路18号一层")
    citizen.locator("[name=business_type]").select_option(label="餐饮服务经营者")
    citizen.locator("[name=business_items]").fill("热食类食品制售")
    citizen.locator("[name=floor_area]").fill("80")
    citizen.locator("[name=delivery]").select_option(label="免费邮寄")
    for index, material in enumerate(mandatory):
        citizen.locator(f'input[type=file][name="{material_key(material)}"]').set_input_files(
            str(demo_pdf(tmp_path, f"material-{index + 1}.pdf"))
        )
    citizen.screenshot(path=str(artifacts / "approval-apply.png"), full_page=True)
    assert_accessible(citizen)
    citizen.get_by_role("button", name="继续").click()

    # --- Check your answers: labels, not codes; every file; then submit -------------------
    citizen.wait_for_url(re.compile(rf"/cases/apply/{SERVICE}/check/$"))
    expect(citizen.get_by_role("heading", level=1)).to_have_text("提交申请前，请核对填报内容")
    answers = citizen.locator("dl.summary-list").first
    expect(answers).to_contain_text("餐饮服务经营者")
    expect(answers).to_contain_text("免费邮寄")
    expect(answers).not_to_contain_text("catering")
    expect(citizen.get_by_role("link", name="修改 经营场所", exact=True)).to_have_attribute(
        "href", re.compile(r"#id_business_address$")
    )
    for index in range(len(mandatory)):
        expect(citizen.locator("main")).to_contain_text(f"material-{index + 1}.pdf")
    citizen.screenshot(path=str(artifacts / "approval-check.png"), full_page=True)
    assert_accessible(citizen)
    citizen.get_by_role("button", name="提交申请").click()

    expect(citizen.get_by_role("heading", level=1)).to_have_text("您的申请已提交")
    case_number = citizen.locator(".case-number").inner_text()
    query_code = citizen.locator(".query-code").inner_text()
    case = Case.objects.get(number=case_number)
    assert (case.status, case.query_code) == (Case.Status.SUBMITTED, query_code)
    assert case.attachments.count() == len(mandatory)
    assert re.fullmatch(r"\d{4}-SCJ-\d{6}", case_number)

    # --- The one-stop counter accepts it from the workbench ---------------------------------
    clerk = new_page()
    log_in(clerk, base, "clerk_zwb", totp_secret=secrets["clerk_zwb"])
    open_queue(clerk, base, "待受理")
    clerk.get_by_role("link", name=case_number).click()
    expect(clerk.get_by_role("heading", level=1)).to_contain_text(case_number)
    action_panel(clerk, "受理").get_by_role("button", name="受理办件").click()
    expect(clerk.locator("dl.facts").first).to_contain_text("办理中")

    # --- Both departments see their review task at the same time ----------------------------
    market = new_page()
    log_in(market, base, "reviewer_scj", totp_secret=secrets["reviewer_scj"])
    health = new_page()
    log_in(health, base, "reviewer_wjw", totp_secret=secrets["reviewer_wjw"])
    for reviewer in (market, health):
        open_queue(reviewer, base, "待审查")
        expect(reviewer.get_by_role("link", name=case_number)).to_be_visible()
    open_reviews = CaseTask.objects.filter(
        case=case, kind=CaseTask.Kind.REVIEW, status=CaseTask.Status.OPEN
    )
    assert sorted(open_reviews.values_list("department__code", flat=True)) == ["SCJ", "WJW"]

    # --- The health reviewer asks for a correction of one field first -----------------------
    health.get_by_role("link", name=case_number).click()
    health.screenshot(path=str(artifacts / "approval-workbench-case.png"), full_page=True)
    assert_accessible(health)
    health_panel = action_panel(health, "示范市卫生健康委员会审查")
    health_panel.get_by_role("checkbox", name="经营场所面积（平方米）").check()
    health_panel.get_by_label("告知申请人的补正要求").fill("请按租赁合同核实经营场所面积。")
    health_panel.get_by_role("button", name="一次性告知申请人补正").click()
    expect(health.locator("dl.facts").first).to_contain_text("补正中")

    # --- The citizen sees the request on "My cases", corrects the field and resubmits -------
    nav(citizen, "我的办件").click()
    row = citizen.get_by_role("row").filter(has_text=case_number)
    expect(row).to_contain_text("补正中")
    row.get_by_role("link", name=case_number).click()
    correction = citizen.locator("section").filter(
        has=citizen.get_by_role("heading", name="请补正您的申请")
    )
    expect(correction).to_contain_text("经营场所面积（平方米）")
    expect(correction).to_contain_text("请按租赁合同核实经营场所面积。")
    correction.get_by_role("link", name="补正申请").click()
    citizen.locator("[name=floor_area]").fill("96")
    citizen.get_by_role("button", name="提交补正").click()
    expect(citizen.locator("dl.facts").first).to_contain_text("办理中")
    case.refresh_from_db()
    assert (case.status, case.form_data["floor_area"]) == (Case.Status.IN_PROGRESS, 96)

    # --- Both reviewers approve ---------------------------------------------------------------
    for reviewer, title in (
        (health, "示范市卫生健康委员会审查"),
        (market, "示范市市场监督管理局审查"),
    ):
        reviewer.goto(f"{base}{reverse('cases:workbench_case', args=[case_number])}")
        panel = action_panel(reviewer, title)
        panel.get_by_role("radio", name="同意", exact=True).check()
        panel.get_by_label("意见").fill("经审查，符合许可条件。")
        panel.get_by_role("button", name="提交审查意见").click()
        expect(reviewer.get_by_role("heading", level=1)).to_contain_text(case_number)
    assert not CaseTask.objects.filter(
        case=case, kind=CaseTask.Kind.REVIEW, status=CaseTask.Status.OPEN
    ).exists()

    # --- The approver (second factor) grants the licence --------------------------------------
    approver = new_page()
    log_in(approver, base, "approver_scj", totp_secret=approver_secret)
    open_queue(approver, base, "待决定")
    approver.get_by_role("link", name=case_number).click()
    decision = action_panel(approver, "作出决定")
    decision.get_by_role("radio", name="准予", exact=True).check()
    decision.get_by_label("决定内容").fill("准予许可。")
    decision.get_by_role("button", name="作出决定").click()
    expect(approver.locator("dl.facts").first).to_contain_text("准予")
    case.refresh_from_db()
    assert case.status == Case.Status.APPROVED
    # Issued by the after-commit delivery of case.decided, before the decision page returned
    certificate = Certificate.objects.get(source_ref=f"cases.case:{case.public_id}")

    # --- The citizen sees the case closed with its certificate --------------------------------
    nav(citizen, "我的办件").click()
    citizen.get_by_role("row").filter(has_text=case_number).get_by_role(
        "link", name=case_number
    ).click()
    expect(citizen.locator("dl.facts").first).to_contain_text("准予")
    result = citizen.locator("section").filter(has=citizen.get_by_role("heading", name="办理结果"))
    expect(result).to_contain_text("食品经营许可证")
    expect(result.locator(".certificate-identifier")).to_have_text(certificate.identifier)
    citizen.screenshot(path=str(artifacts / "approval-case-closed.png"), full_page=True)

    # --- Anyone can verify it; a tampered QR link or number does not pass ----------------------
    result.get_by_role("link", name="到核验页面查验").click()
    public = new_page()
    public.goto(citizen.url)  # the QR code's address, opened by someone else's phone
    verdict = public.get_by_role("status").filter(has=public.get_by_role("heading", level=2))
    expect(verdict.get_by_role("heading", level=2)).to_have_text("有效")
    expect(verdict).to_contain_text(certificate.identifier)
    public.screenshot(path=str(artifacts / "approval-verify-valid.png"), full_page=True)
    assert_accessible(public)

    query = parse_qs(urlsplit(public.url).query)
    signature = query["sig"][0]
    forged_signature = ("B" if signature[0] != "B" else "C") + signature[1:]
    verify = f"{base}{reverse('certificates:verify')}"
    public.goto(f"{verify}?{urlencode({'id': certificate.identifier, 'sig': forged_signature})}")
    expect(public.get_by_role("heading", level=2).filter(has_text="验证失败")).to_have_text(
        "验证失败（可能被篡改）"
    )
    public.screenshot(path=str(artifacts / "approval-verify-forged.png"), full_page=True)

    identifier = certificate.identifier
    serial_at = identifier.rindex(".001.0") - 1
    altered = identifier[:serial_at] + ("2" if identifier[serial_at] != "2" else "3")
    altered += identifier[serial_at + 1 :]
    public.goto(f"{verify}?{urlencode({'id': altered, 'sig': signature})}")
    heading = public.locator(".verification-title")
    expect(heading).not_to_have_text("有效")
    assert heading.inner_text().strip() in {"未找到", "验证失败（可能被篡改）"}
