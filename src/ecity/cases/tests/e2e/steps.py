"""Steps the browser journeys of the demo city share: logging in, opening queues, panels, files.

The journeys (``test_*_journey.py``) load the demo city (``load_demo``): these steps use its
accounts' password, its Chinese labels and the identity app's authenticator enrolment.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.utils import timezone

from ecity.demo.data.accounts import DEMO_PASSWORD
from ecity.identity.models import User
from ecity.identity.security import mfa, totp


def demo_pdf(folder: Path, name: str) -> Path:
    """A small but real PDF document (reportlab), as a scanner would produce."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = folder / name
    document = canvas.Canvas(str(path), pagesize=A4)
    document.drawString(72, 760, f"Shifan demo material: {name}")
    document.showPage()
    document.save()
    return path


def log_in(page: Any, base: str, username: str, *, totp_secret: str | None = None) -> None:
    """Log in through the login page (and the code step, for accounts with an authenticator)."""
    from playwright.sync_api import expect

    page.goto(f"{base}/")
    page.get_by_role("link", name="登录", exact=True).first.click()
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    if totp_secret is not None:
        page.wait_for_url(re.compile(r"/login/verify/"))
        code = totp.code_for_step(totp_secret, totp.time_step(timezone.now()))
        page.locator("input[name=code]").fill(code)
        page.get_by_role("button", name="验证并登录").click()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()


def enrol_authenticator(username: str) -> str:
    """Give a staff account a confirmed authenticator, as its owner would; return its secret."""
    user = User.objects.get(username=username)
    device = mfa.mfa_enrolment_start(user=user)
    # Confirm with the previous time step's code so that the current one is still unused.
    previous = totp.code_for_step(device.secret, totp.time_step(timezone.now()) - 1)
    mfa.mfa_enrolment_confirm(user=user, code=previous)
    return device.secret


def nav(page: Any, name: str) -> Any:
    """A link of the header's main navigation."""
    return page.get_by_role("navigation", name="主导航").get_by_role("link", name=name, exact=True)


def open_queue(page: Any, base: str, label: str) -> None:
    """Open the workbench's queue ``label`` (待受理, 待审查, 待决定, …)."""
    from playwright.sync_api import expect

    page.goto(f"{base}/")
    nav(page, "工作台").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")
    page.get_by_role("navigation", name="队列").get_by_role("link", name=label).click()


def action_panel(page: Any, title: str) -> Any:
    """The action panel of a case page whose heading is ``title`` (受理, 作出决定, …)."""
    return page.locator(".action-panel").filter(has=page.get_by_role("heading", name=title))
