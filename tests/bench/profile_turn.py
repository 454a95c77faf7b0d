"""How long a walk-in holds the writers' turn, alone and under contention, and where that time
goes: ``POST /api/v1/cases/walk-ins`` asked through Django's test client (no server) by a case
officer of the busiest post, from ``--threads`` threads in each of ``--processes`` processes,
each walk-in a made-up name of its own.

The turn is what concurrent writers wait for: on SQLite a write transaction's (from the moment
it has ``core.sqlite``'s write queue to the moment it gives it back, which is after its
``COMMIT``); on PostgreSQL from a transaction's first statement on the audit head (its row
lock) to the end of its ``COMMIT``. For each turn it notes its wall time and its thread's CPU
time, and splits the wall time into the statements run in it (by kind and table), the
``COMMIT`` and the Python between them. Against a database already seeded, named by the usual
environment (``DEFECTOR_STATE_DIR`` or ``DATABASE_URL``); every walk-in is written, so run it
on a scratch copy::

    DEFECTOR_STATE_DIR=/tmp/copy DEFECTOR_DEMO=true DEFECTOR_DEBUG=false PYTHONPATH=src \\
        .venv/bin/python tests/bench/profile_turn.py --threads 1 --requests 100
    ... profile_turn.py --processes 4 --threads 2 --requests 40   # 8 writers at once

``--profile`` (one thread, one process) also prints cProfile's top functions of the time
inside the turns only.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import json
import os
import pstats
import random
import re
import subprocess
import sys
import threading
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
}
SYLLABLES = [c + v for c in "bdgklmnprstvz" for v in "aeiou"]
_TABLE = re.compile(r'(?:INTO|UPDATE|FROM)\s+"?(\w+)"?', re.IGNORECASE)


def _word(draw: random.Random) -> str:
    return "".join(draw.choice(SYLLABLES) for _ in range(4)).capitalize()


def _kind(sql: str) -> str:
    verb = sql.split(None, 1)[0].upper()
    if verb in {"SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN"}:
        return verb
    if verb == "WITH" and "core_audithead" in sql:
        return "WITH core_audithead/core_auditevent"
    found = _TABLE.search(sql)
    return f"{verb} {found[1] if found else '?'}"


class Turns:
    """Every turn of this process: its wall and CPU time, and where its wall time went."""

    def __init__(self) -> None:
        self.local = threading.local()
        self.guard = threading.Lock()
        self.walls: list[float] = []
        self.cpus: list[float] = []
        self.parts: collections.Counter[str] = collections.Counter()
        self.counts: collections.Counter[str] = collections.Counter()
        self.profiler: cProfile.Profile | None = None

    # the turn's ends --------------------------------------------------------------------
    def start(self) -> None:
        state = self.local
        if not getattr(state, "measuring", False) or getattr(state, "wall", None) is not None:
            return
        state.wall, state.cpu = time.perf_counter(), time.thread_time()
        state.parts = collections.Counter()
        state.counts = collections.Counter()
        state.in_statements = 0.0
        if self.profiler is not None:
            self.profiler.enable()

    def end(self) -> None:
        state = self.local
        if getattr(state, "wall", None) is None:
            return
        if self.profiler is not None:
            self.profiler.disable()
        wall = time.perf_counter() - state.wall
        cpu = time.thread_time() - state.cpu
        state.parts["python (between statements)"] += wall - state.in_statements
        with self.guard:
            self.walls.append(wall)
            self.cpus.append(cpu)
            self.parts.update(state.parts)
            self.counts.update(state.counts)
        state.wall = None

    def take_lock(self, what: str, seconds: float) -> None:
        """The head's lock was taken by a statement that took ``seconds`` (with its wait)."""
        self.start()
        if self.held():
            self.local.counts[f"(not in the turn) lock taken by {what}"] += 1
            self.local.parts[f"(not in the turn) lock taken by {what}"] += seconds

    def held(self) -> bool:
        return getattr(self.local, "wall", None) is not None

    def note(self, what: str, seconds: float) -> None:
        state = self.local
        if getattr(state, "wall", None) is None:
            return
        state.parts[what] += seconds
        state.counts[what] += 1
        state.in_statements += seconds


def instrument(turns: Turns, vendor: str) -> None:
    """Patch the backend's commit/rollback and the SQLite queue to note the turns."""
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.backends.sqlite3 import base as sqlite3_base

    from defector.core.sqlite import base as sqlite_base

    if vendor == "sqlite":
        take, give_back = sqlite_base.WriteQueue.take, sqlite_base.WriteQueue.give_back

        def taken(self: Any) -> None:
            take(self)
            if self.held:
                turns.start()

        def given(self: Any) -> None:
            was = self.held
            give_back(self)
            if was:
                turns.end()

        sqlite_base.WriteQueue.take = taken  # type: ignore[method-assign]
        sqlite_base.WriteQueue.give_back = given  # type: ignore[method-assign]
        # Django's own commit, which ``core.sqlite``'s calls before giving the turn back.
        wrapper: Any = sqlite3_base.DatabaseWrapper
    else:
        from django.db.backends.postgresql import base as pg_base

        wrapper = pg_base.DatabaseWrapper
    commit, rollback = wrapper._commit, wrapper._rollback

    def timed(finish: Any, label: str) -> Any:
        def run(self: BaseDatabaseWrapper) -> Any:
            start = time.perf_counter()
            try:
                return finish(self)
            finally:
                turns.note(label, time.perf_counter() - start)
                if vendor != "sqlite":
                    turns.end()

        return run

    wrapper._commit = timed(commit, "COMMIT")
    wrapper._rollback = timed(rollback, "ROLLBACK (transaction)")


def watch(turns: Turns, vendor: str) -> Any:
    def execute(run: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return run(sql, params, many, context)
        finally:
            took = time.perf_counter() - start
            if vendor != "sqlite" and "core_audithead" in sql and not turns.held():
                # The head's lock is this transaction's once a statement on it locked it (a
                # compare-and-set that moved it, or the read under the lock): the turn is
                # counted from the end of that statement (which includes the wait for it).
                cursor = context["cursor"]
                if "FOR UPDATE" in sql or cursor.rowcount > 0:
                    turns.take_lock(_kind(sql), took)
            else:
                turns.note(_kind(sql), took)

    return execute


def child(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection, connections
    from django.test import Client

    vendor = connection.vendor
    turns = Turns()
    instrument(turns, vendor)
    if args.profile:
        turns.profiler = cProfile.Profile()
    done: list[int] = []
    failures: list[str] = []

    def worker(number: int) -> None:
        draw = random.Random(f"{os.getpid()}-{number}-{time.time_ns()}")
        api = Client(headers={"Authorization": f"Bearer {args.token}"}, HTTP_HOST="127.0.0.1")
        count = 0
        try:
            with connection.execute_wrapper(watch(turns, vendor)):
                for number in range(args.warm + args.requests):
                    if number == args.warm:  # warmed up (URLs resolved, inserts built…)
                        while time.time() < args.start:
                            time.sleep(0.001)
                        turns.local.measuring = True
                    name = f"{_word(draw)} {_word(draw)}"
                    body = dict(WALK_IN, post_id=args.post, true_name=name)
                    response = api.post(
                        "/api/v1/cases/walk-ins", json.dumps(body), content_type="application/json"
                    )
                    if response.status_code != 201:
                        failures.append(f"{response.status_code} {response.content[:200]!r}")
                        break
                    count += number >= args.warm
        finally:
            done.append(count)
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(args.threads)]
    cpu = time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.time() - args.start
    if turns.profiler is not None:
        stats = pstats.Stats(turns.profiler, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
    return {
        "intakes": sum(done),
        "elapsed": elapsed,
        "cpu": time.process_time() - cpu,
        "walls": turns.walls,
        "cpus": turns.cpus,
        "parts": dict(turns.parts),
        "counts": dict(turns.counts),
        "failures": failures,
    }


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--requests", type=int, default=50, help="walk-ins per thread")
    parser.add_argument("--warm", type=int, default=5, help="each thread's first, untimed")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--post", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--start", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args)))
        return 0

    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count

    from defector.cases.models import Case
    from defector.core import actions as core_actions
    from defector.directory.models import RoleAssignment

    post = Case.objects.values("post").annotate(n=Count("id")).order_by("-n")[0]["post"]
    assignment = (
        RoleAssignment.objects.filter(role="case_officer", post_id=post)
        .select_related("official__user")
        .order_by("pk")
        .first()
    )
    assert assignment is not None, "seed the database first"
    user = assignment.official.user
    _, token = core_actions.create_api_token(acting_user=user, user=user, name="turn", days=1)
    vendor = connection.vendor
    connection.close()
    base = [sys.executable, __file__, "--child", "--token", token, "--post", str(post)]
    # Every thread warms up first (its own connection, the process's caches), then they
    # start together.
    start = time.time() + 3.0 + 0.3 * args.warm * args.threads
    children = [
        subprocess.Popen(
            [
                *base,
                "--threads",
                str(args.threads),
                "--requests",
                str(args.requests),
                "--start",
                str(start),
                "--warm",
                str(args.warm),
                *(["--profile", "--top", str(args.top)] if args.profile else []),
            ],
            stdout=subprocess.PIPE,
        )
        for _ in range(args.processes)
    ]
    results = [json.loads(process.communicate()[0]) for process in children]
    walls = [w for r in results for w in r["walls"]]
    cpus = [c for r in results for c in r["cpus"]]
    intakes = sum(r["intakes"] for r in results)
    elapsed = max(r["elapsed"] for r in results)
    parts: collections.Counter[str] = collections.Counter()
    counts: collections.Counter[str] = collections.Counter()
    for r in results:
        parts.update(r["parts"])
        counts.update(r["counts"])
    failures = [f for r in results for f in r["failures"]]
    figures = {
        "vendor": vendor,
        "writers": args.processes * args.threads,
        "intakes": intakes,
        "rate": intakes / elapsed if elapsed else 0.0,
        "turns_per_intake": len(walls) / intakes if intakes else 0.0,
        "turn_ms": 1000 * sum(walls) / intakes if intakes else 0.0,
        "turn_cpu_ms": 1000 * sum(cpus) / intakes if intakes else 0.0,
        "turn_p50_ms": 1000 * quantile(walls, 0.5),
        "turn_p95_ms": 1000 * quantile(walls, 0.95),
        "held_share": sum(walls) / elapsed if elapsed else 0.0,
        "load": os.getloadavg()[0],
        "parts_ms": {k: 1000 * v / intakes for k, v in parts.most_common()} if intakes else {},
        "counts": {k: counts[k] / intakes for k in parts} if intakes else {},
        "failures": failures[:5],
    }
    if args.json:
        print(json.dumps(figures))
        return 0 if not failures else 1
    print(
        f"{vendor}: {figures['writers']} writers, {intakes} walk-ins, {figures['rate']:.1f}/s "
        f"(load {figures['load']:.1f}); turns a walk-in {figures['turns_per_intake']:.2f}, "
        f"held {figures['turn_ms']:.2f} ms wall ({figures['turn_cpu_ms']:.2f} ms CPU) a "
        f"walk-in; a turn p50 {figures['turn_p50_ms']:.2f} ms, p95 "
        f"{figures['turn_p95_ms']:.2f} ms; held {100 * figures['held_share']:.0f}% of the time"
    )
    for what, ms in figures["parts_ms"].items():
        print(f"    {ms:7.3f} ms  {figures['counts'][what]:5.2f}×  {what}")
    for failure in failures[:5]:
        print("FAILED:", failure)
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
