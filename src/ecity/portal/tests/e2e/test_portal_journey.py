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


PHONE = {"width": 390, "height": 844}


def test_an_older_resident_turns_on_large_text_on_a_phone_and_sees_my_page(
    live_server, page, artifacts
):
    """适老化 one click from the header, kept across pages; 我的 gathers the person's things."""
    from playwright.sync_api import expect

    from ecity.cases.tests.e2e.steps import log_in

    demo_city_load()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="长者模式（大字版）").click()
    expect(page.locator("body")).to_have_class("display-large")
    standard = page.evaluate("() => getComputedStyle(document.body).fontSize")
    assert standard == "20px"  # 125 % of 16 px

    # the choice follows the reader to the next page, and the page does not scroll sideways
    page.get_by_role("link", name="全部服务事项", exact=True).first.click()
    expect(page.locator("body")).to_have_class("display-large")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(artifacts / "portal-large-text-phone.png"), full_page=True)
    assert_accessible(page)

    log_in(page, live_server.url, "zhangwei")
    page.goto(f"{live_server.url}/me/")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的")
    expect(page.get_by_role("heading", name="我的办件")).to_be_visible()
    expect(page.get_by_role("heading", name="最近使用的服务")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(artifacts / "portal-my-page-phone.png"), full_page=True)
    assert_accessible(page)

    page.get_by_role("button", name="标准版").click()
    expect(page.locator("body")).not_to_have_class("display-large")
