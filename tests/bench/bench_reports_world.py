"""Washington's worldwide view (``6d``) at scale: SQL queries and time of its page, filtered
pages, the facets API and the CSV at 10,000 and 100,000 cases (``make bench``).

Builds 20 posts (in 10 countries) and an IDC member who reads, then bulk-builds cases (each
with its open ``report_to_idc`` period, one in five overdue), a sent report on one case in
three, a requirement on one in two (status by turn) and a proposal awaiting decision on one in
ten, to each size. At each size it reads every page as the IDC member, once to warm up and
then ``--runs`` times, and prints the queries of one read and the median time. With
``--postgres URL`` it runs in a scratch database on that server (dropped afterwards) and
prints the plan (``EXPLAIN ANALYZE``) of the filtered count. Prints figures; never part of the
test run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "bench"))
SIZES = tuple(int(s) for s in os.environ.get("BENCH_WORLD_SIZES", "10000,100000").split(","))

from bench_queries import drop_postgres, machine, temporary_postgres  # noqa: E402


def cast() -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    from defector.core import actions as core_actions
    from defector.directory.models import Agency, Official, Post, RoleAssignment
    from defector.exploitation.models import Requirement

    agency = Agency.objects.create(code="CIA", name="Central Intelligence Agency")
    posts = [
        Post.objects.create(
            code=f"POST{n:02d}", name=f"Embassy {n}", country=f"C{n % 10}", city=f"City {n}"
        )
        for n in range(20)
    ]
    user = get_user_model().objects.create_user(username="idc", first_name="Idc", password=None)
    reader = Official.objects.create(user=user, agency=agency, clearance="TOP SECRET")
    RoleAssignment.objects.create(official=reader, role="idc_member", post=None)
    requirement = Requirement.objects.create(
        code="DCI-1",
        title="Order of battle",
        issuing_agency=agency,
        active_from=dt.date(1976, 5, 18),
    )
    _, token = core_actions.create_api_token(acting_user=user, user=user, name="b", days=1)
    return {
        "posts": posts,
        "reader": user,
        "official": reader,
        "agency": agency,
        "requirement": requirement,
        "token": token,
    }


def grow(the: dict[str, Any], start: int, stop: int) -> None:
    from django.utils import timezone

    from defector.cases.models import Case, Obligation
    from defector.exploitation.models import CaseRequirement
    from defector.publicity.models import Proposal
    from defector.reports.models import StatusReport

    now = timezone.now()
    stages = ["reception", "assessment", "determination", "exploitation", "resettlement"]
    statuses = ["not_started", "in_progress", "satisfied", "not_applicable"]
    posts = the["posts"]
    batch = 2_000
    for first in range(start, stop, batch):
        numbers = range(first, min(first + batch, stop))
        cases = Case.objects.bulk_create(
            [
                Case(
                    cryptonym=f"WORLD{number:07d}",
                    post=posts[number % len(posts)],
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
                    identifier="report_to_idc",
                    clause="6d",
                    title="Keep the Interagency Defector Committee informed",
                    status="open",
                    arose_at=now - dt.timedelta(days=31),
                    due_at=now + dt.timedelta(days=-1 if case.pk % 5 == 0 else 10),
                )
                for case in cases
            ]
        )
        StatusReport.objects.bulk_create(
            [
                StatusReport(
                    case=case,
                    post=case.post,
                    number=1,
                    status="sent",
                    contents={"case": {"cryptonym": case.cryptonym}},
                    prepared_by=the["official"],
                    drafted_by=the["official"],
                    sent_by=the["official"],
                    sent_at=now,
                    period=1,
                )
                for case in cases
                if case.pk % 3 == 0
            ]
        )
        CaseRequirement.objects.bulk_create(
            [
                CaseRequirement(
                    case=case,
                    requirement=the["requirement"],
                    status=statuses[case.pk % 4],
                    added_by_agency=the["agency"],
                )
                for case in cases
                if case.pk % 2 == 0
            ]
        )
        Proposal.objects.bulk_create(
            [
                Proposal(case=case, proposed_by=the["official"])
                for case in cases
                if case.pk % 10 == 0
            ]
        )


def measure(pages: dict[str, str], the: dict[str, Any], runs: int) -> dict[str, tuple[int, float]]:
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test import Client

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    client = Client(SERVER_NAME="localhost")
    client.force_login(the["reader"])
    bearer = {"Authorization": f"Bearer {the['token']}"}
    counted = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        counted[0] += 1
        return execute(sql, params, many, context)

    def read(path: str, headers: dict[str, str]) -> Any:
        response = client.get(path, headers=headers)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        return response

    figures = {}
    for name, path in pages.items():
        headers = bearer if path.startswith("/api/") else {}
        response = read(path, headers)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        counted[0] = 0
        with connection.execute_wrapper(count):
            read(path, headers)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            read(path, headers)
            times.append((time.perf_counter() - started) * 1e3)
        figures[name] = (counted[0], statistics.median(times))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="run on PostgreSQL")
    parser.add_argument("--runs", type=int, default=3, help="timed reads of each page")
    parser.add_argument("--csv", action="store_true", help="also time the whole CSV")
    args = parser.parse_args(argv)

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    state = tempfile.mkdtemp(prefix="defector-bench-world-")
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
    from defector.reports.queries.world import Filters, _filtered

    os.environ[sealing.KEYS_ENV] = sealing.Keyring(
        primary="b1", keys={"b1": AESGCM.generate_key(256)}
    ).to_json()
    sealing.reset_keyring()
    try:
        call_command("migrate", verbosity=0)
        print(f"worldwide view — {machine()}")
        print(f"database: {connection.vendor}")
        the = cast()
        post = the["posts"][3].pk
        pages = {
            "world page": "/reports/world/",
            "world page, page 100": "/reports/world/?page=100",
            "world page, overdue": "/reports/world/?overdue=yes",
            "world page, one post, in progress": f"/reports/world/?post={post}"
            "&exploitation=in_progress",
            "world API": "/api/v1/reports/world",
            "world facets API, proposals": "/api/v1/reports/world/facets?proposals=yes",
        }
        if args.csv:
            pages["world CSV"] = "/reports/world/export/"
        done = 0
        for size in SIZES:
            started = time.perf_counter()
            grow(the, done, size)
            done = size
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            print(f"\n{size:,} cases (built in {time.perf_counter() - started:.0f} s)")
            for name, (queries, ms) in measure(pages, the, args.runs).items():
                print(f"  {name:40} {queries:3} queries  {ms:9.1f} ms")
            if connection.vendor == "postgresql":
                filtered = _filtered(
                    the["reader"],
                    Filters(overdue="yes", exploitation="in_progress"),
                    dt.datetime.now(dt.UTC),
                )
                print(filtered.order_by().values("pk").explain(analyze=True))
    finally:
        if maintenance:
            drop_postgres(maintenance, os.environ["DATABASE_URL"])
        shutil.rmtree(state, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
