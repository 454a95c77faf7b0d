"""Washington's worldwide view (``6d``) at scale: SQL queries and time of its page, filtered
pages, the facets API and the CSV at 10,000 and 100,000 cases (``make bench``), each against
the raw SQL the page needs.

Builds 20 posts (in 10 countries) and an IDC member who reads, then bulk-builds cases (each
with its open ``report_to_idc`` period, one in five overdue), a sent report on one case in
three, a requirement on one in two (status by turn) and a proposal awaiting decision on one in
ten, to each size. At each size it reads every page as the IDC member, once to warm up and
then ``--runs`` times, and prints the queries of one read, the median and the p95 time, and
the p95 of the raw SQL the first page needs run through the same connection: over the source
tables (the facets' grouped count joining the requirements, overdue periods and proposals; the
page of 50 with its figures), the same whatever the code, and, where the code has them, over
the standing rows (``reports.models.Standing``: the grouped count, the page of 50). The
standing rows of the bulk-built cases are recomputed after each growth (timed). ``--src DIR``
measures another source tree (main's, for a before and after: ``git archive main src``). With
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
SRC = next(
    (Path(arg.split("=", 1)[1]) for arg in sys.argv if arg.startswith("--src=")), ROOT / "src"
)
sys.path.insert(0, str(SRC))
sys.path.insert(0, str(ROOT / "tests" / "bench"))
SIZES = tuple(int(s) for s in os.environ.get("BENCH_WORLD_SIZES", "10000,100000").split(","))

from bench_queries import drop_postgres, machine, temporary_postgres  # noqa: E402

# bench_queries puts this tree's src first: the tree measured goes before it.
sys.path.insert(0, str(SRC))


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


#: The raw SQL the first page needs over the source tables: the facets' grouped count (each
#: case's requirements, overdue periods and pending proposals aggregated once and joined), the
#: count, and the page of 50 with its figures (correlated, for 50 rows).
RAW_SOURCE = [
    """SELECT c.post_id, p.code, p.country, c.stage,
        CASE WHEN COALESCE(r.applying, 0) = 0 THEN 'no_requirements'
             WHEN r.satisfied = r.applying THEN 'satisfied'
             WHEN r.not_started = r.applying THEN 'not_started' ELSE 'in_progress' END,
        CASE WHEN o.case_id IS NULL THEN 0 ELSE 1 END,
        CASE WHEN q.case_id IS NULL THEN 0 ELSE 1 END, COUNT(*)
    FROM cases_case c JOIN directory_post p ON p.id = c.post_id
    LEFT JOIN (SELECT case_id,
            SUM(CASE WHEN status <> 'not_applicable' THEN 1 ELSE 0 END) AS applying,
            SUM(CASE WHEN status = 'satisfied' THEN 1 ELSE 0 END) AS satisfied,
            SUM(CASE WHEN status = 'not_started' THEN 1 ELSE 0 END) AS not_started
        FROM exploitation_caserequirement GROUP BY case_id) r ON r.case_id = c.id
    LEFT JOIN (SELECT DISTINCT case_id FROM cases_obligation
        WHERE identifier = 'report_to_idc' AND status = 'open' AND due_at < %(now)s
    ) o ON o.case_id = c.id
    LEFT JOIN (SELECT DISTINCT case_id FROM publicity_proposal
        WHERE status IN (%(pending_a)s, %(pending_b)s)) q ON q.case_id = c.id
    WHERE EXISTS (SELECT 1 FROM cases_obligation b
        WHERE b.case_id = c.id AND b.identifier = 'report_to_idc')
    GROUP BY 1, 2, 3, 4, 5, 6, 7""",
    """SELECT c.id, c.cryptonym, c.stage, p.code, p.country,
        (SELECT COUNT(*) FROM reports_statusreport s
            WHERE s.case_id = c.id AND s.status IN ('sent', 'acknowledged')),
        (SELECT COUNT(*) FROM reports_statusreport s
            WHERE s.case_id = c.id AND s.status = 'acknowledged'),
        (SELECT COUNT(*) FROM reports_statusreport s
            WHERE s.case_id = c.id AND s.status = 'drafted'),
        (SELECT COUNT(*) FROM cases_obligation o WHERE o.case_id = c.id
            AND o.identifier = 'report_to_idc' AND o.status = 'open' AND o.due_at < %(now)s),
        (SELECT MIN(o.due_at) FROM cases_obligation o WHERE o.case_id = c.id
            AND o.identifier = 'report_to_idc' AND o.status = 'open'),
        (SELECT MAX(s.sent_at) FROM reports_statusreport s
            WHERE s.case_id = c.id AND s.status IN ('sent', 'acknowledged')),
        (SELECT COUNT(*) FROM publicity_proposal q
            WHERE q.case_id = c.id AND q.status IN (%(pending_a)s, %(pending_b)s)),
        (SELECT COUNT(*) FROM exploitation_caserequirement r WHERE r.case_id = c.id)
    FROM cases_case c JOIN directory_post p ON p.id = c.post_id
    WHERE EXISTS (SELECT 1 FROM cases_obligation b
        WHERE b.case_id = c.id AND b.identifier = 'report_to_idc')
    ORDER BY c.opened_at DESC, c.id DESC LIMIT 50""",
]
#: The raw SQL the first page needs over the standing rows: the facets' grouped count (the
#: total is its sum) and the page of 50.
RAW_STANDING = [
    """SELECT s.post_id, p.code, p.country, s.stage, s.exploitation,
        CASE WHEN s.next_due < %(now)s THEN 1 ELSE 0 END,
        CASE WHEN s.proposals > 0 THEN 1 ELSE 0 END, COUNT(*)
    FROM reports_standing s JOIN directory_post p ON p.id = s.post_id
    GROUP BY 1, 2, 3, 4, 5, 6, 7""",
    """SELECT s.*, c.cryptonym, p.code, p.country
    FROM reports_standing s JOIN cases_case c ON c.id = s.case_id
    JOIN directory_post p ON p.id = s.post_id
    ORDER BY s.opened_at DESC, s.case_id DESC LIMIT 50""",
]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def raw_p95(statements: list[str], runs: int) -> float:
    """p95 of the statements, in order, through the page's own database connection."""
    from django.db import connection

    from defector.publicity.choices import PENDING

    now = connection.ops.adapt_datetimefield_value(dt.datetime.now(dt.UTC))
    params = {"now": now, "pending_a": PENDING[0], "pending_b": PENDING[-1]}
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql, params)
                cursor.fetchall()
        times.append((time.perf_counter() - started) * 1e3)
    return p95(times[1:])


def has_standing() -> bool:
    from defector.reports import models

    return hasattr(models, "Standing")


def recompute() -> float:
    """Recompute the standing rows of the bulk-built cases (when the code has them): seconds."""
    if not has_standing():
        return 0.0
    from defector.reports.actions import standing

    started = time.perf_counter()
    standing.recompute_standing()
    return time.perf_counter() - started


def measure(
    pages: dict[str, str], the: dict[str, Any], runs: int
) -> dict[str, tuple[int, float, float]]:
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
        figures[name] = (counted[0], statistics.median(times), p95(times))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="run on PostgreSQL")
    parser.add_argument("--runs", type=int, default=20, help="timed reads of each page")
    parser.add_argument("--src", help="the source tree to measure (default: this one's)")
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
        print(f"database: {connection.vendor}; source: {SRC}; standing rows: {has_standing()}")
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
            rebuilt = recompute()
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            print(
                f"\n{size:,} cases (built in {time.perf_counter() - started:.0f} s, "
                f"standing rows recomputed in {rebuilt:.1f} s); load average "
                f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}"
            )
            print(f"  {'':40} queries  {'median':>9}  {'p95':>9}")
            for name, (queries, ms, p) in measure(pages, the, args.runs).items():
                print(f"  {name:40} {queries:7}  {ms:6.1f} ms  {p:6.1f} ms")
            source = raw_p95(RAW_SOURCE, args.runs)
            print(f"  raw SQL, source tables (facets, page)   p95 {source:.1f} ms")
            if has_standing():
                print(
                    f"  raw SQL, standing rows (facets, page)   "
                    f"p95 {raw_p95(RAW_STANDING, args.runs):.1f} ms"
                )
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
