"""Headless Chromium proves that the Content-Security-Policy stops injected script: a page
into which markup was injected (an inline ``<script>``, an event handler attribute, a
``javascript:`` URL) runs none of it, and the browser reports each violation.

The injected page is served only by this test's URLconf, through every middleware of the site
(so with the site's real headers).
"""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")
PROBE_URLCONF = "defector_csp_probe_urls"
#: What an attacker managed to store and have shown, unescaped.
INJECTED = (
    "<script>window.pwned = 'inline script';</script>"
    '<img src="/static/no-such-image.png" onerror="window.pwned = \'event handler\'">'
    '<a id="bait" href="javascript:window.pwned=\'javascript url\'">bait</a>'
    '<div style="display:none" id="styled">styled</div>'
)


def injected_page(request: HttpRequest) -> HttpResponse:
    template = engines["django"].from_string(
        '{% extends "web/base.html" %}{% block content %}<h1>Injected</h1>'
        + INJECTED
        + "{% endblock %}"
    )
    return HttpResponse(template.render({}, request))


@pytest.fixture
def probe_urlconf(settings: Any) -> Iterator[None]:
    module = types.ModuleType(PROBE_URLCONF)
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("probe/injected/", injected_page),
        path("", include("defector.urls")),
    ]
    sys.modules[PROBE_URLCONF] = module
    settings.ROOT_URLCONF = PROBE_URLCONF
    yield
    sys.modules.pop(PROBE_URLCONF, None)


def test_injected_inline_script_does_not_run(
    live_server: Any, probe_urlconf: None, kit: Any
) -> None:
    if not CHROMIUM.exists():
        kit.skip_or_fail("browser", f"{CHROMIUM} does not exist (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        kit.skip_or_fail("browser", "the playwright package is not installed")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page()
            console: list[str] = []
            page.on("console", lambda message: console.append(message.text))
            response = page.goto(f"{live_server.url}/probe/injected/")
            assert response is not None
            assert response.status == 200
            assert "script-src 'self'" in response.headers["content-security-policy"]
            page.click("#bait")
            page.wait_for_timeout(300)
            pwned = page.evaluate("window.pwned")
            display = page.evaluate("getComputedStyle(document.getElementById('styled')).display")
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
    assert pwned is None, f"injected script ran: {pwned}"
    assert display != "none", "an inline style attribute was applied"
    violations = [line for line in console if "Content Security Policy" in line]
    assert len(violations) >= 2, console
    assert any("inline script" in line or "script-src" in line for line in violations)
