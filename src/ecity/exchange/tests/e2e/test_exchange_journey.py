"""The service registry end to end in a real browser, and the call through the gateway over HTTP.

公安局's department administrator signs in with a TOTP code, sees their systems, registers
人口信息核验 with an OpenAPI document (uploaded as a file) and grants 人社局's social-security
system access to one endpoint. That system calls it through ``/r1/…`` with its client
credentials and gets the provider's answer (a real HTTP server on the loopback); a call to
another endpoint is refused with 403. The administrator sees the call on the traffic page,
revokes the right with a reason, and the next call is refused. axe-core runs on every page;
on a phone-sized window (390×844) the traffic page does not scroll sideways.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from ecity.exchange.models import AccessRight, Service
from ecity.exchange.services.topics import topic_save
from ecity.exchange.tests.conftest import PERSONS_OPENAPI
from ecity.identity.security import mfa, totp
from ecity.registry.tests.e2e.conftest import PASSWORD
from ecity.testing.e2e import VIEWPORT, assert_accessible, assert_no_horizontal_overflow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SERVICE = "CN-WH/GOV/GAJ/population/persons"
CLIENT = "CN-WH/GOV/RSJ/social"
PHONE = {"width": 390, "height": 844}


def _enrol(user) -> str:
    """Confirm an authenticator for ``user`` as its owner would; return its secret."""
    device = mfa.mfa_enrolment_start(user=user)
    previous = totp.code_for_step(device.secret, totp.time_step(timezone.now()) - 1)
    mfa.mfa_enrolment_confirm(user=user, code=previous)
    return device.secret


def _log_in(page: Any, base: str, username: str, secret: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}{reverse('identity:login')}")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/login/verify/"))
    page.locator("input[name=code]").fill(
        totp.code_for_step(secret, totp.time_step(timezone.now()))
    )
    page.get_by_role("button", name="验证并登录").click()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()


def test_an_admin_registers_a_service_grants_one_endpoint_sees_the_call_and_revokes(
    live_server, new_page, artifacts, exchange, provider
):
    from playwright.sync_api import expect

    base = live_server.url
    admin = exchange["police_admin"]
    population = exchange["population"]
    topic_save(
        actor=admin, owner=population, name="registry.person.changed", description_zh="人口变更"
    )
    secret = _enrol(admin)
    page = new_page()
    _log_in(page, base, admin.username, secret)

    # --- 1. "My subsystems": the police's systems with their identifiers --------------------
    page.goto(f"{base}/exchange/systems/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("武汉市公安局")
    expect(page.locator("main table").first).to_contain_text("CN-WH/GOV/GAJ/population")
    expect(page.locator("main")).not_to_contain_text(CLIENT)
    assert_accessible(page)

    # --- 2. Register 人口信息核验 with its OpenAPI document ------------------------------------
    page.locator("main a[href^='/exchange/services/register/']").click()
    page.locator("#id_provider").select_option(str(population.public_id))
    page.locator("#id_code").fill("persons")
    page.locator("#id_version").fill("v1")
    page.locator("#id_kind").select_option("rest")
    page.locator("#id_base_url").fill(provider.url)
    page.locator("#id_openapi_file").set_input_files(
        files=[
            {
                "name": "persons.json",
                "mimeType": "application/json",
                "buffer": PERSONS_OPENAPI.encode(),
            }
        ]
    )
    page.locator("#id_title_zh").fill("人口信息核验")
    page.locator("#id_title_en").fill("Person verification")
    page.locator("#id_owner_contact").fill("公安局数据科 027-12345678")
    page.locator("#id_legal_basis").fill("《中华人民共和国居民身份证法》")
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(artifacts / "exchange-register-phone.png"), full_page=True)
    page.set_viewport_size(VIEWPORT)
    page.locator("#register-form button[type=submit]").click()
    service = Service.objects.get(identifier=SERVICE)
    page.wait_for_url(re.compile(rf"/exchange/services/{service.public_id}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("人口信息核验")
    expect(page.locator("main")).to_contain_text("/persons/{id}")
    assert_accessible(page)

    # --- 3. Grant 人社局's system the one endpoint GET /persons/{id} ---------------------------
    page.locator("#id_client").select_option(CLIENT)
    page.locator("#id_endpoint").select_option(label="GET /persons/{id}")
    page.locator("#grant-form button[type=submit]").click()
    rights_table = page.locator("main table").nth(1)
    expect(rights_table).to_contain_text("社保系统")
    expect(rights_table).to_contain_text("GET /persons/{id}")
    assert_accessible(page)

    # --- 4. The system calls through the gateway over HTTP ------------------------------------
    system = new_page().request
    basic = base64.b64encode(
        f"{exchange['application'].client_id}:{exchange['secret']}".encode()
    ).decode()
    token = system.post(
        f"{base}/o/token/",
        form={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert token.status == 200, token.text()
    headers = {"Authorization": f"Bearer {token.json()['access_token']}", "X-Road-Client": CLIENT}
    answer = system.get(f"{base}/r1/{SERVICE}/persons/42", headers=headers)
    assert answer.status == 200, answer.text()
    assert json.loads(answer.body()) == {"id": "42", "name": "王小明"}
    assert [r["path"] for r in provider.received] == ["/persons/42"]
    # ... another endpoint of the same service is not granted
    other = system.get(f"{base}/r1/{SERVICE}/persons", headers=headers)
    assert other.status == 403, other.text()
    assert len(provider.received) == 1

    # --- 5. The administrator sees the call on the traffic page ------------------------------
    page.goto(f"{base}/exchange/traffic/GAJ/")
    row = page.get_by_role("row").filter(has_text="人口信息核验")
    expect(row).to_contain_text(CLIENT)
    assert_accessible(page)
    # ... and on a phone the table scrolls in its own focusable region, not the whole page
    page.set_viewport_size(PHONE)
    region = page.get_by_role("region", name=re.compile("最近"))
    expect(region.locator("table")).to_contain_text("人口信息核验")
    assert_no_horizontal_overflow(page)
    assert_accessible(page)
    page.set_viewport_size(VIEWPORT)

    # --- 6. Revokes the right with a reason; the next call is refused ------------------------
    page.goto(f"{base}/exchange/services/{service.public_id}/")
    page.locator(".revoke-form textarea").fill("合作协议到期")
    page.locator(".revoke-form button[type=submit]").click()
    expect(page.locator(".revoke-form")).to_have_count(0)
    assert_accessible(page)
    assert AccessRight.objects.get(service=service).revoked_at is not None
    refused = system.get(f"{base}/r1/{SERVICE}/persons/42", headers=headers)
    assert refused.status == 403, refused.text()
    assert len(provider.received) == 1

    # --- The topic list and the subscription request form -------------------------------------
    page.goto(f"{base}/exchange/topics/")
    expect(page.locator("main")).to_contain_text("人口变更")
    assert_accessible(page)
    page.locator("main a[href*='/subscribe/']").click()
    expect(page.locator("main")).to_contain_text("registry.person.changed")
    assert_accessible(page)

    # --- The service page in English -----------------------------------------------------------
    page.goto(f"{base}/en/exchange/services/{service.public_id}/")
    expect(page.get_by_role("heading", level=2, name="Access rights")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Person verification")
    assert_accessible(page)
