"""Benchmark of the compliance sweep (``make bench``): prints figures; never part of the test run.

One sweep of the escalation ladder (``compliance.actions.sweep_ladder``) over 100,000 open
obligations, against the raw SQL count of the overdue rows in the same run:

- 100 cases opened through the intake action at one post (with a chair, a senior US
  representative and an IDC member to be told), then open obligations bulk-created on them
  (distinct periods, so the one-open-per-period constraint holds) up to 100,000: about 1% overdue
  by up to ten days, about 1% due within the reminder lead, the rest due later;
- ``SELECT count(*) … WHERE status = 'open' AND due_at < now`` (the raw count);
- the first sweep: finds the steps that have come, claims each by insert, writes its audit
  record and, after the commit, the notices; the number of obligations it escalated to the
  chair must equal the raw count;
- a second sweep at the same moment: finds everything sent, sends nothing (the steady state
  of a worker that runs every minute).

Runs on SQLite in a temporary state directory; ``--postgres URL`` runs on PostgreSQL instead,
in a temporary database created on that server and dropped afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

OBLIGATIONS = 100_000
CASES = 100
OVERDUE_SHARE = 0.01
DUE_SOON_SHARE = 0.01
FACTS: dict[str, Any] = {
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
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def temporary_postgres(url: str) -> tuple[str, str]:
    """Create a scratch database on the server of ``url``; return (its URL, maintenance URL)."""
    import psycopg

    parts = urlsplit(url)
    name = f"defector_bench_compliance_{os.getpid()}"
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


def populate(now: dt.datetime) -> int:
    """The post, its officials, the cases and the open obligations; answers how many are
    overdue by construction."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from defector.cases import actions as cases
    from defector.cases.models import Obligation
    from defector.directory.models import Agency, Official, Post, RoleAssignment
    from defector.policy.obligations import OBLIGATIONS_BY_ID, ObligationId

    post = Post.objects.create(code="VIENNA", name="Embassy Vienna", country="AT", city="Vienna")
    agency = Agency.objects.create(code="CIA", name="Central Intelligence Agency")
    users = {}
    for username, role, where in [
        ("bench.officer", "case_officer", post),
        ("bench.chair", "committee_chair", post),
        ("bench.senior", "senior_representative", post),
        ("bench.idc", "idc_member", None),
    ]:
        user = get_user_model().objects.create_user(username=username, password=None)
        official = Official.objects.create(user=user, agency=agency, post=post, clearance="SECRET")
        RoleAssignment.objects.create(official=official, role=role, post=where)
        users[role] = user
    received = now - dt.timedelta(days=1)
    opened = [
        cases.open_case(
            acting_user=users["case_officer"],
            post_id=post.pk,
            sensitivity="SECRET",
            facts=FACTS,
            received_at=received,
            at=received,
        )
        for _ in range(CASES)
    ]
    # the obligations the intake opened are due later than the sweep's moment
    Obligation.objects.update(due_at=now + dt.timedelta(days=90), arose_at=received)
    existing = Obligation.objects.count()
    identifiers = list(ObligationId)
    rng = random.Random(421)
    rows = []
    overdue = 0
    for number in range(OBLIGATIONS - existing):
        case = opened[number % CASES]
        identifier = identifiers[(number // CASES) % len(identifiers)]
        period = 2 + number // (CASES * len(identifiers))
        draw = rng.random()
        if draw < OVERDUE_SHARE:
            due = now - dt.timedelta(minutes=rng.randrange(1, 10 * 24 * 60))
            overdue += 1
        elif draw < OVERDUE_SHARE + DUE_SOON_SHARE:
            due = now + dt.timedelta(minutes=rng.randrange(1, 24 * 60))
        else:
            due = now + dt.timedelta(days=rng.randrange(5, 60))
        rule = OBLIGATIONS_BY_ID[identifier]
        rows.append(
            Obligation(
                case=case,
                identifier=identifier,
                clause=rule.clause,
                title=rule.title,
                owner=None,
                period=period,
                arose_at=due - dt.timedelta(days=30),
                due_at=due,
            )
        )
    with transaction.atomic():
        Obligation.objects.bulk_create(rows, batch_size=5_000)
    return overdue


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="run on PostgreSQL")
    args = parser.parse_args(argv)

    state = tempfile.mkdtemp(prefix="defector-bench-compliance-")
    os.environ["DEFECTOR_STATE_DIR"] = state
    os.environ["DJANGO_SETTINGS_MODULE"] = "defector.settings"
    os.environ["DEFECTOR_DEBUG"] = "false"  # DEBUG keeps every query in memory
    maintenance = ""
    if args.postgres:
        os.environ["DATABASE_URL"], maintenance = temporary_postgres(args.postgres)
    else:
        os.environ.pop("DATABASE_URL", None)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from defector.cases.models import Obligation
    from defector.compliance import actions
    from defector.compliance.models import LadderStepSent
    from defector.notifications.models import Notice

    try:
        call_command("migrate", verbosity=0)
        now = timezone.now()
        print(f"compliance sweep benchmark — {machine()}")
        print(f"database: {connection.vendor}")
        start = time.perf_counter()
        made = populate(now)
        print(
            f"\nset-up: {Obligation.objects.filter(status='open').count():,} open obligations "
            f"on {CASES} cases in {time.perf_counter() - start:.1f} s"
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM cases_obligation WHERE status = 'open' AND due_at < %s",
                [now],
            )
            raw = cursor.fetchone()[0]
        raw_seconds = time.perf_counter() - start

        start = time.perf_counter()
        candidates = actions.ladder_candidates(now)
        find_seconds = time.perf_counter() - start

        telling = [0.0]
        tell_all = actions.tell_all

        def timed_tell_all(*args: Any) -> None:
            began = time.perf_counter()
            tell_all(*args)
            telling[0] += time.perf_counter() - began

        actions.tell_all = timed_tell_all  # type: ignore[assignment]
        start = time.perf_counter()
        sent = actions.sweep_ladder(now)
        sweep_seconds = time.perf_counter() - start
        actions.tell_all = tell_all  # type: ignore[assignment]
        escalated = (
            LadderStepSent.objects.filter(step="chair").values("obligation").distinct().count()
        )
        start = time.perf_counter()
        again = actions.sweep_ladder(now)
        idle_seconds = time.perf_counter() - start

        print(f"\nraw SQL count of overdue rows   {raw:>8,}   {raw_seconds * 1e3:>9.1f} ms")
        print(f"overdue by construction         {made:>8,}")
        print(
            f"steps found (ladder_candidates) {len(candidates):>8,}   {find_seconds * 1e3:>9.1f} ms"
        )
        print(
            f"first sweep: steps sent         {sent:>8,}   {sweep_seconds * 1e3:>9.1f} ms  "
            f"({sweep_seconds / max(sent, 1) * 1e3:.2f} ms a step, with its audit record and "
            f"{Notice.objects.count():,} notices in all)"
        )
        claiming = sweep_seconds - telling[0] - find_seconds
        print(
            f"  of which claims + audit records ≈ {claiming:.1f} s "
            f"({claiming / max(sent, 1) * 1e3:.1f} ms a step), notices {telling[0]:.1f} s "
            f"({telling[0] / max(sent, 1) * 1e3:.1f} ms a step)"
        )
        print(
            f"  obligations escalated to chair {escalated:>7,}   "
            f"({'equals' if escalated == raw else 'DIFFERS FROM'} the raw count)"
        )
        print(
            f"second sweep (nothing to send)  {again:>8,}   {idle_seconds * 1e3:>9.1f} ms  "
            f"({idle_seconds / max(raw_seconds, 1e-9):.1f}x the raw count's time)"
        )
        return 0 if escalated == raw == made and again == 0 else 1
    finally:
        if args.postgres:
            drop_postgres(maintenance, os.environ["DATABASE_URL"])
        shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
