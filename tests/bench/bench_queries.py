"""SQL queries and time of each page and list at 1,000 and 10,000 cases (``make bench``).

Builds one post (VIENNA) with its committee, a committee member who reads, a chair, and
``--officials`` case officers and committee members; opens one case through the action (with
facts: assessment, obligations, notices), then bulk-builds cases (three obligations each, one
of them overdue) and a notice per case for the reader, to 1,000 and then 10,000 cases. At each
size it reads every page and list as the committee member (a signed-in browser, or the API
with a token), once to warm up and then ``--runs`` times, and prints the queries of one read
and the median time. With ``--postgres URL`` it runs in a scratch database on that server
(dropped afterwards) and also prints the plan (``EXPLAIN ANALYZE``) of the case list's page.
Prints figures; never part of the test run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
SIZES = tuple(int(s) for s in os.environ.get("BENCH_QUERIES_SIZES", "1000,10000").split(","))
WALK_IN = {
    "nationalities": ["SU"],
    "escaped_control": True,
    "unwilling_to_return": True,
    "dissatisfied": True,
    "susceptible": True,
    "willing_to_defect": True,
    "special_value": ["information"],
    "requests": ["asylum"],
}


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def temporary_postgres(url: str) -> tuple[str, str]:
    import psycopg

    parts = urlsplit(url)
    name = f"defector_bench_queries_{os.getpid()}"
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), maintenance


def drop_postgres(maintenance: str, url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def cast(officials: int) -> dict[str, Any]:
    """The post, its committee, the reader, and the officials; one case opened by the action."""
    from django.contrib.auth import get_user_model

    from defector.cases import actions as case_actions
    from defector.committees import actions as committee_actions
    from defector.core import actions as core_actions
    from defector.directory.models import Agency, Official, Post, RoleAssignment

    post = Post.objects.create(code="VIENNA", name="Embassy Vienna", country="AT", city="Vienna")
    agency = Agency.objects.create(code="CIA", name="Central Intelligence Agency")
    users = get_user_model().objects

    def official(username: str, role: str) -> Any:
        user = users.create_user(username=username, first_name=username.title(), password=None)
        person = Official.objects.create(user=user, agency=agency, post=post, clearance="SECRET")
        RoleAssignment.objects.create(official=person, role=role, post=post)
        return user

    reader = official("reader", "committee_member")
    official("chair", "committee_chair")
    officer = official("officer", "case_officer")
    for number in range(officials):
        official(f"member{number}", "committee_member")
        official(f"officer{number}", "case_officer")
    committee, _ = committee_actions.ensure_committee(post)
    case = case_actions.open_case(
        acting_user=officer,
        post_id=post.pk,
        kind="walk_in",
        sensitivity="SECRET",
        true_name="Arkady Nikolayevich Shevchenko",
        facts=WALK_IN,
    )
    _, token = core_actions.create_api_token(acting_user=reader, user=reader, name="b", days=1)
    return {"post": post, "reader": reader, "case": case, "committee": committee, "token": token}


def grow(post: Any, reader: Any, start: int, stop: int) -> None:
    """Bulk-build cases ``start`` … ``stop - 1``: three obligations each (one overdue), and a
    notice of each for the reader."""
    from django.utils import timezone

    from defector.cases.models import Case, Obligation
    from defector.directory.models import Official
    from defector.notifications.models import Notice

    now = timezone.now()
    stages = ["reception", "assessment", "determination", "exploitation", "resettlement"]
    recipient = Official.objects.get(user=reader)
    batch = 1_000
    for first in range(start, stop, batch):
        numbers = range(first, min(first + batch, stop))
        cases = Case.objects.bulk_create(
            [
                Case(
                    cryptonym=f"BENCH{number:07d}",
                    post=post,
                    sensitivity="SECRET",
                    kind="walk_in",
                    stage=stages[number % len(stages)],
                    categories=["defector", "walk_in"],
                    opened_at=now - dt.timedelta(minutes=number),
                    received_at=now - dt.timedelta(minutes=number),
                )
                for number in numbers
            ]
        )
        Obligation.objects.bulk_create(
            [
                Obligation(
                    case=case,
                    identifier=identifier,
                    clause="6b(1)",
                    title="Bench obligation",
                    status="open",
                    arose_at=now - dt.timedelta(days=2),
                    due_at=now + dt.timedelta(days=days),
                )
                for case in cases
                for identifier, days in (("a", -1), ("b", 3), ("c", 30))
            ]
        )
        Notice.objects.bulk_create(
            [
                Notice(
                    recipient=recipient,
                    kind="case",
                    summary=f"Case {case.cryptonym} was opened",
                    link=f"/cases/{case.pk}/",
                    post=post,
                    created_at=now,
                )
                for case in cases
            ]
        )


def measure(pages: dict[str, str], the: dict[str, Any], runs: int) -> dict[str, tuple[int, float]]:
    """Per page: the queries of one read and the median time of ``runs`` reads (ms)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test import Client

    # One connection for the whole run, as a test client's (the count is of that connection).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)

    client = Client(SERVER_NAME="localhost")
    client.force_login(the["reader"])
    bearer = {"Authorization": f"Bearer {the['token']}"}
    figures = {}
    counted = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        counted[0] += 1
        return execute(sql, params, many, context)

    for name, path in pages.items():
        headers = bearer if path.startswith("/api/") else {}
        response = client.get(path, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        counted[0] = 0
        with connection.execute_wrapper(count):
            client.get(path, headers=headers)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(path, headers=headers)
            times.append((time.perf_counter() - started) * 1e3)
        figures[name] = (counted[0], statistics.median(times))
    return figures


def explain_case_list(reader: Any) -> str:
    from defector.cases import queries

    return queries.cases_for(reader)[:50].explain(analyze=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="run on PostgreSQL")
    parser.add_argument("--officials", type=int, default=20, help="officers and members each")
    parser.add_argument("--runs", type=int, default=5, help="timed reads of each page")
    args = parser.parse_args(argv)

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    state = tempfile.mkdtemp(prefix="defector-bench-queries-")
    os.environ["DEFECTOR_STATE_DIR"] = state
    os.environ["DJANGO_SETTINGS_MODULE"] = "defector.settings"
    os.environ["DEFECTOR_DEBUG"] = "false"
    os.environ["DEFECTOR_MFA_REQUIRED"] = "false"
    maintenance = ""
    if args.postgres:
        os.environ["DATABASE_URL"], maintenance = temporary_postgres(args.postgres)
    else:
        os.environ.pop("DATABASE_URL", None)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from defector.core import sealing

    os.environ[sealing.KEYS_ENV] = sealing.Keyring(
        primary="b1", keys={"b1": AESGCM.generate_key(256)}
    ).to_json()
    sealing.reset_keyring()
    try:
        call_command("migrate", verbosity=0)
        print(f"queries per page — {machine()}")
        print(f"database: {connection.vendor}; {args.officials} officers and members each")
        the = cast(args.officials)
        case, committee = the["case"], the["committee"]
        pages = {
            "case page": f"/cases/{case.pk}/",
            "case list page": "/cases/",
            "case list page, page 10": "/cases/?page=10",
            "case list API": "/api/v1/cases",
            "case read API": f"/api/v1/cases/{case.pk}",
            "committees page": "/committees/",
            "committee page": f"/committees/{committee.pk}/",
            "notifications page": "/notifications/",
            "notices API": "/api/v1/notifications/notices",
            "escalations page": "/escalations/",
            "problems API": "/api/v1/escalations/problems",
        }
        done = 0
        results = {}
        for size in SIZES:
            grow(the["post"], the["reader"], done, size)
            done = size
            results[size] = measure(pages, the, args.runs)
        header = "".join(f"{f'{size:,} cases':>22}" for size in SIZES)
        print(f"\n{'page':<26}{header}")
        print(f"{'':<26}" + "".join(f"{'queries':>10}{'median ms':>12}" for _ in SIZES))
        for name in pages:
            cells = "".join(
                f"{results[size][name][0]:>10}{results[size][name][1]:>12.1f}" for size in SIZES
            )
            print(f"{name:<26}{cells}")
        if args.postgres:
            print("\nthe case list's first page (EXPLAIN ANALYZE):")
            print(explain_case_list(the["reader"]))
        return 0
    finally:
        if args.postgres:
            drop_postgres(maintenance, os.environ["DATABASE_URL"])
        shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
