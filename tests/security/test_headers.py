"""Security headers on every page of the URL resolver and every API operation: a strict
Content-Security-Policy without 'unsafe-inline', frame-ancestors 'none', X-Frame-Options,
nosniff, Referrer-Policy, Cross-Origin-Opener-Policy, ``Cache-Control: no-store`` when signed
in; and HSTS in production."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def fill(route: str, world: Any) -> str:
    """A URL for a pattern, with the first case's id (or 1) for every parameter."""
    case = world.cases[("VIENNA", "SECRET")]
    url = route
    for converter in ("int", "slug", "str", "path", "uuid"):
        while f"<{converter}:" in url:
            start = url.index(f"<{converter}:")
            end = url.index(">", start)
            value = "resolve" if converter == "slug" else str(case.pk)
            url = url[:start] + value + url[end + 1 :]
    while "{" in url:
        start = url.index("{")
        url = url[:start] + str(case.pk) + url[url.index("}", start) + 1 :]
    return url


def check(response: Any, *, signed_in: bool, where: str) -> list[str]:
    problems = []
    csp = response.get("Content-Security-Policy", "")
    directives = {p.split()[0]: p.split()[1:] for p in csp.split(";") if p.strip()}
    if not csp:
        problems.append("no Content-Security-Policy")
    if "'unsafe-inline'" in csp or "'unsafe-eval'" in csp:
        problems.append(f"CSP allows unsafe code: {csp}")
    if directives.get("frame-ancestors") != ["'none'"]:
        problems.append("CSP frame-ancestors is not 'none'")
    if directives.get("script-src") != ["'self'"] or directives.get("object-src") != ["'none'"]:
        problems.append(f"CSP script-src/object-src not strict: {csp}")
    expected = {
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    for header, value in expected.items():
        if response.get(header) != value:
            problems.append(f"{header} is {response.get(header)!r}, not {value!r}")
    if signed_in and "no-store" not in response.get("Cache-Control", ""):
        problems.append("signed in, but no Cache-Control: no-store")
    return [f"{where} ({response.status_code}): {problem}" for problem in problems]


def test_every_page_and_api_operation_sends_the_security_headers(
    world: Any, routes: list[Any], operations: list[Any]
) -> None:
    signed_in = Client()
    signed_in.force_login(world.users["committee_chair"])
    anonymous = Client()
    problems: list[str] = []
    count = 0
    for route in routes:
        url = fill(route.route, world)
        for client, who in ((anonymous, False), (signed_in, True)):
            if route.name == "web:sign-out":
                continue
            problems += check(client.get(url), signed_in=who, where=f"GET {url}")
            count += 1
    for operation in operations:
        url = fill(operation.path, world)
        if operation.method != "GET":
            problems += check(
                anonymous.generic(operation.method, url, "{}", content_type="application/json"),
                signed_in=False,
                where=f"{operation.method} {url}",
            )
            count += 1
            continue
        for client, who in ((anonymous, False), (signed_in, True)):
            problems += check(client.get(url), signed_in=who, where=f"GET {url}")
            count += 1
    problems += check(anonymous.get("/no-such-page/"), signed_in=False, where="a 404 page")
    problems += check(
        anonymous.get("/api/v1/openapi.json"), signed_in=False, where="the OpenAPI document"
    )
    assert count > 100
    assert problems == [], "\n".join(problems)


def test_production_sends_hsts_with_preload(settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 63_072_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = Client().get("/sign-in/", secure=True)
    assert response["Strict-Transport-Security"] == ("max-age=63072000; includeSubDomains; preload")
