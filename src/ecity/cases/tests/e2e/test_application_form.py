"""The application form in a real browser: a mistake keeps the files, focus goes to the errors,
and "Check your answers" comes before the case is submitted."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from ecity.cases.models import Case
from ecity.cases.selectors.materials import material_key
from ecity.testing.e2e import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # the identity factories' password


def _pdf(folder: Path, name: str) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = folder / name
    document = canvas.Canvas(str(path), pagesize=A4)
    document.drawString(72, 760, f"Floor plan: {name}")
    document.showPage()
    document.save()
    return path


def _log_in(page: Any, base: str, username: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}{reverse('identity:login')}")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()


def test_a_mistake_keeps_the_file_focuses_the_errors_then_answers_are_checked(
    live_server, new_page, joint, tmp_path, artifacts
):
    from playwright.sync_api import expect

    base = live_server.url
    page = new_page()
    _log_in(page, base, joint.citizen.username)
    page.goto(f"{base}{reverse('cases:apply', args=[joint.item.code])}")

    # The applicant uploads the floor plan but mistypes the ID number
    page.locator("[name=id_number]").fill("123")
    page.locator("[name=phone]").fill("13912345678")
    page.locator("[name=shop_name]").fill("小明面馆")
    page.locator("[name=area]").fill("35")
    key = material_key(joint.mandatory_material)
    page.locator(f'input[type=file][name="{key}"]').set_input_files(
        str(_pdf(tmp_path, "floor-plan.pdf"))
    )
    page.get_by_role("button", name="继续").click()

    # The errors get the focus; the file is kept and listed as already uploaded
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("公民身份号码")
    expect(page.locator("main")).to_contain_text("已上传文件：")
    expect(page.get_by_role("link", name="floor-plan.pdf")).to_be_visible()
    page.screenshot(path=str(artifacts / "apply-error-kept-file.png"), full_page=True)
    assert_accessible(page)

    # Corrected without choosing the file again: "Check your answers"
    page.locator("[name=id_number]").fill(joint.citizen.id_number)
    page.get_by_role("button", name="继续").click()
    page.wait_for_url(re.compile(r"/check/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("提交申请前，请核对填报内容")
    expect(page.locator("main")).to_contain_text("小明面馆")
    expect(page.locator("main")).to_contain_text("floor-plan.pdf")
    assert_accessible(page)

    # "Change" goes back to the field; continuing again returns to the check page
    page.get_by_role("link", name="修改 店铺名称", exact=True).click()
    page.wait_for_url(re.compile(r"#id_shop_name$"))
    page.locator("[name=shop_name]").fill("小明拉面馆")
    page.get_by_role("button", name="继续").click()
    page.wait_for_url(re.compile(r"/check/$"))
    expect(page.locator("main")).to_contain_text("小明拉面馆")

    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("您的申请已提交")
    case = Case.objects.get()
    assert case.form_data["shop_name"] == "小明拉面馆"
    assert case.attachments.get().original_name == "floor-plan.pdf"
