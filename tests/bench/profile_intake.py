"""Where a walk-in intake's time goes, in one process: ``POST /api/v1/cases/walk-ins`` asked
``--requests`` times through Django's test client (the whole middleware stack, no server) by
a case officer of the busiest post with an API token, after ``GET /api/v1/me`` as the
baseline, then profiled with cProfile.

Against a database already seeded (``defector migrate`` and ``defector seed``, as
``bench_table.py`` does), named by the usual environment (``DEFECTOR_STATE_DIR`` or
``DATABASE_URL``)::

    DEFECTOR_STATE_DIR=/tmp/db DEFECTOR_DEMO=true DEFECTOR_DEBUG=false PYTHONPATH=src \\
        .venv/bin/python tests/bench/profile_intake.py --requests 100 --profile

Each walk-in has the body of ``bench_table.py``'s intake row: the same true name each time,
so the name trace at intake finds the earlier ones (up to its 50 hits, as under ``wrk``;
``--before N`` receives N walk-ins first, untimed); ``--fresh-names`` gives each a made-up
name of its own, which matches nothing. It prints the mean CPU time and SQL queries of each,
their ratio, the queries by kind (``--sql``: each one), the time spent inside write
transactions and inside the audit head's lock (the writers' turn: what concurrent intakes
wait for), and with ``--profile`` cProfile's top
functions by cumulative and by own time (``--dump FILE``: its statistics). Every walk-in is
written: run it on a scratch copy of the database.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import functools
import json
import os
import pstats
import random
import sys
import time
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "defector.settings")

WALK_IN: dict[str, Any] = {
    "facts": {
        "nationalities": ["SU"],
        "escaped_control": True,
        "dissatisfied": True,
        "susceptible": True,
        "willing_to_defect": True,
        "special_value": ["information"],
        "requests": ["asylum"],
        "threat_information": True,
    },
    "received_where": "consular section, front desk",
    "true_name": "Bench Subject",
}

SYLLABLES = [c + v for c in "bdgklmnprstvz" for v in "aeiou"]


def _word(draw: random.Random) -> str:
    """A made-up name of four syllables: unlike any other (the trace finds nothing)."""
    return "".join(draw.choice(SYLLABLES) for _ in range(4)).capitalize()


def busiest_officer(token_name: str) -> tuple[int, Any]:
    """The busiest post (most cases) and a test client of one of its case officers, with an
    API token of theirs named ``token_name``: whom the walk-ins come from (after
    ``django.setup()``; ``floor_intake.py`` asks it too)."""
    from django.db.models import Count
    from django.test import Client

    from defector.cases.models import Case
    from defector.core import actions as core_actions
    from defector.directory.models import RoleAssignment

    post_id = Case.objects.values("post").annotate(n=Count("id")).order_by("-n")[0]["post"]
    assignment = (
        RoleAssignment.objects.filter(role="case_officer", post_id=post_id)
        .select_related("official__user")
        .order_by("pk")
        .first()
    )
    assert assignment is not None, "seed the database first"
    user = assignment.official.user
    _, token = core_actions.create_api_token(acting_user=user, user=user, name=token_name, days=1)
    return post_id, Client(headers={"Authorization": f"Bearer {token}"}, HTTP_HOST="127.0.0.1")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sql", action="store_true", help="print one intake's SQL")
    parser.add_argument("--before", type=int, default=0, help="walk-ins received first, not timed")
    parser.add_argument("--dump", help="also write cProfile's statistics to this file")
    parser.add_argument("--fresh-names", action="store_true", help="a new true name each time")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    post_id, api = busiest_officer("profile")
    draw = random.Random(1)

    def body() -> str:
        walk_in = dict(WALK_IN, post_id=post_id)
        if args.fresh_names:
            walk_in["true_name"] = f"{_word(draw)} {_word(draw)}"
        return json.dumps(walk_in)

    def me() -> None:
        response = api.get("/api/v1/me")
        assert response.status_code == 200, response.status_code

    def intake() -> None:
        response = api.post("/api/v1/cases/walk-ins", body(), content_type="application/json")
        assert response.status_code == 201, (response.status_code, response.content[:300])

    # The time inside write transactions (from BEGIN to COMMIT or ROLLBACK): on SQLite the
    # database's write lock is held that long, so writers take turns for it; on PostgreSQL the
    # audit head's lock is held from the first append to the end.
    held = {"cpu": 0.0, "wall": 0.0, "transactions": 0, "head_cpu": 0.0, "head_wall": 0.0}
    opened: dict[str, float] = {}
    begin, commit, rollback = connection.set_autocommit, connection._commit, connection._rollback

    def began(autocommit: bool, *rest: Any, **named: Any) -> None:
        if not autocommit:
            opened.update(cpu=time.process_time(), wall=time.perf_counter())
        begin(autocommit, *rest, **named)

    def ended(finish: Any) -> Any:
        def end() -> Any:
            result = finish()
            if opened:
                cpu, wall = time.process_time(), time.perf_counter()
                held["cpu"] += cpu - opened.pop("cpu")
                held["wall"] += wall - opened.pop("wall")
                held["transactions"] += 1
                if "head_cpu" in opened:
                    held["head_cpu"] += cpu - opened.pop("head_cpu")
                    held["head_wall"] += wall - opened.pop("head_wall")
            return result

        return end

    def watch(execute: Any, sql: str, *rest: Any) -> Any:
        """Note when a transaction first moves (or reads) the audit head: its lock is held
        from then to the end of the transaction (on PostgreSQL, the writers' turn)."""
        if opened and "head_cpu" not in opened and "core_audithead" in sql:
            opened.update(head_cpu=time.process_time(), head_wall=time.perf_counter())
        return execute(sql, *rest)

    connection.set_autocommit = began
    connection._commit = ended(commit)
    connection._rollback = ended(rollback)

    def run(request: Any, times: int) -> float:
        """The mean CPU time of the process per request (with SQLite, the whole cost)."""
        start = time.process_time()
        for _ in range(times):
            request()
        return (time.process_time() - start) / times

    for _ in range(args.before):
        intake()
    means: dict[str, float] = {}
    for name, request, times in (("me", me, args.requests * 4), ("intake", intake, args.requests)):
        run(request, 3)  # warm
        queries: list[str] = []

        def count(execute: Any, sql: str, *rest: Any, into: list[str] = queries) -> Any:
            into.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(count):
            run(request, 1)
        held.update(cpu=0.0, wall=0.0, transactions=0, head_cpu=0.0, head_wall=0.0)
        with connection.execute_wrapper(watch):
            means[name] = run(request, times)
        inside = dict(held)
        every: list[str] = []
        with connection.execute_wrapper(functools.partial(count, into=every)):
            run(request, times)
        kinds = collections.Counter(sql.split(None, 1)[0].upper() for sql in queries)
        print(
            f"{name:6} {means[name] * 1000:7.2f} ms  {len(queries):3} queries "
            f"(mean {len(every) / times:.1f}) "
            f"({', '.join(f'{n} {k}' for k, n in kinds.most_common())})  "
            f"ratio {means['me'] / means[name]:.3f}",
            flush=True,
        )
        print(
            f"{'':6} in write transactions: {inside['transactions'] / times:.1f} a request, "
            f"{inside['cpu'] * 1000 / times:.2f} ms CPU, {inside['wall'] * 1000 / times:.2f} ms "
            f"wall a request; the audit head held {inside['head_cpu'] * 1000 / times:.2f} ms "
            f"CPU, {inside['head_wall'] * 1000 / times:.2f} ms wall",
            flush=True,
        )
        if args.sql and name == "intake":
            for sql in queries:
                print("   ", sql[:300])
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        run(intake, args.requests)
        profiler.disable()
        if args.dump:
            profiler.dump_stats(args.dump)
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
