"""Controlled sharing end to end in a real browser, from the catalogue entry to 免提交.

The police bureau's data administrator describes the person registry in the catalogue (a
conditional resource with a conditional address item and a not-shared mobile number) and submits
it; they cannot publish it themselves; the platform's data administrator publishes it. The labour
bureau's data administrator requests the address and the date of birth for its social-insurance
system; the police bureau approves. The system reads a person's record over HTTP with its client
credentials and gets exactly the granted items; the citizen sees the read on "who looked at my
data". Then the citizen applies for a service whose licence material is bound to the licence
held in the wallet: no upload, and the market regulator's counter clerk sees the certificate.
Staff sign in with a TOTP code (their roles see personal data).
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from ecity.cases.models import Case, CaseMaterialReference
from ecity.identity.security import mfa, totp
from ecity.registry.models import Resource, SharingGrant
from ecity.registry.tests.e2e.conftest import PASSWORD
from ecity.testing.e2e import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PURPOSE = "核验社保参保人员住址"
PHONE = (375, 812)


def _enrol(user) -> str:
    """Confirm an authenticator for ``user`` as its owner would; return its secret."""
    device = mfa.mfa_enrolment_start(user=user)
    previous = totp.code_for_step(device.secret, totp.time_step(timezone.now()) - 1)
    mfa.mfa_enrolment_confirm(user=user, code=previous)
    return device.secret


def _log_in(page: Any, base: str, username: str, *, secret: str | None = None) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}{reverse('identity:login')}")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    if secret is not None:
        page.wait_for_url(re.compile(r"/login/verify/"))
        page.locator("input[name=code]").fill(
            totp.code_for_step(secret, totp.time_step(timezone.now()))
        )
        page.get_by_role("button", name="验证并登录").click()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()


def _nav(page: Any, name: str) -> Any:
    """A link of the header's main navigation."""
    return page.get_by_role("navigation", name="主导航").get_by_role("link", name=name, exact=True)


def _shot(page: Any, artifacts, name: str) -> None:
    page.screenshot(path=str(artifacts / f"sharing-{name}.png"), full_page=True)


def _admin_action(page: Any, code: str, action: str) -> None:
    """Tick ``code`` on the admin's resource list and run the action labelled ``action``."""
    page.get_by_role("row").filter(has_text=code).get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option(label=action)
    page.get_by_role("button", name="执行").click()


def test_a_resource_is_published_shared_on_request_read_by_a_system_and_seen_by_the_citizen(
    live_server, new_page, artifacts, sharing_journey
):
    from playwright.sync_api import expect

    data = sharing_journey
    base = live_server.url
    secrets = {
        user.username: _enrol(user)
        for user in (data.police_admin, data.platform_admin, data.labour_admin, data.clerk)
    }

    # --- 1. The police's data administrator describes the person registry ---------------------
    police = new_page()
    _log_in(police, base, "data_gaj", secret=secrets["data_gaj"])
    police.goto(f"{base}/admin/registry/resource/add/")
    police.locator("#id_code").fill("GAJ-RK-0001")
    police.locator("#id_name").fill("人口基础信息")
    police.locator("#id_provider").select_option(label="示范市公安局")
    police.locator("#id_summary").fill("本市人口的身份号码、姓名、出生日期和住址。")
    police.locator("#id_share_type").select_option("conditional")
    police.locator("#id_share_condition").fill("用于法定职责范围内的身份核验与业务办理。")
    police.locator("#id_share_method").select_option("platform_api")
    police.locator("#id_items_text").fill(
        "DE0001 | | unconditional\nDE0002 | | unconditional\nDE0005\nDE0006\nDE0007 | | not_shared"
    )
    assert_accessible(police)
    police.get_by_role("button", name="保存", exact=True).click()
    expect(police.locator(".messagelist")).to_contain_text("人口基础信息")
    # ... edits the draft (the address becomes a named item) ...
    police.get_by_role("link", name="GAJ-RK-0001", exact=True).click()
    police.locator("#id_items_text").fill(
        "DE0001 | | unconditional\nDE0002 | | unconditional\nDE0005\nDE0006 | 户籍地址\n"
        "DE0007 | | not_shared"
    )
    police.get_by_role("button", name="保存", exact=True).click()
    expect(police.locator(".messagelist")).to_contain_text("人口基础信息")
    # ... submits it; publishing is not theirs to do (four eyes: a reviewer publishes)
    _admin_action(police, "GAJ-RK-0001", "将所选草稿提交审核")
    expect(police.locator(".messagelist")).to_contain_text("已提交")
    expect(police.locator("select[name=action] option")).not_to_contain_text(["发布所选待审核资源"])
    _shot(police, artifacts, "1-submitted")
    assert_accessible(police)
    assert Resource.objects.get(code="GAJ-RK-0001").status == Resource.Status.IN_REVIEW

    # --- ... the platform's data administrator reviews and publishes it ----------------------
    reviewer = new_page()
    _log_in(reviewer, base, "data_platform", secret=secrets["data_platform"])
    reviewer.goto(f"{base}/admin/registry/resource/")
    _admin_action(reviewer, "GAJ-RK-0001", "发布所选待审核资源")
    expect(reviewer.locator(".messagelist")).to_contain_text("已发布 1 项资源")
    assert_accessible(reviewer)
    reviewer.goto(f"{base}/registry/resources/GAJ-RK-0001/")
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text("人口基础信息")
    expect(reviewer.get_by_role("table")).to_contain_text("户籍地址")
    assert_accessible(reviewer)

    # --- 2. The labour bureau's data administrator requests conditional access ---------------
    labour = new_page()
    _log_in(labour, base, "data_rsj", secret=secrets["data_rsj"])
    # Signed in, "My account": the header leads to the sharing pages
    _nav(labour, "数据共享").click()
    expect(labour.get_by_role("heading", level=1)).to_contain_text("示范市人力资源和社会保障局")
    assert_accessible(labour)
    labour.get_by_role("link", name=re.compile("GAJ-RK-0001")).click()
    expect(labour.get_by_role("heading", level=1)).to_have_text("申请数据")
    expect(labour.locator("main")).to_contain_text("无需申请即可读取公民身份号码、姓名")
    expect(labour.locator("main")).to_contain_text("不予共享手机号码")
    today = timezone.localdate()
    labour.get_by_label("部门系统").select_option(label="社保业务系统")
    labour.get_by_label(re.compile("户籍地址")).check()
    labour.get_by_label(re.compile("出生日期")).check()
    labour.get_by_label("用途").fill(PURPOSE)
    labour.get_by_label("使用依据").fill("《社会保险法》第五十八条")
    labour.get_by_label("起始日期").fill(today.isoformat())
    labour.get_by_label("截止日期").fill((today + dt.timedelta(days=90)).isoformat())
    _shot(labour, artifacts, "2-request-form")
    assert_accessible(labour)
    labour.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    _shot(labour, artifacts, "2-request-form-phone")
    labour.set_viewport_size({"width": 1280, "height": 900})
    labour.get_by_role("button", name="提交申请").click()
    expect(labour.get_by_role("heading", level=1)).to_have_text("共享申请")
    expect(labour.locator("main")).to_contain_text("待提供部门答复")
    request_url = labour.url
    assert_accessible(labour)

    # --- 3. The police's data administrator approves it ---------------------------------------
    police.goto(f"{base}/")
    _nav(police, "数据共享").click()
    expect(police.get_by_role("heading", level=2, name="待答复的申请")).to_be_visible()
    assert_accessible(police)
    police.get_by_role("link", name="示范市人力资源和社会保障局").click()
    police.wait_for_url(request_url)
    police.get_by_label("同意").check()
    police.get_by_role("button", name="记录答复").click()
    expect(police.get_by_role("status").first).to_contain_text("您的答复已记录")
    expect(police.locator("main")).to_contain_text("已批准")
    _shot(police, artifacts, "3-approved")
    assert_accessible(police)
    assert SharingGrant.objects.filter(grantee=data.labour).count() == 1

    # --- 4. The labour system reads the person's record with its client credentials ---------
    system = new_page().request
    basic = base64.b64encode(f"{data.application.client_id}:{data.secret}".encode()).decode()
    token = system.post(
        f"{base}/o/token/",
        form={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert token.status == 200, token.text()
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    read = system.get(
        f"{base}/api/v1/registry/data/persons/1.0/read",
        params={"id_number": data.person.id_number, "purpose": PURPOSE},
        headers=bearer,
    )
    assert read.status == 200, read.text()
    assert read.json()["record"] == {
        "id_number": data.person.id_number,
        "name": "王小明",
        "birth_on": "1990-05-17",
        "address": "示范市中山路1号",
    }
    # The sex (conditional, not granted) and the mobile number (not shared) are refused by name
    for field in ("sex", "phone"):
        refused = system.get(
            f"{base}/api/v1/registry/data/persons/1.0/read",
            params={"id_number": data.person.id_number, "purpose": PURPOSE, "fields": field},
            headers=bearer,
        )
        assert refused.status == 403, (field, refused.text())
        assert "13900000001" not in refused.text()

    # --- 5. The citizen sees the read on "who looked at my data" -------------------------------
    citizen = new_page()
    _log_in(citizen, base, "wangxiaoming")
    citizen.goto(f"{base}{reverse('identity:profile')}")
    citizen.get_by_role("link", name="谁查看了我的数据").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("谁查看了我的数据")
    row = citizen.get_by_role("row").filter(has_text=PURPOSE).first
    expect(row).to_contain_text("示范市人力资源和社会保障局 · 社保业务系统")
    expect(row).to_contain_text(timezone.localtime().strftime("%Y-%m-%d"))
    _shot(citizen, artifacts, "5-who-looked")
    assert_accessible(citizen)

    # --- 6. The citizen applies; the licence in the wallet stands for the material -----------
    citizen.get_by_role("link", name="我的证照").first.click()
    expect(citizen.locator("main")).to_contain_text(data.licence.identifier)
    assert_accessible(citizen)
    citizen.goto(f"{base}{reverse('catalogue:item_detail', args=[data.service.code])}")
    citizen.get_by_role("link", name="网上申请").click()
    expect(citizen.locator(".material-reference")).to_contain_text(data.licence.identifier)
    expect(citizen.locator("main")).to_contain_text("无需上传")
    _shot(citizen, artifacts, "6-apply")
    assert_accessible(citizen)
    citizen.locator("[name=shop_name]").fill("小明面馆")
    citizen.get_by_role("button", name="继续").click()
    citizen.wait_for_url(re.compile(r"/check/$"))
    expect(citizen.locator("main")).to_contain_text(data.licence.identifier)
    assert_accessible(citizen)
    citizen.get_by_role("button", name="提交申请").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("您的申请已提交")
    assert_accessible(citizen)
    case = Case.objects.get()
    assert case.attachments.count() == 0
    assert CaseMaterialReference.objects.get(case=case).certificate == data.licence

    clerk = new_page()
    _log_in(clerk, base, "clerk_scj", secret=secrets["clerk_scj"])
    clerk.goto(f"{base}{reverse('cases:workbench_case', args=[case.number])}")
    expect(clerk.locator("main")).to_contain_text("来自电子证照库")
    assert_accessible(clerk)
    clerk.get_by_role("link", name=data.licence.identifier).click()
    expect(clerk.locator("main")).to_contain_text("食品经营许可证")
    _shot(clerk, artifacts, "6-reviewer-certificate")
    assert_accessible(clerk)

    # --- The request page in English ----------------------------------------------------------
    labour.goto(request_url.replace(base, f"{base}/en"))
    expect(labour.get_by_role("heading", level=1)).to_have_text("Sharing request")
    _shot(labour, artifacts, "en-request")
    assert_accessible(labour)
