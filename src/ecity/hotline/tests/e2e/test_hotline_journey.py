"""The 12345 hotline's closed loop in a real browser (issue 11's proof).

An agent takes a call in the agent console: the caller's earlier ticket appears as the phone
number is typed and a knowledge article as the request is typed; the ticket is saved for the
dispatcher, who dispatches it with the suggestion (three departments with scores; the first is
the sub-district office of the caller's street). The office signs for it and returns it once with
a reason; the dispatcher sees it back and dispatches it to 城管局, whose handler signs for it and
answers. The hotline centre reviews the answer and closes the ticket. The callback is 不满意:
the ticket is reopened to 城管局 and the dispatchers are told. 城管局 answers again, the centre
closes it, and the caller follows it with the ticket number and query code, reads the answer and
the steps, and rates it. The hotspot page shows noise complaints rising.

Each person has their own browser context and signs in through the sign-in page. axe-core runs
on every page; the console, the ticket page and the citizen's page are also checked on a phone
(390×844) and in English.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from ecity.hotline.models import Callback, Ticket
from ecity.hotline.tests.e2e.conftest import CALLER_PHONE, PASSWORD
from ecity.testing.e2e import VIEWPORT, assert_accessible, assert_no_horizontal_overflow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESCRIPTION = "吉庆社区旁边的工地夜间施工，噪音很大，已经连续三晚，影响休息。"
RETURN_REASON = "工地施工噪音属城管执法事项，本街道无执法权，请改派城管局。"
FIRST_ANSWER = "经查，该工地已办理夜间施工许可，已要求其22时后停止高噪音作业。"
CALLBACK_COMMENT = "昨晚仍在施工，问题没有解决。"
SECOND_ANSWER = "城管执法中队已于夜间现场检查，责令工地停止夜间施工并罚款，市民确认已无噪音。"


def _log_in(page: Any, base: str, username: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}{reverse('identity:login')}")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()


def _shot(page: Any, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"hotline-{name}.png"), full_page=True)


def _fact(page: Any, term: str) -> Any:
    """The value of a term in the ticket page's facts (``<dl class="facts">``)."""
    return page.locator(f"dl.facts dt:text-is('{term}') + dd")


def _act(page: Any, name: str) -> Any:
    """The section of one action form on a ticket page (签收, 退回派单员 …)."""
    return page.locator("section.case-section").filter(
        has=page.get_by_role("heading", level=2, name=name, exact=True)
    )


def _submit(page: Any, name: str) -> None:
    _act(page, name).get_by_role("button", name=name, exact=True).click()


def _open_work_ticket(page: Any, base: str, number: str, *, tab: str = "待签收") -> None:
    """Open ``number`` from the department's worklist, in the list (tab) named ``tab``."""
    page.goto(f"{base}{reverse('hotline:work')}")
    page.get_by_role("navigation", name="列表").get_by_role("link", name=re.compile(tab)).click()
    page.get_by_role("link", name=number).click()
    page.wait_for_url(re.compile(rf"/hotline/work/{number}/$"))


def _open_supervision_ticket(page: Any, base: str, number: str) -> None:
    page.goto(f"{base}{reverse('hotline:supervision')}")
    page.get_by_role("link", name=number).click()
    page.wait_for_url(re.compile(rf"/hotline/supervision/{number}/$"))


def _sign_and_answer(page: Any, base: str, number: str, answer: str, *, sign: bool) -> None:
    """城管局's handler: answer the ticket (signing for it first when it waits for that)."""
    from playwright.sync_api import expect

    _open_work_ticket(page, base, number, tab="待签收" if sign else "办理中")
    if sign:
        _submit(page, "签收")
        expect(page.get_by_role("status")).to_contain_text("已签收工单")
        expect(_fact(page, "状态")).to_have_text("办理中")
    _act(page, "答复市民").locator("textarea").fill(answer)
    assert_accessible(page)
    _submit(page, "答复市民")
    expect(_fact(page, "状态")).to_have_text("已答复，待审核")
    expect(page.locator("main")).to_contain_text(answer)


def _review_and_close(page: Any, base: str, number: str) -> None:
    from playwright.sync_api import expect

    _open_supervision_ticket(page, base, number)
    review = _act(page, "审核答复")
    review.get_by_label("通过并办结").check()
    assert_accessible(page)
    _submit(page, "审核答复")
    expect(_fact(page, "状态")).to_have_text("已办结")


def test_a_call_is_dispatched_returned_answered_reopened_by_the_callback_and_rated(
    live_server, new_page, artifacts, hotline_journey
):
    from playwright.sync_api import expect

    base = live_server.url
    city = hotline_journey

    # --- 1. The agent takes the call ------------------------------------------------------------
    agent = new_page()
    _log_in(agent, base, "agent_12345")
    agent.goto(f"{base}{reverse('hotline:console')}")
    expect(agent.get_by_role("heading", level=1)).to_have_text("话务坐席")
    assert_accessible(agent)
    # ... the caller's earlier ticket appears as the number is typed
    agent.locator("#id_caller_phone").press_sequentially(CALLER_PHONE)
    history = agent.locator("#caller-history")
    expect(history.get_by_role("heading", name="该来电人的历史工单")).to_be_visible()
    expect(history).to_contain_text(city.earlier.number)
    expect(history).to_contain_text("已办结")
    agent.locator("#id_caller_name").fill("李女士")
    agent.locator("#id_kind").select_option("complaint")
    agent.locator("#id_category").select_option("NOISE")
    # ... and the knowledge base suggests the article on night-time building as it is typed
    agent.locator("#id_description").press_sequentially(DESCRIPTION[:20])
    results = agent.locator("#knowledge-results")
    expect(results.get_by_role("link", name=city.article.title)).to_be_visible()
    agent.locator("#id_description").fill(DESCRIPTION)
    agent.locator("#id_address").fill("江岸区吉庆街88号工地")
    agent.locator("#id_region").select_option(city.community.code)
    expect(agent.get_by_label("保存，交派单员处理")).to_be_checked()
    assert_accessible(agent)
    _shot(agent, artifacts, "1-console")
    agent.get_by_role("button", name="保存工单").click()
    saved = agent.get_by_role("status")
    expect(saved).to_contain_text("已受理，待派单")
    match = re.search(r"工单 (\S+) 已保存.*查询码：(\w+)", saved.inner_text())
    assert match, saved.inner_text()
    number, query_code = match.groups()
    ticket = Ticket.objects.get(number=number)
    assert ticket.query_code == query_code
    assert ticket.category == city.noise and ticket.region == city.community

    # --- 2. The dispatcher dispatches with the suggestion: the street's office -------------------
    dispatcher = new_page()
    _log_in(dispatcher, base, "dispatch_12345")
    dispatcher.goto(f"{base}{reverse('hotline:dispatch')}")
    row = dispatcher.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text("已受理，待派单")
    expect(row).to_contain_text("大智街道办事处")
    assert_accessible(dispatcher)
    row.get_by_role("link", name=number).click()
    expect(dispatcher.get_by_role("heading", level=1)).to_contain_text(number)
    suggestions = dispatcher.locator("main h2:text-is('建议承办单位') + ol > li")
    expect(suggestions).to_have_count(3)
    expect(suggestions.nth(0)).to_contain_text("大智街道办事处")
    expect(suggestions.nth(0)).to_contain_text("得分 0.8")
    expect(suggestions.nth(1)).to_contain_text("城管局")
    expect(suggestions.nth(2)).to_contain_text("生态环境局")
    for index in range(3):
        expect(suggestions.nth(index)).to_contain_text(re.compile(r"得分 \d\.\d+"))
    assert_accessible(dispatcher)
    _shot(dispatcher, artifacts, "2-dispatch")
    # ... the form starts with the first suggestion chosen
    dispatch_form = dispatcher.locator("main form").filter(has=dispatcher.locator("#id_department"))
    expect(dispatcher.locator("#id_department")).to_have_value("DZJD")
    dispatch_form.get_by_role("button", name="派单", exact=True).click()
    expect(dispatcher.get_by_role("status")).to_contain_text(f"工单 {number} 已派单")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.DISPATCHED and ticket.department == city.office

    # --- 3. The sub-district office signs for it and returns it with a reason --------------------
    office = new_page()
    _log_in(office, base, "handler_dzjd")
    office.goto(f"{base}{reverse('hotline:work')}")
    expect(office.get_by_role("row").filter(has_text=number)).to_contain_text("已派单，待签收")
    assert_accessible(office)
    _open_work_ticket(office, base, number)
    expect(_fact(office, "状态")).to_have_text("已派单，待签收")
    expect(_fact(office, "承办单位")).to_have_text("大智街道办事处")
    assert_accessible(office)
    _submit(office, "签收")
    expect(_fact(office, "状态")).to_have_text("办理中")
    _act(office, "退回派单员").locator("textarea").fill(RETURN_REASON)
    _submit(office, "退回派单员")
    expect(office.get_by_role("status")).to_contain_text("工单已退回派单员")
    # ... and, the ticket no longer theirs, they are back on their worklist
    expect(office.get_by_role("heading", level=1)).to_have_text("热线工单办理")
    assert_accessible(office)
    _shot(office, artifacts, "3-returned")

    # ... the dispatcher sees it back, with the reason, and dispatches it to 城管局
    dispatcher.goto(f"{base}{reverse('hotline:dispatch')}")
    row = dispatcher.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text("已退单")
    row.get_by_role("link", name=number).click()
    sent_back = dispatcher.get_by_role("region", name="退回原因")
    expect(sent_back).to_contain_text("退单 · 大智街道办事处")
    expect(sent_back).to_contain_text(RETURN_REASON)
    dispatcher.locator("#id_department").select_option("CGJ")
    dispatcher.locator("#id_note").fill("请城管局依法查处。")
    assert_accessible(dispatcher)
    dispatch_form.get_by_role("button", name="派单", exact=True).click()
    expect(dispatcher.get_by_role("status")).to_contain_text(f"工单 {number} 已派单")

    # ... 城管局's handler signs for it, handles it and answers
    urban = new_page()
    _log_in(urban, base, "handler_cgj")
    _sign_and_answer(urban, base, number, FIRST_ANSWER, sign=True)
    _shot(urban, artifacts, "3-answered")

    # --- 4. The hotline centre reviews the answer and closes the ticket -------------------------
    dispatcher.goto(f"{base}{reverse('hotline:supervision')}")
    expect(dispatcher.get_by_role("row").filter(has_text=number)).to_contain_text("已答复，待审核")
    assert_accessible(dispatcher)
    _review_and_close(dispatcher, base, number)

    # --- 5. The callback: 不满意, the ticket goes back to 城管局 ------------------------------
    agent.goto(f"{base}{reverse('hotline:callback_tasks')}")
    row = agent.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text("城管局")
    assert_accessible(agent)
    row.get_by_role("link", name=number).click()
    callback = _act(agent, "登记回访")
    callback.get_by_label("否").check()
    callback.get_by_label("不满意").check()
    callback.get_by_label("回访方式").select_option("phone")
    callback.get_by_label("意见").fill(CALLBACK_COMMENT)
    assert_accessible(agent)
    _submit(agent, "登记回访")
    expect(_fact(agent, "状态")).to_have_text("办理中")
    expect(_fact(agent, "承办单位")).to_have_text("城管局")
    timeline = agent.locator("main ol.ticket-timeline")
    expect(timeline).to_contain_text("重办")
    expect(timeline).to_contain_text(CALLBACK_COMMENT)
    _shot(agent, artifacts, "5-reopened")
    ticket.refresh_from_db()
    assert ticket.reopen_count == 1 and ticket.department == city.urban
    # ... and the hotline centre's dispatcher is told
    dispatcher.goto(f"{base}{reverse('notify:inbox')}")
    expect(dispatcher.locator("main")).to_contain_text(f"工单 {number} 已重办")
    assert_accessible(dispatcher)

    # --- 6. 城管局 answers again; the centre closes; the caller follows and rates it ---------
    _sign_and_answer(urban, base, number, SECOND_ANSWER, sign=False)
    _review_and_close(dispatcher, base, number)

    citizen = new_page()
    citizen.goto(f"{base}{reverse('hotline:query')}")
    citizen.get_by_label("工单编号").fill(number)
    citizen.get_by_label("查询码").fill(query_code)
    citizen.get_by_role("button", name="查询").click()
    result = citizen.get_by_role("region", name=f"工单 {number}")
    expect(result.locator("dl.facts")).to_contain_text("已办结")
    expect(result).to_contain_text(SECOND_ANSWER)
    expect(result).not_to_contain_text(FIRST_ANSWER)
    steps = result.locator("ol.timeline > li")
    for label in ("受理", "派单", "签收", "办结", "回访", "重办"):
        expect(steps.filter(has_text=label).first).to_be_visible()
    expect(result).not_to_contain_text(CALLER_PHONE)
    assert_accessible(citizen)
    _shot(citizen, artifacts, "6-query")
    result.get_by_role("link", name="评价诉求办理情况").click()
    citizen.get_by_label("查询码").fill(query_code)
    citizen.get_by_label("是").check()
    citizen.get_by_label("满意", exact=True).check()
    citizen.get_by_label("意见").fill("处理及时，谢谢。")
    assert_accessible(citizen)
    citizen.get_by_role("button", name="提交评价").click()
    expect(citizen.get_by_role("status")).to_contain_text("谢谢，您的评价已记录。")
    expect(citizen.locator("main")).to_contain_text("该诉求已评价，谢谢。")
    assert_accessible(citizen)
    rating = Callback.objects.get(ticket=ticket, cycle=1)
    assert rating.method == Callback.Method.WEB and rating.satisfaction == "satisfied"
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED

    # --- 7. The hotspot page: noise complaints rise ---------------------------------------------
    dispatcher.goto(f"{base}{reverse('hotline:hotspots')}")
    by_category = dispatcher.get_by_role("table", name="按分类统计工单")
    expect(by_category.locator("tbody tr").first).to_contain_text("噪音扰民")
    rising = dispatcher.get_by_role("table", name="上升热词")
    expect(rising.locator("tbody tr").filter(has_text="噪音").first).to_be_visible()
    assert_accessible(dispatcher)
    _shot(dispatcher, artifacts, "7-hotspots")

    # --- A phone and English: the console, the ticket page and the citizen's page ---------------
    for page, path in (
        (agent, reverse("hotline:console")),
        (urban, reverse("hotline:work_ticket", kwargs={"number": number})),
        (citizen, reverse("hotline:query")),
    ):
        page.set_viewport_size(PHONE)
        page.goto(f"{base}/en{path}")
        if page is citizen:
            page.get_by_label("Ticket number").fill(number)
            page.get_by_label("Query code").fill(query_code)
            page.get_by_role("button", name="Look up").click()
            expect(page.locator("main")).to_contain_text(SECOND_ANSWER)
        expect(page.locator("html")).to_have_attribute("lang", "en")
        assert_no_horizontal_overflow(page)
        assert_accessible(page)
        name = path.strip("/").split("/")[1]
        _shot(page, artifacts, f"phone-en-{name}")
        page.set_viewport_size(VIEWPORT)
