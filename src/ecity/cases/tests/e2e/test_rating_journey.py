"""A low rating (差评) that leads somewhere, in a real browser.

In the demo city, 张伟's food business licence has been approved. He rates the service
"dissatisfied"; the rating becomes a rectification task of the market regulation bureau, which
its reviewer finds in the workbench's "low ratings" tab and answers; 张伟 reads the answer from
his messages and confirms that the problem is resolved; the public monthly ranking counts his
rating.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ecity.cases.models import Case, Rectification
from ecity.cases.selectors.rankings import department_rankings
from ecity.cases.tests.e2e.steps import enrol_authenticator, log_in, nav
from ecity.core.calendar import calendar_seed
from ecity.testing.e2e import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

COMMENT = "窗口让我来回跑了三趟，每次要求的材料都不一样。"
ANSWER = "经核查，窗口人员未一次性告知所需材料。已对其批评教育，并将材料清单张贴在窗口。"


def _scj_dissatisfied() -> int:
    rows = department_rankings(month=timezone.localdate())
    return next((r.dissatisfied for r in rows if r.department.code == "SCJ"), 0)


def test_a_low_rating_is_rectified_confirmed_and_counted_in_the_ranking(
    live_server, new_page, artifacts
):
    from playwright.sync_api import expect

    base = live_server.url
    calendar_seed()
    call_command("load_demo", "--no-content", "--hotline-tickets", "0", verbosity=0)
    case = Case.objects.get(applicant__username="zhangwei", status=Case.Status.APPROVED)
    dissatisfied_before = _scj_dissatisfied()

    # --- 张伟 rates his decided case "dissatisfied" ------------------------------------------
    citizen = new_page()
    log_in(citizen, base, "zhangwei")
    nav(citizen, "我的办件").click()
    citizen.get_by_role("row").filter(has_text=case.number).get_by_role(
        "link", name=case.number
    ).click()
    rating_form = citizen.locator("form").filter(has=citizen.get_by_role("button", name="提交评价"))
    rating_form.get_by_role("radio", name="不满意", exact=True).check()
    rating_form.get_by_label("意见（可选）").fill(COMMENT)
    rating_form.get_by_role("button", name="提交评价").click()

    expect(citizen.get_by_role("heading", level=1)).to_have_text(f"办件 {case.number} 的评价")
    expect(citizen.locator(".rating-level")).to_have_text("不满意")
    expect(citizen.locator(".rectification-stage")).to_have_text("整改中")
    citizen.screenshot(path=str(artifacts / "rating-low-sent.png"), full_page=True)
    assert_accessible(citizen)
    rectification = Rectification.objects.get(rating__case=case)
    assert (rectification.department.code, rectification.stage) == ("SCJ", "rectifying")

    # --- The market regulation bureau's reviewer answers in the rectification task ---------
    # (reviewers see personal data unmasked: they log in with a code from their authenticator)
    reviewer = new_page()
    log_in(reviewer, base, "reviewer_scj", totp_secret=enrol_authenticator("reviewer_scj"))
    nav(reviewer, "工作台").click()
    reviewer.get_by_role("navigation", name="队列").get_by_role(
        "link", name=re.compile("差评整改")
    ).click()
    expect(reviewer.get_by_role("heading", level=2).first).to_have_text("待整改的差评")
    reviewer.get_by_role("link", name=case.number).click()
    expect(reviewer.get_by_role("heading", level=1)).to_have_text(f"办件 {case.number} 的评价")
    expect(reviewer.locator("main")).to_contain_text(COMMENT)
    panel = reviewer.locator(".action-panel").filter(
        has=reviewer.get_by_role("heading", name="答复评价人")
    )
    panel.get_by_label("给评价人的答复").fill(ANSWER)
    reviewer.screenshot(path=str(artifacts / "rating-rectification.png"), full_page=True)
    assert_accessible(reviewer)
    panel.get_by_role("button", name="发送答复").click()
    expect(reviewer.locator(".rectification-stage")).to_have_text("已答复，待评价人确认")

    # --- 张伟 reads the answer from his messages and confirms it is resolved ----------------
    citizen.goto(f"{base}{reverse('notify:inbox')}")
    message = citizen.locator("article").filter(has_text="部门已答复您对")
    expect(message).to_contain_text(ANSWER)
    message.get_by_role("link", name=f"办件 {case.number} 的评价").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text(f"办件 {case.number} 的评价")
    expect(citizen.locator("main")).to_contain_text(ANSWER)
    confirm = citizen.locator("form").filter(has=citizen.get_by_role("button", name="提交"))
    confirm.get_by_role("radio", name="是，已解决").check()
    confirm.get_by_role("button", name="提交").click()
    expect(citizen.locator(".rectification-stage")).to_have_text("已解决（评价人确认）")
    rectification.refresh_from_db()
    assert rectification.stage == "resolved"

    # --- Anyone sees the rating counted in this month's ranking ------------------------------
    public = new_page()
    public.goto(f"{base}/")
    public.get_by_role("contentinfo").get_by_role("link", name="部门好差评排名").click()
    expect(public.get_by_role("heading", level=1)).to_have_text("部门好差评排名")
    row = public.locator('tr[data-department="SCJ"]')
    dissatisfied_column = 8  # rank, department, rate, ratings, then the five levels
    expect(row.locator("td, th").nth(dissatisfied_column - 1)).to_have_text(
        str(dissatisfied_before + 1)
    )
    assert _scj_dissatisfied() == dissatisfied_before + 1
    public.screenshot(path=str(artifacts / "rating-rankings.png"), full_page=True)
    assert_accessible(public)
