"""An editor writes a news item in the Wagtail admin, the department's reviewer approves it, and
a visitor reads it on the sub-site and finds it with the one search: in a real browser, under
ecity's Content-Security-Policy (nothing the admin needs may be blocked)."""

from __future__ import annotations

import re

import pytest

from ecity.cms.models import NewsPage
from ecity.cms.services.permissions import department_permissions_sync
from ecity.cms.services.sites import column_add, department_site_create, home_ensure
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory, StaffUserFactory
from ecity.org.models import StaffRole
from ecity.testing.e2e import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # the factories' password
TITLE = "市场监管局开展电动自行车充电器质量专项抽查"


def _department_site():
    home_ensure(title="示范市人民政府")
    department = DepartmentFactory(code="SCJ", name_zh="示范市市场监督管理局")
    site = department_site_create(
        actor=None, department=department, title=department.name_zh, slug="scj"
    )
    news = column_add(parent=site, title="新闻动态", slug="news")
    editor = StaffUserFactory(username="webeditor")
    reviewer = StaffUserFactory(username="webreviewer")
    StaffRoleFactory(user=editor, department=department, role=StaffRole.Role.CONTENT_EDITOR)
    StaffRoleFactory(user=reviewer, department=department, role=StaffRole.Role.CONTENT_REVIEWER)
    department_permissions_sync(actor=None, department=department)
    return news


def _admin_login(page, base: str, username: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/cms/admin/")
    # Wagtail's own login form is not used: ecity's login page (lock-out, second factor).
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/cms/admin/$"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(re.compile(r"/cms/admin/$"))


def _watch_policy(page, blocked: list[str]) -> None:
    def seen(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            blocked.append(f"{page.url}: {message.text[:300]}")

    page.on("console", seen)


def test_editor_writes_reviewer_approves_and_visitors_read_and_find_it(
    live_server, new_page, artifacts
):
    from playwright.sync_api import expect

    news = _department_site()
    base = live_server.url
    blocked: list[str] = []

    # The editor writes a news item and submits it to the department's review
    editor = new_page()
    _watch_policy(editor, blocked)
    _admin_login(editor, base, "webeditor")
    editor.goto(f"{base}/cms/admin/pages/{news.pk}/add_subpage/")
    editor.get_by_role("link", name="新闻", exact=True).click()
    editor.locator("#id_title").fill(TITLE)
    editor.locator("#id_summary").fill("抽查 120 批次，合格率 93%。")
    editor.locator(".public-DraftEditor-content").first.click()
    editor.keyboard.type("近日，市市场监管局对全市销售的电动自行车充电器开展质量专项抽查。")
    # the editor hands its text to the form a moment after typing (as a person would wait)
    expect(editor.locator("input[name=body]")).to_have_value(re.compile("质量专项抽查"))
    # the schedule dialog's date pickers start without an inline script
    expect(editor.locator("[data-ecity-chooser-started]")).to_have_count(2)
    editor.get_by_role("button", name="更多动作").click()
    editor.get_by_role("button", name="提交给示范市市场监督管理局内容审核").click()
    expect(editor.get_by_text("已创建并提交审核").first).to_be_visible()
    editor.screenshot(path=str(artifacts / "cms-editor-submitted.png"), full_page=True)
    page_id = NewsPage.objects.get(title=TITLE).pk

    # Not public while in review
    visitor = new_page()
    visitor.goto(f"{base}/site/scj/news/")
    expect(visitor.get_by_role("main")).not_to_contain_text(TITLE)

    # The reviewer approves and publishes
    reviewer = new_page()
    _watch_policy(reviewer, blocked)
    _admin_login(reviewer, base, "webreviewer")
    reviewer.goto(f"{base}/cms/admin/pages/{page_id}/edit/")
    reviewer.get_by_role("button", name="更多动作").click()
    reviewer.get_by_role("button", name=re.compile(r"^同意\s*和发布$")).click()
    reviewer.wait_for_url(re.compile(rf"/cms/admin/pages/{news.pk}/$"))  # back at the column
    reviewer.screenshot(path=str(artifacts / "cms-reviewer-approved.png"), full_page=True)
    assert NewsPage.objects.get(pk=page_id).live

    # The visitor reads it on the sub-site, on a phone too
    visitor.goto(f"{base}/site/scj/news/")
    visitor.get_by_role("link", name=TITLE).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(visitor.get_by_role("main")).to_contain_text("电动自行车充电器开展质量专项抽查")
    assert_accessible(visitor)
    visitor.set_viewport_size({"width": 390, "height": 844})
    visitor.screenshot(path=str(artifacts / "cms-news-phone.png"), full_page=True)

    # ... and finds it with the one search (indexed when it was published)
    visitor.goto(f"{base}/search/?q=充电器")
    expect(visitor.get_by_role("link", name=re.compile("电动自行车充电器"))).to_be_visible()
    assert_accessible(visitor)

    assert not blocked, "\n".join(blocked)
