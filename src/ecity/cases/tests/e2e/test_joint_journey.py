"""一件事一次办 in a real browser: open a restaurant with one application.

A citizen of the demo city finds 开办餐馆 on its life event page, fills in one combined form
(each shared field once, each service's own fields in its section) and uploads each file once;
one submission creates four linked cases of three departments. They appear in the service
centre's acceptance queue; once the fire safety check is accepted it reaches the fire brigade's
review queue, and the citizen's one progress page shows every case with its departments' steps.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from ecity.cases.models import Case, JointApplication
from ecity.cases.selectors.joint import slot_key
from ecity.cases.tests.e2e.steps import (
    action_panel,
    demo_pdf,
    enrol_authenticator,
    log_in,
    open_queue,
)
from ecity.catalogue.joint.layout import joint_layout
from ecity.catalogue.joint.selectors import joint_service_get_published
from ecity.core.calendar import calendar_seed
from ecity.testing.e2e import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _field(page, name):
    return page.locator(f'[name="{name}"]')


def test_a_citizen_opens_a_restaurant_with_one_application_across_three_departments(
    live_server, new_page, artifacts, tmp_path
):
    from playwright.sync_api import expect

    base = live_server.url
    calendar_seed()
    call_command("load_demo", "--no-content", "--no-cases", "--hotline-tickets", "0", verbosity=0)
    # Staff who see unmasked personal data log in with a second factor.
    secrets = {name: enrol_authenticator(name) for name in ("clerk_zwb", "reviewer_xfj")}
    layout = joint_layout(joint_service_get_published(code="open-restaurant").current_version)
    mandatory = [slot for slot in layout.materials if slot.is_mandatory]

    # --- The citizen finds the joint application on the life event page --------------------
    citizen = new_page()
    log_in(citizen, base, "zhangwei")
    citizen.goto(f"{base}{reverse('catalogue:life_event_detail', args=['open-restaurant'])}")
    joint = citizen.locator("section.joint-services")
    expect(joint).to_contain_text("公众聚集场所投入使用、营业前消防安全检查")
    joint.get_by_role("link", name="一次申请：开办餐馆“一件事”").click()
    citizen.wait_for_url(re.compile(r"/cases/joint/apply/open-restaurant/$"))
    expect(citizen.get_by_role("heading", level=1)).to_have_text("一次申请：开办餐馆“一件事”")

    # --- One form: shared fields once (prefilled from the account), then each service's own ---
    expect(_field(citizen, "shared.contact_name")).to_have_value("张伟")
    expect(_field(citizen, "shared.mobile")).to_have_value("13800990001")
    assert _field(citizen, "services.SCJ-XK-001.uscc").count() == 0  # issued by the registration
    _field(citizen, "shared.operator_name").fill("示范市东城区张记小馆")
    _field(citizen, "shared.premises_address").fill("示范市东城区东华社区人民路18号一层")
    _field(citizen, "shared.floor_area").fill("96")
    _field(citizen, "shared.commitment").select_option(label="是")
    _field(citizen, "shared.delivery").select_option(label="免费邮寄")
    _field(citizen, "services.SCJ-DJ-002.business_scope").fill("餐饮服务")
    _field(citizen, "services.SCJ-XK-001.business_type").select_option(label="餐饮服务经营者")
    _field(citizen, "services.SCJ-XK-001.business_items").fill("热食类食品制售")
    _field(citizen, "services.WJW-XK-001.venue_type").select_option(label="住宿场所")
    _field(citizen, "services.XFJ-XK-001.floors").fill("一层")
    _field(citizen, "services.XFJ-XK-001.occupancy").fill("60")
    # --- and each file once, the operator's identity document for all four services ---------
    for index, slot in enumerate(mandatory):
        citizen.locator(f'input[type=file][name="{slot_key(slot)}"]').set_input_files(
            str(demo_pdf(tmp_path, f"material-{index + 1}.pdf"))
        )
    citizen.screenshot(path=str(artifacts / "joint-apply.png"), full_page=True)
    assert_accessible(citizen)
    citizen.get_by_role("button", name="提交申请").click()

    # --- One submission, four linked cases in three departments -----------------------------
    expect(citizen.get_by_role("heading", level=1)).to_have_text("您的申请已提交")
    number = citizen.locator(".joint-number").inner_text()
    application = JointApplication.objects.get(number=number)
    cases = [link.case for link in application.links.all()]
    assert [c.department.code for c in cases] == ["SCJ", "SCJ", "WJW", "XFJ"]
    assert all(c.status == Case.Status.SUBMITTED for c in cases)
    identity_files = {
        c.number: c.attachments.filter(material__name_zh__contains="身份证").count() for c in cases
    }
    assert set(identity_files.values()) == {1}
    table = citizen.get_by_role("table")
    for case in cases:
        expect(table).to_contain_text(case.number)

    # --- The cases appear in the departments' workbenches -----------------------------------
    clerk = new_page()
    log_in(clerk, base, "clerk_zwb", totp_secret=secrets["clerk_zwb"])
    open_queue(clerk, base, "待受理")
    for case in cases:
        expect(clerk.get_by_role("link", name=case.number)).to_be_visible()
    fire = cases[3]
    clerk.get_by_role("link", name=fire.number).click()
    expect(clerk.get_by_role("heading", level=1)).to_contain_text(fire.number)
    action_panel(clerk, "受理").get_by_role("button", name="受理办件").click()
    expect(clerk.locator("dl.facts").first).to_contain_text("办理中")

    brigade = new_page()
    log_in(brigade, base, "reviewer_xfj", totp_secret=secrets["reviewer_xfj"])
    open_queue(brigade, base, "待审查")
    expect(brigade.get_by_role("link", name=fire.number)).to_be_visible()

    # --- One progress page shows every case and each department's step ----------------------
    citizen.get_by_role("link", name="查看办理进度").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("开办餐馆“一件事”")
    rows = citizen.locator("table.joint-progress tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.filter(has_text=fire.number)).to_contain_text("办理中")
    # each case's department steps, the same table as on the case's own page
    fire_steps = citizen.locator("table.progress-steps").filter(has_text=fire.number)
    expect(fire_steps).to_contain_text("示范市消防救援支队")
    expect(fire_steps).to_contain_text("审查中")
    first_steps = citizen.locator("table.progress-steps").filter(has_text=cases[0].number)
    expect(first_steps).to_contain_text("审查中")
    expect(citizen.locator("dl.facts")).to_contain_text("4 件中已办结 0 件")
    citizen.screenshot(path=str(artifacts / "joint-progress.png"), full_page=True)
    assert_accessible(citizen)
