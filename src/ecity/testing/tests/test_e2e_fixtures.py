"""The shared browser must not change what the tests after it can do."""

from __future__ import annotations

import asyncio


def test_a_browser_test_opens_a_page(browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content("<p>12345</p>")
        assert page.text_content("p") == "12345"
    finally:
        context.close()


def test_a_test_after_a_browser_test_can_run_its_own_event_loop():
    # Before, Playwright's loop stayed marked as running in the thread after the first browser
    # test, and this failed with "asyncio.run() cannot be called from a running event loop".
    async def answer() -> int:
        await asyncio.sleep(0)
        return 42

    assert asyncio.run(answer()) == 42
