"""A visitor's journey in a real browser: home, language switch, theme, service guide."""

from __future__ import annotations

import re

import pytest

from ecity.demo.services import demo_city_load
from ecity.portal.tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_visitor_switches_language_finds_a_service_by_theme_and_reads_its_guide(
    live_server, page, artifacts
):
    from playwright.sync_api import expect

    demo_city_load()

    # The home page, in Chinese
    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("示范市政务服务“一网通办”")
    page.screenshot(path=str(artifacts / "portal-home-zh.png"), full_page=True)
    assert_accessible(page)

    # Switch to English with the language switcher (a plain form: no JavaScript needed)
    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="切换").click()
    page.wait_for_url(f"{live_server.url}/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Shifan City one-stop government services"
    )
    expect(page.get_by_role("link", name="Market access")).to_be_visible()
    page.screenshot(path=str(artifacts / "portal-home-en.png"), full_page=True)
    assert_accessible(page)

    # ... and back to Chinese
    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("button", name="Switch").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")

    # Find the service by its theme
    page.get_by_role("link", name="市场准入", exact=True).click()
    page.wait_for_url(re.compile(r"/services/themes/market-access/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("市场准入")
    assert_accessible(page)

    page.get_by_role("link", name="食品经营许可", exact=True).click()
    page.wait_for_url(re.compile(r"/services/items/SCJ-XK-001/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("食品经营许可")

    # The guide shows its materials and time limits
    expect(page.get_by_role("heading", name="申请材料")).to_be_visible()
    materials = page.get_by_role("table").filter(has_text="食品经营许可申请书")
    expect(materials).to_be_visible()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("法定办结时限")
    expect(facts).to_contain_text("10 个工作日")
    expect(facts).to_contain_text("承诺办结时限")
    expect(facts).to_contain_text("3 个工作日")
    # the business licence is obtained by the department (免提交), not uploaded
    expect(materials.get_by_role("row").filter(has_text="营业执照")).to_contain_text(
        "免提交：由部门获取"
    )
    page.screenshot(path=str(artifacts / "portal-guide-zh.png"), full_page=True)
    assert_accessible(page)

    # The same guide in English: the passages written only in Chinese are marked as Chinese
    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="切换").click()
    page.wait_for_url(re.compile(r"/en/services/items/SCJ-XK-001/$"))
    expect(page.locator(".brand-city")).to_have_text("Shifan City")
    legal_basis = page.locator("#legal-basis + p")
    expect(legal_basis).to_have_attribute("lang", "zh")
    expect(legal_basis).to_contain_text("食品安全法")
    page.screenshot(path=str(artifacts / "portal-guide-en.png"), full_page=True)
    assert_accessible(page)
