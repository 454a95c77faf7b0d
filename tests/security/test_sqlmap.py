"""sqlmap (Debian's package) against a live server on 127.0.0.1, signed in: every query and
path parameter of the API's GET operations (from the OpenAPI document) and every field of the
list and search pages' GET forms (found by fetching each page of the URL resolver that takes no
parameter) — none may be injectable.

To prove that the scan finds what it should, the same run first attacks a deliberately
injectable endpoint (raw SQL built by string formatting), which exists only in this test's
URLconf, and must find it.

Bounded: ``--level 1 --risk 1 --technique=BEUT --time-sec 1 --timeout 5``, and each target
stops after ``SQLMAP_TARGET_SECONDS``. ``DEFECTOR_SQLMAP_REPORT=FILE`` writes what was tested.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.attack]

SQLMAP = shutil.which("sqlmap")
SQLMAP_TARGET_SECONDS = int(os.environ.get("DEFECTOR_SQLMAP_TARGET_SECONDS", "90"))
PROBE_URLCONF = "defector_sqlmap_probe_urls"
#: Sample values: a real value keeps the page's answer stable for boolean inference.
SAMPLES = {"q": "VIE", "page": "1", "post": "1", "since": "1976-01-01", "until": "2030-01-01"}


def injectable_probe(request: HttpRequest) -> HttpResponse:
    """DELIBERATELY INJECTABLE — the raw SQL takes the parameter by string formatting. Served
    only by this test's URLconf, to prove that sqlmap finds such a flaw."""
    name = request.GET.get("name", "")
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM auth_user WHERE username = '%s'" % name  # noqa: S608, UP031
            )
            count = cursor.fetchone()[0]
    except Exception as exc:  # the error text is what error-based detection reads
        return HttpResponse(f"database error: {exc}", status=500)
    return HttpResponse(f"<p>{count} accounts match</p>")


@pytest.fixture
def probe_urlconf(settings: Any) -> Iterator[None]:
    module = types.ModuleType(PROBE_URLCONF)
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("probe/sql/", injectable_probe),
        path("", include("defector.urls")),
    ]
    sys.modules[PROBE_URLCONF] = module
    settings.ROOT_URLCONF = PROBE_URLCONF
    yield
    sys.modules.pop(PROBE_URLCONF, None)


class GetForms(HTMLParser):
    """The names of the fields of a page's ``<form method="get">``."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[str] = []
        self._in_get_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "form":
            self._in_get_form = (named.get("method") or "get").lower() == "get"
        elif self._in_get_form and tag in ("input", "select", "textarea"):
            name = named.get("name")
            kind = (named.get("type") or "").lower()
            if name and kind not in ("submit", "button", "hidden") and name not in self.fields:
                self.fields.append(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_get_form = False


@dataclass
class Target:
    label: str
    url: str
    params: list[str]


def targets(client: Client, routes: list[Any], operations: list[Any], case_id: int) -> list[Target]:
    found: list[Target] = []
    for route in routes:
        if route.params or route.name in ("web:sign-out",):
            continue
        response = client.get(route.route)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = GetForms()
        parser.feed(response.content.decode())
        if parser.fields:
            query = urlencode({name: SAMPLES.get(name, "x") for name in parser.fields})
            found.append(Target(route.name, f"{route.route}?{query}", parser.fields))
    for operation in operations:
        if operation.method != "GET" or not (operation.query or operation.params):
            continue
        url = operation.path
        for name in operation.params:
            url = url.replace("{" + name + "}", f"{case_id}*")
        query = urlencode({name: SAMPLES.get(name, "x") for name in operation.query})
        found.append(
            Target(
                operation.key,
                f"{url}?{query}" if query else url,
                [*operation.params, *operation.query],
            )
        )
    return found


def sqlmap(base: str, target: Target, cookie: str, out: Path) -> tuple[bool, str]:
    """Run sqlmap on one URL; (found an injection, its output)."""
    command = [
        str(SQLMAP),
        "-u",
        base + target.url,
        "--batch",
        "--level",
        "1",
        "--risk",
        "1",
        "--technique=BEUT",
        "--time-sec",
        "1",
        "--timeout",
        "5",
        "--retries",
        "0",
        "--threads",
        "1",
        "--cookie",
        cookie,
        "--output-dir",
        str(out),
        "--flush-session",
        "--disable-coloring",
        "--skip-waf",
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=SQLMAP_TARGET_SECONDS, check=False
        )
        output = done.stdout + done.stderr
    except subprocess.TimeoutExpired as exc:
        output = (
            (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else str(exc.stdout or "")
        )
        output += f"\n[timed out after {SQLMAP_TARGET_SECONDS} s]"
    found = bool(
        re.search(r"sqlmap identified the following injection point|is vulnerable", output)
    )
    return found, output


def test_sqlmap_finds_the_planted_flaw_and_no_injectable_parameter(
    live_server: Any,
    probe_urlconf: None,
    kit: Any,
    routes: list[Any],
    operations: list[Any],
    tmp_path: Path,
) -> None:
    if SQLMAP is None:
        kit.skip_or_fail("sqlmap", "sqlmap is not installed (apt-get install sqlmap)")
    world = kit.make_world()
    client = Client()
    client.force_login(world.users["committee_chair"])
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    case_id = world.cases[("VIENNA", "SECRET")].pk

    planted = Target("the planted flaw", "/probe/sql/?name=committee.chair", ["name"])
    found, output = sqlmap(live_server.url, planted, cookie, tmp_path / "probe")
    assert found, "sqlmap did not find the deliberately injectable parameter:\n" + output[-3000:]

    tested = targets(client, routes, operations, case_id)
    assert any(t.label.startswith("GET /api/") for t in tested)
    injectable: list[str] = []
    report = []
    for target in tested:
        found, output = sqlmap(live_server.url, target, cookie, tmp_path / "runs")
        report.append(
            {
                "target": target.label,
                "url": target.url,
                "parameters": target.params,
                "injectable": found,
                "timed_out": "[timed out" in output,
            }
        )
        if found:
            injectable.append(f"{target.label} ({target.url}):\n{output[-2000:]}")
    parameters = sum(len(t.params) for t in tested)
    summary = {"targets": len(tested), "parameters": parameters, "runs": report}
    if os.environ.get("DEFECTOR_SQLMAP_REPORT"):
        Path(os.environ["DEFECTOR_SQLMAP_REPORT"]).write_text(
            json.dumps(summary, indent=1), encoding="utf-8"
        )
    print(f"\nsqlmap: {len(tested)} targets, {parameters} parameters, {len(injectable)} injectable")
    assert injectable == [], "\n\n".join(injectable)
