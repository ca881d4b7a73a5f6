"""The API documentation works in a real browser under its strict content security policy."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        lambda message: problems.append(message.text)
        if message.type == "error" and "Content Security Policy" in message.text
        else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_swagger_ui_renders_the_operations_without_a_policy_violation(live_server, page):
    from playwright.sync_api import expect

    problems = _watch(page)

    page.goto(f"{live_server.url}/api/docs/")

    expect(page.locator(".opblock").first).to_be_visible()
    expect(page.get_by_text("/api/v1/cases/applications/").first).to_be_visible()
    assert problems == []


def test_redoc_renders_the_operations_without_a_policy_violation(live_server, page):
    from playwright.sync_api import expect

    problems = _watch(page)

    page.goto(f"{live_server.url}/api/redoc/")

    expect(page.get_by_role("heading", name="Submit an application")).to_be_visible(timeout=60_000)
    assert problems == []
