"""Browser tests: Playwright driving Debian's Chromium (``/usr/bin/chromium``), never a download.

axe-core (``vendor/axe.min.js``) is injected as an init script, which the DevTools protocol
runs outside the page's Content-Security-Policy; the policy itself stays enforced, so a page
that breaks it fails the test (see :class:`BrowserProblems`).

``DEFECTOR_E2E_SCREENSHOTS=DIR`` saves a full-page screenshot of each page a test names.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from support.require import skip_or_fail

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
#: WCAG 2.2 level A and AA (axe-core tags each success criterion by the version that added it).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium for one test module.

    Playwright's sync API keeps an event loop running in this thread, so Django's ORM (fixtures
    creating users, flushing the database) needs ``DJANGO_ALLOW_ASYNC_UNSAFE`` while the
    browser lives. It is set for that time only: set for the whole session, it would leak
    into other tests (``check --deploy`` fails on it with async.E001).
    """
    if not CHROMIUM.exists():
        skip_or_fail("browser", f"{CHROMIUM} does not exist (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("browser", "the playwright package is not installed")
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@dataclass
class BrowserProblems:
    """What went wrong in the browser: console errors (CSP violations among them), failed
    requests and error responses for assets."""

    items: list[str] = field(default_factory=list)

    def watch(self, page: Any) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.items.append(f"page error: {error}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    def _on_request_failed(self, request: Any) -> None:
        # A request the browser gave up because the page moved on (a click that navigates
        # before the favicon arrived) is no fault of the page; any other failure is.
        if "ERR_ABORTED" in str(request.failure or ""):
            return
        self.items.append(f"request failed: {request.url} ({request.failure})")

    def _on_console(self, message: Any) -> None:
        if message.type == "error":
            self.items.append(f"console error: {message.text}")

    def _on_response(self, response: Any) -> None:
        if "/static/" in response.url and response.status >= 400:
            self.items.append(f"{response.status} for {response.url}")


@pytest.fixture
def problems() -> BrowserProblems:
    return BrowserProblems()


def new_context(browser: Any, base_url: str, viewport: dict[str, int] | None = None) -> Any:
    """A fresh browser context (no cookies) on ``base_url``, with axe-core available."""
    context = browser.new_context(base_url=base_url, viewport=viewport or DESKTOP)
    context.add_init_script(path=str(AXE))
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def page(browser: Any, live_server: Any, problems: BrowserProblems) -> Iterator[Any]:
    """A fresh browser context (no cookies) on the live server, with axe-core available."""
    context = new_context(browser, live_server.url)
    opened = context.new_page()
    problems.watch(opened)
    yield opened
    context.close()


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{violation['helpUrl']}]"
        )
        for node in violation["nodes"][:5]:
            lines.append(f"    at {json.dumps(node['target'])}")
            lines.append("      " + node["summary"].replace("\n", "\n      "))
    return "\n".join(lines)


def axe_violations(page: Any) -> str:
    """What axe-core finds against WCAG 2.2 A/AA on the page as it is now, one line per
    violation and node (empty: nothing)."""
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary || ""})),
            }));
        }""",
        WCAG_TAGS,
    )
    return format_violations(violations)


def _assert_accessible(page: Any) -> None:
    """axe-core finds no WCAG 2.2 A/AA violation on the page as it is now."""
    found = axe_violations(page)
    assert not found, f"axe-core found WCAG 2.2 A/AA violations on {page.url}:\n{found}"


def _screenshot(page: Any, name: str) -> None:
    """Save a full-page screenshot when ``DEFECTOR_E2E_SCREENSHOTS`` names a directory."""
    directory = os.environ.get("DEFECTOR_E2E_SCREENSHOTS")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)


@pytest.fixture
def assert_accessible() -> Callable[[Any], None]:
    """``assert_accessible(page)``: axe-core finds no WCAG 2.2 A/AA violation on the page."""
    return _assert_accessible


@pytest.fixture
def open_context(browser: Any, live_server: Any) -> Callable[..., Any]:
    """``open_context(viewport=None)``: a fresh context on the live server, axe-core loaded."""

    def open_(viewport: dict[str, int] | None = None) -> Any:
        return new_context(browser, live_server.url, viewport)

    return open_


@pytest.fixture
def check_axe() -> Callable[[Any], str]:
    """``check_axe(page)``: axe-core's WCAG 2.2 A/AA violations on the page, as text."""
    return axe_violations


@pytest.fixture
def screenshot() -> Callable[[Any, str], None]:
    """``screenshot(page, name)``: kept in ``$DEFECTOR_E2E_SCREENSHOTS/name.png`` if set."""
    return _screenshot
