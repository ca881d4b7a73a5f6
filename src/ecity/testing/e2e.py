"""Browser fixtures for the journeys in ``<app>/tests/e2e/``: Debian's chromium with Playwright.

``src/ecity/conftest.py`` imports the fixtures, so every app's browser tests share one browser
per test session. The browser tests are skipped when /usr/bin/chromium is missing on a
developer machine, and fail in CI (``CI=true``), where a missing browser must not turn into a
silent pass.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BLOCKING_IMPACTS = {"serious", "critical"}
VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless chromium for the whole session."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {message}")
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; Django would otherwise refuse ORM
    # calls made by the test (and by the live server's request handling) from it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _no_browser_loop_outside_browser_tests(request: pytest.FixtureRequest) -> Iterator[None]:
    """Hide the session browser's event loop from the tests that do not use the browser.

    Playwright's sync API leaves its event loop marked as running in this thread between calls,
    so after a browser test on the same worker ``asyncio.run`` (and any loop's
    ``run_until_complete``) in a later test failed with "cannot be called from a running event
    loop", depending on which tests the worker had run before.
    """
    if "browser" in request.fixturenames:
        yield
        return
    running = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(None)
    try:
        yield
    finally:
        asyncio.events._set_running_loop(running)


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """Open pages in separate browser contexts (own cookies): one per person in a journey."""
    contexts: list[Any] = []

    def open_page(locale: str = "zh-CN") -> Any:
        context = browser.new_context(locale=locale, viewport=VIEWPORT)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    """A fresh browser page (own cookies), in Chinese like most of our visitors."""
    return new_page()


@pytest.fixture
def artifacts(request: pytest.FixtureRequest) -> Path:
    """The folder for screenshots (git-ignored), at the repository root."""
    folder = Path(request.config.rootpath) / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder


def assert_accessible(page: Any) -> None:
    """Run axe-core on the page; fail on any violation of serious or critical impact."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = results.response["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    details = "\n".join(
        f"- [{v['impact']}] {v['id']}: {v['help']} "
        f"({', '.join(str(node['target']) for node in v['nodes'][:5])})"
        for v in blocking
    )
    assert not blocking, f"accessibility violations on {page.url}:\n{details}"


# The elements sticking out past the window's right edge, outside any element that scrolls or
# clips them (a ``.table-scroll`` region's table is inside its region, not past the window).
_OVERFLOW_SCRIPT = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const contained = (element) => {
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const wide = [...document.body.querySelectorAll("*")]
    .filter((e) => e.getBoundingClientRect().right > width + 1 && !contained(e))
    .slice(0, 5)
    .map((e) => e.tagName.toLowerCase() + (e.className ? "." + e.className : ""));
  return {scrollWidth: root.scrollWidth, width, wide};
}"""


def assert_no_horizontal_overflow(page: Any) -> None:
    """Fail when the document is wider than the window: the whole page would scroll sideways."""
    found = page.evaluate(_OVERFLOW_SCRIPT)
    assert found["scrollWidth"] <= found["width"], (
        f"{page.url} is {found['scrollWidth']} px wide in a {found['width']} px window; "
        f"sticking out: {', '.join(found['wide'])}"
    )
