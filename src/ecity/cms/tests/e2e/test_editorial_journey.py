"""Editors write in the Wagtail admin, the department's reviewer approves, and residents read,
hear of and find what was published: in a real browser, under ecity's Content-Security-Policy
(nothing the admin needs may be blocked).

- a news item: written, approved, read on a phone, found by search;
- a policy document and its interpretation: a resident follows the 政策文件 column before
  anything is published, is told in their messages, finds the policy by pinyin, initials and a
  thesaurus synonym, and moves between the policy and its interpretation.
"""

from __future__ import annotations

import re

import pytest

from ecity.cms.models import ColumnPage, InterpretationPage, NewsPage, PolicyPage
from ecity.cms.services.permissions import department_permissions_sync
from ecity.cms.services.sites import column_add, department_site_create, home_ensure
from ecity.identity.tests.factories import (
    DepartmentFactory,
    StaffRoleFactory,
    StaffUserFactory,
    UserFactory,
)
from ecity.notify.subscriptions import topic_items_fan_out
from ecity.org.models import StaffRole
from ecity.registry.services.thesaurus import subject_term_save
from ecity.search.analysis import segmenter_reset
from ecity.testing.e2e import assert_accessible, assert_no_horizontal_overflow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # the factories' password
TITLE = "市场监管局开展电动自行车充电器质量专项抽查"


def _department_site(columns: dict[str, str]) -> dict[str, ColumnPage]:
    """SCJ's sub-site with ``columns`` (slug: title), its content editor and reviewer."""
    home_ensure(title="示范市人民政府")
    department = DepartmentFactory(code="SCJ", name_zh="示范市市场监督管理局")
    site = department_site_create(
        actor=None, department=department, title=department.name_zh, slug="scj"
    )
    added = {
        slug: column_add(parent=site, title=title, slug=slug) for slug, title in columns.items()
    }
    editor = StaffUserFactory(username="webeditor")
    reviewer = StaffUserFactory(username="webreviewer")
    StaffRoleFactory(user=editor, department=department, role=StaffRole.Role.CONTENT_EDITOR)
    StaffRoleFactory(user=reviewer, department=department, role=StaffRole.Role.CONTENT_REVIEWER)
    department_permissions_sync(actor=None, department=department)
    return added


def _admin_login(page, base: str, username: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/cms/admin/")
    # Wagtail's own login form is not used: ecity's login page (lock-out, second factor).
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/cms/admin/$"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(re.compile(r"/cms/admin/$"))


def _log_in(page, base: str, username: str) -> None:
    """A resident logs in through the header's link."""
    from playwright.sync_api import expect

    page.goto(f"{base}/")
    page.get_by_role("link", name="登录", exact=True).first.click()
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()


def _watch_policy(page, blocked: list[str]) -> None:
    def seen(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            blocked.append(f"{page.url}: {message.text[:300]}")

    page.on("console", seen)


def _type_body(editor, text: str) -> None:
    from playwright.sync_api import expect

    editor.locator(".public-DraftEditor-content").first.click()
    editor.keyboard.type(text)
    # the editor hands its text to the form a moment after typing (as a person would wait)
    expect(editor.locator("input[name=body]")).to_have_value(re.compile(re.escape(text[-6:])))


def _submit_for_review(editor) -> None:
    from playwright.sync_api import expect

    editor.get_by_role("button", name="更多动作").click()
    editor.get_by_role("button", name="提交给示范市市场监督管理局内容审核").click()
    expect(editor.get_by_text("已创建并提交审核").first).to_be_visible()


def _approve_and_publish(reviewer, base: str, page_id: int, column_id: int) -> None:
    reviewer.goto(f"{base}/cms/admin/pages/{page_id}/edit/")
    reviewer.get_by_role("button", name="更多动作").click()
    reviewer.get_by_role("button", name=re.compile(r"^同意\s*和发布$")).click()
    reviewer.wait_for_url(re.compile(rf"/cms/admin/pages/{column_id}/$"))  # back at the column


def test_editor_writes_reviewer_approves_and_visitors_read_and_find_it(
    live_server, new_page, artifacts
):
    from playwright.sync_api import expect

    news = _department_site({"news": "新闻动态"})["news"]
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
    _type_body(editor, "近日，市市场监管局对全市销售的电动自行车充电器开展质量专项抽查。")
    # the schedule dialog's date pickers start without an inline script
    expect(editor.locator("[data-ecity-chooser-started]")).to_have_count(2)
    _submit_for_review(editor)
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
    _approve_and_publish(reviewer, base, page_id, news.pk)
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


POLICY_TITLE = "示范市促进个体工商户发展若干措施"
INTERPRETATION_TITLE = "一图读懂《示范市促进个体工商户发展若干措施》"
POLICY_FACTS = {
    "文号": "示市监规〔2026〕3号",
    "发布机构": "示范市市场监督管理局",
    "成文日期": "2026-11-20",
    "发布日期": "2026-11-25",
    "有效性": "有效",
}


@pytest.fixture
def thesaurus():
    """The registry's thesaurus knows 个体户 as a synonym of 个体工商户 (as search tests set it)."""
    subject_term_save(actor=None, term="个体工商户", synonyms=["个体户"])
    segmenter_reset()  # the dictionary is read once per process (the live server's thread too)
    yield
    segmenter_reset()


def _policy_fact(page, term: str):
    return page.locator(".cms-policy-facts").locator(
        f"xpath=dt[normalize-space()='{term}']/following-sibling::dd[1]"
    )


def _policy_hit(page):
    """The search result that is the policy page itself (not its disclosure catalogue entry)."""
    return page.locator(".search-hit").filter(has=page.locator(".tag", has_text="政策文件"))


def test_resident_following_policies_is_told_of_a_new_policy_and_finds_it_and_its_reading(
    live_server, new_page, artifacts, thesaurus
):
    from playwright.sync_api import expect

    columns = _department_site({"policies": "政策文件", "interpretations": "政策解读"})
    policies, interpretations = columns["policies"], columns["interpretations"]
    UserFactory(username="limei", real_name="李梅")
    base = live_server.url
    blocked: list[str] = []

    # A resident follows the department's 政策文件 column in-app, before anything is published
    resident = new_page()
    _watch_policy(resident, blocked)
    _log_in(resident, base, "limei")
    resident.goto(f"{base}/site/scj/policies/")
    expect(resident.get_by_role("main")).to_contain_text("此处尚未发布内容。")
    resident.get_by_role("link", name="订阅（电子邮件、短信或站内消息）").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text(
        "订阅“示范市市场监督管理局 · 政策文件”"
    )
    resident.get_by_label("通知方式").select_option(label="站内消息")
    resident.get_by_label("即时").check()
    resident.get_by_role("button", name="订阅", exact=True).click()
    following = resident.get_by_role("row", name=re.compile("示范市市场监督管理局 · 政策文件"))
    expect(following).to_contain_text("站内消息")
    expect(following).to_contain_text("即时")

    # The editor drafts the policy document and submits it to review
    editor = new_page()
    _watch_policy(editor, blocked)
    _admin_login(editor, base, "webeditor")
    editor.goto(f"{base}/cms/admin/pages/{policies.pk}/add_subpage/")
    editor.get_by_role("link", name="政策文件", exact=True).click()
    editor.locator("#id_title").fill(POLICY_TITLE)
    for label in ("文号", "发布机构", "成文日期", "发布日期"):
        editor.get_by_role("textbox", name=label).fill(POLICY_FACTS[label])
    editor.keyboard.press("Escape")  # the date picker opened by the last field
    editor.get_by_role("combobox", name="有效性").select_option(label=POLICY_FACTS["有效性"])
    editor.get_by_role("textbox", name="摘要").fill("十条措施支持个体工商户减负增收。")
    _type_body(editor, "为支持个体工商户发展，减轻经营负担，制定以下措施。")
    # 成文日期, 发布日期, the schedule's two and the "replaced by" page chooser: no inline script
    expect(editor.locator("[data-ecity-chooser-started]")).to_have_count(5)
    editor.screenshot(path=str(artifacts / "cms-policy-editor.png"), full_page=True)
    _submit_for_review(editor)
    policy_id = PolicyPage.objects.get(title=POLICY_TITLE).pk

    # ... and its interpretation, linked to the policy through the page chooser
    editor.goto(f"{base}/cms/admin/pages/{interpretations.pk}/add_subpage/")
    editor.get_by_role("link", name="政策解读", exact=True).click()
    editor.locator("#id_title").fill(INTERPRETATION_TITLE)
    _type_body(editor, "十条措施怎么享受？一图读懂申请条件和办理渠道。")
    editor.get_by_role("button", name="选择一个页面 (政策文件)").click()
    chooser = editor.get_by_role("dialog")
    chooser.get_by_role("link", name=POLICY_TITLE).click()  # in review, yet choosable
    expect(chooser).to_be_hidden()
    expect(editor.locator("#id_policy-chooser")).to_contain_text(POLICY_TITLE)
    expect(editor.locator("input[name=policy]")).to_have_value(str(policy_id))
    editor.screenshot(path=str(artifacts / "cms-interpretation-editor.png"), full_page=True)
    _submit_for_review(editor)
    interpretation_id = InterpretationPage.objects.get(title=INTERPRETATION_TITLE).pk
    assert topic_items_fan_out() == 0  # nothing to tell while in review

    # The reviewer approves and publishes both
    reviewer = new_page()
    _watch_policy(reviewer, blocked)
    _admin_login(reviewer, base, "webreviewer")
    _approve_and_publish(reviewer, base, policy_id, policies.pk)
    _approve_and_publish(reviewer, base, interpretation_id, interpretations.pk)
    assert PolicyPage.objects.get(pk=policy_id).live
    assert InterpretationPage.objects.get(pk=interpretation_id).live

    # The scheduler's fan-out job tells the column's followers; the resident reads it in-app
    topic_items_fan_out()
    resident.goto(f"{base}/notifications/")
    messages = resident.locator(".message-list > li")
    expect(messages).to_have_count(1)  # the 政策解读 column is not followed
    expect(messages.get_by_role("heading")).to_contain_text(
        f"“示范市市场监督管理局 · 政策文件”更新：{POLICY_TITLE}"
    )
    expect(messages).to_contain_text("十条措施支持个体工商户减负增收。")
    assert_accessible(resident)
    assert_no_horizontal_overflow(resident)  # the message's long links wrap
    resident.screenshot(path=str(artifacts / "cms-policy-notification.png"), full_page=True)
    messages.get_by_role("link", name="查看详情").click()

    # The policy page: its facts and the link to its interpretation, which links back
    expect(resident.get_by_role("heading", level=1)).to_have_text(POLICY_TITLE)
    for term, value in POLICY_FACTS.items():
        expect(_policy_fact(resident, term)).to_have_text(value)
    assert_accessible(resident)
    resident.screenshot(path=str(artifacts / "cms-policy-page.png"), full_page=True)
    resident.get_by_role("link", name=INTERPRETATION_TITLE, exact=True).click()
    expect(resident.get_by_role("heading", level=1)).to_have_text(INTERPRETATION_TITLE)
    expect(resident.locator(".cms-related")).to_contain_text("解读的政策")
    assert_accessible(resident)
    resident.screenshot(path=str(artifacts / "cms-interpretation-page.png"), full_page=True)
    resident.get_by_role("link", name=POLICY_TITLE, exact=True).click()
    expect(resident.get_by_role("heading", level=1)).to_have_text(POLICY_TITLE)

    # The resident finds the policy by the full pinyin of a title word (typed in the search box)
    resident.goto(f"{base}/search/")
    search_box = resident.get_by_role("combobox", name="搜索")
    # a box a finger can hit, as big as the other fields (it was unstyled: 21 px high)
    assert search_box.bounding_box()["height"] >= 44
    search_box.fill("getigongshanghu")
    search_box.press("Enter")
    expect(_policy_hit(resident).get_by_role("link")).to_have_text(POLICY_TITLE)
    assert_accessible(resident)
    resident.screenshot(path=str(artifacts / "cms-policy-search.png"), full_page=True)
    # ... by its initials, and by 个体户, which the policy never says (the thesaurus's synonym)
    for query in ("gtgsh", "个体户"):
        resident.goto(f"{base}/search/?q={query}")
        expect(_policy_hit(resident).get_by_role("link")).to_have_text(POLICY_TITLE)
    _policy_hit(resident).get_by_role("link").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text(POLICY_TITLE)
    resident.set_viewport_size({"width": 390, "height": 844})
    assert_no_horizontal_overflow(resident)
    resident.screenshot(path=str(artifacts / "cms-policy-phone.png"), full_page=True)

    assert not blocked, "\n".join(blocked)
