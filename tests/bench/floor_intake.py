"""The floor of a walk-in intake's cost: its SQL alone, replayed with the raw driver.

``bench_table.py``'s intake row asks for walk-ins at 0.3 of ``GET /api/v1/me``'s rate. This
tool measures what the statements a walk-in must run cost by themselves — no Django, no
Python of the project's — against what ``/me``'s cost, so that the best ratio these
statements allow can be worked out (``docs/benchmarks.md``, "The walk-in's floor").

1. ``capture``: one walk-in (``POST /api/v1/cases/walk-ins``, a made-up true name of its
   own, as ``profile_intake.py --fresh-names`` sends it) and one ``GET /api/v1/me`` through
   Django's test client, in process, after a few of each to warm the process; every
   statement and its parameters as the driver is given them (``connection.execute_wrapper``:
   Django's cursors and the prepared reads' alike; on PostgreSQL which kind of cursor, client-
   side binding or server-side prepared), with the transaction's edges the wrapper does not
   see: on SQLite ``BEGIN IMMEDIATE`` is Django's own statement (seen), its ``COMMIT`` the
   driver's ``commit()``; on PostgreSQL psycopg sends ``BEGIN`` itself before the first
   statement once autocommit is off (a round trip of its own, inside that statement's call),
   and ``COMMIT`` at ``commit()``. On SQLite the statements SQLite ran are listed too (its
   trace callback), to show that none went round the wrapper. Written as a pickle. Run it on
   a scratch copy of the database the replay will write into (its token, post and officials
   must be there)::

       cp -r /tmp/full /tmp/floor-x
       DEFECTOR_STATE_DIR=/tmp/floor-x DEFECTOR_DEMO=true DEFECTOR_DEBUG=false PYTHONPATH=src \\
           .venv/bin/python tests/bench/floor_intake.py capture /tmp/floor-sqlite.pickle

   (PostgreSQL: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/<copy of lead_full>`` and
   ``DEFECTOR_STATE_DIR=/tmp/full-pg``.)

2. ``replay``: the captured statements run ``--times`` times with Python's ``sqlite3`` or
   psycopg alone (the same cursor kinds; on SQLite the app's pragmas, its ``flock`` before
   ``BEGIN IMMEDIATE`` and its passive checkpoint after every 20th commit), each replay's
   unique values its own: cryptonym, seal uids, the name's digests, the request id, the keys
   each ``INSERT … RETURNING`` gives back fed to the later statements, the audit events'
   ``seq``, ``prev_hash``, ``body`` and ``hash`` (a valid chain: ``defector audit verify``
   passes afterwards) and the head's compare-and-set from this process's last append, read
   again when another process moved it (as ``core.heads`` does). It reports the CPU a replay
   of the client (``getrusage``), of the PostgreSQL backend (``/proc/<pid>/schedstat`` of
   ``pg_backend_pid()``) and the wall time, each statement's (the backend's read around each
   one), the write transactions', the checkpoints'; then ``--procs`` processes replaying at
   once (their CPU and their backends' a replay, PostgreSQL's own writers', and the whole
   machine's from /proc/stat, anyone's); on SQLite, ``--alternate``: two processes taking
   turns, so that each replay begins after the other's commit (its page cache dropped),
   against one alone, with the read calls (``/proc/self/io``: SQLite reads a page a call)::

       PYTHONPATH=src .venv/bin/python tests/bench/floor_intake.py replay \\
           /tmp/floor-sqlite.pickle --sqlite /tmp/floor-x/defector.sqlite3 --times 2000 \\
           --procs 4 --alternate
       ... replay /tmp/floor-pg.pickle --postgres postgres://postgres@127.0.0.1:5432/<copy>

3. ``floor --me-rate 728 --walk-in-sql 4.0 --me-sql 0.07``: R = me / (me + walk-in SQL −
   /me SQL), ``me`` = cores / ``/me``'s rate (the machine's CPU a ``/me`` under ``wrk``).

Every replay writes: run it on a scratch copy.
"""

from __future__ import annotations

import argparse
import contextlib
import enum
import fcntl
import hashlib
import json
import multiprocessing
import os
import pickle
import random
import re
import resource
import secrets
import sqlite3
import sys
import time
import uuid as uuid_module
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

sys.path.insert(0, str(Path(__file__).resolve().parent))

from profile_intake import WALK_IN, _word, busiest_officer

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "defector.settings")

uuid_type = uuid_module.UUID
#: A step's kinds: ``sql`` (Django's cursor), ``prepared`` (PostgreSQL's server-side prepared),
#: ``commit`` and ``rollback`` (the driver's), ``begin`` (psycopg's own, implicit).
SQL, PREPARED, COMMIT, ROLLBACK, BEGIN = "sql", "prepared", "commit", "rollback", "begin"


@dataclass
class Step:
    kind: str
    sql: str = ""
    params: Any = None
    many: bool = False
    returned: list[tuple[Any, ...]] = field(default_factory=list)


def _plain(value: Any) -> Any:
    """A parameter without Django's types: a psycopg ``Jsonb`` as its encoded text."""
    if isinstance(value, Jsonb):
        return ("__jsonb__", (value.dumps or json.dumps)(value.obj))
    if isinstance(value, list | tuple):
        return type(value)(_plain(item) for item in value)
    if isinstance(value, enum.Enum):  # Django's choices: their plain value
        return value.value
    return value


# -- capture -----------------------------------------------------------------------------


def capture(out: str, warm: int) -> int:
    import django

    django.setup()
    from django.db import connection

    post_id, api = busiest_officer("floor")
    draw = random.Random()

    def me() -> None:
        response = api.get("/api/v1/me")
        assert response.status_code == 200, response.status_code

    def intake() -> None:
        body = dict(WALK_IN, post_id=post_id, true_name=f"{_word(draw)} {_word(draw)}")
        response = api.post(
            "/api/v1/cases/walk-ins", json.dumps(body), content_type="application/json"
        )
        assert response.status_code == 201, (response.status_code, response.content[:300])

    for _ in range(warm):
        me()
        intake()
    vendor = connection.vendor
    steps: list[Step] = []
    traced: list[str] = []

    def watch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        kind = SQL
        if vendor == "postgresql" and not isinstance(
            context["cursor"].cursor, psycopg.ClientCursor
        ):
            kind = PREPARED
        step = Step(kind, sql, _plain(params), many)
        steps.append(step)
        result = execute(sql, params, many, context)
        return result

    wrapper: Any = connection  # its private methods, wrapped
    commit, rollback, autocommit = (
        wrapper._commit,
        wrapper._rollback,
        wrapper._set_autocommit,
    )

    def committed() -> Any:
        if connection.connection is not None and (
            vendor == "postgresql" or connection.connection.in_transaction
        ):
            steps.append(Step(COMMIT))
        return commit()

    def rolled_back() -> Any:
        steps.append(Step(ROLLBACK))
        return rollback()

    def set_autocommit(on: bool) -> Any:
        if not on and vendor == "postgresql":
            steps.append(Step(BEGIN))  # psycopg sends BEGIN before the next statement
        return autocommit(on)

    wrapper._commit = committed
    wrapper._rollback = rolled_back
    wrapper._set_autocommit = set_autocommit
    captured: dict[str, list[Step]] = {}
    for name, request in (("me", me), ("intake", intake)):
        steps.clear()
        traced.clear()
        if vendor == "sqlite":
            connection.connection.set_trace_callback(traced.append)
        with connection.execute_wrapper(watch):
            request()
        if vendor == "sqlite":
            connection.connection.set_trace_callback(None)
        captured[name] = list(steps)
        seen = [s for s in traced if not s.startswith("--")]
        print(
            f"{name}: {len(steps)} steps; SQLite traced {len(seen)} statements"
            if vendor == "sqlite"
            else f"{name}: {len(steps)} steps",
            file=sys.stderr,
        )
        if vendor == "sqlite":
            for line in seen:
                print("   traced:", line[:160], file=sys.stderr)
    plain = {name: [vars(step) for step in listed] for name, listed in captured.items()}
    Path(out).write_bytes(pickle.dumps({"vendor": vendor, "steps": plain}))
    for name, listed in captured.items():
        print(f"-- {name}", file=sys.stderr)
        for step in listed:
            print(f"   {step.kind:8} {step.sql[:200]!s} {str(step.params)[:200]}", file=sys.stderr)
    return 0


# -- replay ------------------------------------------------------------------------------

HEX32 = re.compile(r"[0-9a-f]{32}")
COLUMNS = re.compile(r"INSERT (?:OR IGNORE )?INTO \"?(\w+)\"? \(([^)]*)\)")
#: The audit event's columns, as ``core.heads`` inserts them.
EVENT_COLUMNS = 17
PG_HEAD = "SELECT seq, hash FROM core_audithead WHERE id = 1 FOR UPDATE"
SQLITE_HEAD = "SELECT seq, hash FROM core_audithead WHERE id = 1"
#: A connection's commits after which the app checkpoints SQLite's log (``core.sqlite``).
CHECKPOINT_EVERY = 20


def _loaded(path: str) -> tuple[str, dict[str, list[Step]]]:
    data = pickle.loads(Path(path).read_bytes())  # noqa: S301 (this tool's own file)
    steps = {name: [Step(**plain) for plain in listed] for name, listed in data["steps"].items()}
    return data["vendor"], steps


def _columns(sql: str) -> list[str]:
    found = COLUMNS.match(sql)
    if not found:
        return []
    return [name.strip().strip('"') for name in found.group(2).split(",")]


@dataclass
class Walk:
    """What one captured walk-in wrote that a replay must make its own."""

    case: int = 0
    subject: int = 0
    assessment: int = 0
    cryptonym: str = ""

    @classmethod
    def of(cls, steps: list[Step]) -> Walk:
        walk = cls()
        for step in steps:
            columns = _columns(step.sql)
            if not columns or not isinstance(step.params, list | tuple):
                continue
            for position, value in enumerate(step.params):
                column = columns[position % len(columns)]
                if column == "case_id" and not walk.case:
                    walk.case = value
                elif column == "subject_id" and not walk.subject:
                    walk.subject = value
                elif column == "assessment_id" and not walk.assessment:
                    walk.assessment = value
                elif column == "cryptonym" and not walk.cryptonym:
                    walk.cryptonym = value
        return walk


class Chain:
    """The audit chain as this process last left it (the app's guess), and the events of a
    replay relinked to it: each one's ``seq``, ``prev_hash``, ``body`` and ``hash`` anew."""

    def __init__(self, seq: int, digest: str) -> None:
        self.seq, self.hash = seq, digest

    def link(self, rows: list[list[Any]], start: int, previous: str) -> tuple[int, str]:
        """Relink ``rows`` (each an event's 17 values, in place) after ``start``/``previous``."""
        seq = start
        for row in rows:
            seq += 1
            old_seq, old_prev = row[0], row[14]
            body: bytes = row[16]
            head = b'{"prev_hash":"%s","seq":%d,' % (old_prev.encode(), old_seq)
            assert body.startswith(head), body[:100]
            row[16] = body = (
                b'{"prev_hash":"%s","seq":%d,' % (previous.encode(), seq) + body[len(head) :]
            )
            row[0], row[14] = seq, previous
            row[15] = previous = hashlib.sha256(body).hexdigest()
        return seq, previous


@dataclass
class Timed:
    """Each step's client CPU, backend CPU (PostgreSQL) and wall, summed over replays."""

    client: list[float]
    backend: list[float]
    wall: list[float]
    misses: int = 0
    extra_client: float = 0.0
    extra_backend: float = 0.0
    checkpoints: int = 0
    checkpoint_cpu: float = 0.0


def _schedstat(pid: int) -> float:
    """Seconds on a CPU of process ``pid`` (the scheduler's count, in nanoseconds)."""
    if not pid:
        return 0.0
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


class Replayer:
    """The captured steps of one request run again with the raw driver."""

    def __init__(self, vendor: str, target: str, steps: list[Step]) -> None:
        self.vendor, self.steps = vendor, steps
        self.walk = Walk.of(steps)
        self.counter = 0
        self.commits = 0
        self.lock_fd = -1
        self.backend = 0
        if vendor == "sqlite":
            raw = sqlite3.connect(target, timeout=20, isolation_level=None)
            raw.executescript(
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                "PRAGMA wal_autocheckpoint=4000;"
            )
            self.sqlite = raw
            self.lock_fd = os.open(target + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
            seq, digest = raw.execute(SQLITE_HEAD).fetchone()
        else:
            pg = psycopg.connect(target, autocommit=True)
            pg.prepare_threshold = 2**62
            self.pg = pg
            self.client_cursor = psycopg.ClientCursor(pg)
            self.prepared_cursor = psycopg.Cursor(pg)
            self.backend = pg.execute("SELECT pg_backend_pid()").fetchone()[0]  # type: ignore[index]
            seq, digest = pg.execute("SELECT seq, hash FROM core_audithead WHERE id = 1").fetchone()  # type: ignore[misc]
        self.chain = Chain(seq, digest)
        self.plans = [self._plan(step) for step in steps]

    # The values of a replay ---------------------------------------------------------

    def _plan(self, step: Step) -> list[tuple[int, str]]:
        """Which parameters of ``step`` a replay gives values of its own, and how."""
        if not isinstance(step.params, list | tuple) or not self.walk.case:
            return []  # a read (/me) writes nothing of its own
        walk, columns = self.walk, _columns(step.sql)
        plan: list[tuple[int, str]] = []
        for position, value in enumerate(step.params):
            column = columns[position % len(columns)] if columns else ""
            if column in ("case_id", "subject_id", "assessment_id") and value:
                plan.append((position, column[:-3]))
            elif column == "audit_seq":
                plan.append((position, "seq"))
            elif isinstance(value, bool):
                continue
            elif isinstance(value, int) and value == walk.case:
                plan.append((position, "case"))
            elif isinstance(value, int) and value == walk.subject and "subject_id" in step.sql:
                plan.append((position, "subject"))
            elif isinstance(value, uuid_type):
                plan.append((position, "uuid"))
            elif isinstance(value, str) and (
                HEX32.fullmatch(value)
                or value in (str(walk.case), str(walk.assessment))
                or (walk.cryptonym and walk.cryptonym in value)
                or f"/cases/{walk.case}/" in value
            ):
                plan.append((position, "text"))
        if '"id" > %s AND ("subject_id"' in step.sql:
            plan.append((len(step.params) - 2, "maxterm"))
        return plan

    def _values(self, index: int, made: dict[str, Any]) -> Any:
        step, plan = self.steps[index], self.plans[index]
        params = step.params
        if not plan:
            return _driver_params(params)
        params = list(params)
        walk = self.walk
        for position, how in plan:
            value = params[position]
            if how == "text":
                if HEX32.fullmatch(value):
                    value = made["hex"].setdefault(value, secrets.token_hex(16))
                elif value == str(walk.case):
                    value = str(made["case"])
                elif value == str(walk.assessment):
                    value = str(made["assessment"])
                else:
                    value = value.replace(walk.cryptonym, made["cryptonym"])
                    link = f"/cases/{walk.case}/"
                    if link in value:
                        value = value.replace(link, f"/cases/{made['case']}/")
            elif how == "uuid":
                value = made["uuid"].setdefault(value, uuid_module.uuid4())
            elif how == "seq":
                value = made["seqs"].get(value, value)
            else:
                value = made[how]
            params[position] = value
        return _driver_params(params)

    def _events(self, index: int, made: dict[str, Any]) -> tuple[list[Any], int, str]:
        """The append's parameters: the head's compare-and-set and the events relinked."""
        params = self._values(index, made)
        rows_at = 4 if self.vendor == "postgresql" else 0
        flat = params[rows_at:]
        rows = [list(flat[i : i + EVENT_COLUMNS]) for i in range(0, len(flat), EVENT_COLUMNS)]
        for row in rows:
            row[7] = made["cryptonym"] if row[7] == self.walk.cryptonym else row[7]
            if row[6] == str(self.walk.case):
                row[6] = str(made["case"])
            if isinstance(row[16], bytes):
                row[16] = row[16].replace(self.walk.cryptonym.encode(), made["cryptonym"].encode())
        firsts = [row[0] for row in rows]
        last, digest = self.chain.link(rows, self.chain.seq, self.chain.hash)
        made["seqs"].update(zip(firsts, (row[0] for row in rows), strict=True))
        values = [value for row in rows for value in row]
        if self.vendor == "postgresql":
            values = [last, digest, self.chain.seq, self.chain.hash, *values]
        return values, last, digest

    # Running --------------------------------------------------------------------------

    def run(self, timed: Timed, *, per_step: bool, dry: bool = False) -> None:
        """One replay; each step's costs added to ``timed``."""
        self.counter += 1
        made: dict[str, Any] = {
            "hex": {},
            "uuid": {},
            "seqs": {},
            "cryptonym": "FL" + secrets.token_hex(5).upper(),
        }
        clock, cpu = time.perf_counter, time.process_time
        sched, backend = _schedstat, self.backend
        for index, step in enumerate(self.steps):
            is_append = "core_auditevent" in step.sql and step.sql.lstrip().startswith(
                ("WITH", "INSERT")
            )
            is_cas = step.sql.startswith("UPDATE core_audithead")
            params: Any
            if is_cas:
                # SQLite: the compare-and-set, then the events (the next step).
                values, last, digest = self._events(index + 1, made)
                params = [last, digest, self.chain.seq, self.chain.hash]
                made["append"] = (values, last, digest)
            elif is_append and self.vendor == "sqlite":
                params = made.pop("append")[0]
            elif is_append:
                params, last, digest = self._events(index, made)
            else:
                params = self._values(index, made) if step.params is not None else None
            b0 = sched(backend) if per_step else 0.0
            w0, c0 = clock(), cpu()
            rows = None if dry else self._execute(step, params)
            c1, w1 = cpu(), clock()
            b1 = sched(backend) if per_step else 0.0
            timed.client[index] += c1 - c0
            timed.wall[index] += w1 - w0
            timed.backend[index] += b1 - b0
            if step.kind == COMMIT and not dry:
                self.checkpoint(timed)
            if dry:
                if is_cas or (is_append and self.vendor == "postgresql"):
                    self.chain.seq, self.chain.hash = last, digest
                self._returned(step, made, None)
                continue
            missed = (is_cas and rows == 0) or (
                is_append and self.vendor == "postgresql" and not rows
            )
            if missed:
                # Another process appended since: read the head (under its lock), again.
                timed.misses += 1
                b0, c0 = sched(backend), cpu()
                head = PG_HEAD if self.vendor == "postgresql" else SQLITE_HEAD
                found = self._execute(Step(SQL, head), None)
                self.chain.seq, self.chain.hash = found[0]
                if is_cas:
                    values, last, digest = self._events(index + 1, made)
                    params = [last, digest, self.chain.seq, self.chain.hash]
                    made["append"] = (values, last, digest)
                else:
                    params, last, digest = self._events(index, made)
                rows = self._execute(step, params)
                assert rows, "the head moved under its lock"
                timed.extra_client += cpu() - c0
                timed.extra_backend += sched(backend) - b0
            if is_cas or (is_append and self.vendor == "postgresql"):
                self.chain.seq, self.chain.hash = last, digest
            self._returned(step, made, rows)

    def _returned(self, step: Step, made: dict[str, Any], rows: Any) -> None:
        if not rows or isinstance(rows, int):
            if 'MAX("id") FROM "traces_indexterm"' in step.sql and rows is None:
                made.setdefault("maxterm", 0)
            if step.sql.startswith('INSERT INTO "cases_case" ') and rows is None:
                made.update(case=1, subject=1, assessment=1)
            return
        sql = step.sql
        if sql.startswith('INSERT INTO "cases_case" '):
            made["case"] = rows[0][0]
        elif sql.startswith('INSERT INTO "cases_subject"'):
            made["subject"] = rows[0][0]
        elif sql.startswith('INSERT INTO "cases_assessment"'):
            made["assessment"] = rows[0][0]
        elif 'MAX("id") FROM "traces_indexterm"' in sql:
            made["maxterm"] = rows[0][0]

    def _execute(self, step: Step, params: Any) -> Any:
        """The step run by the driver alone; rows fetched as Django's cursor would, or the
        count of rows an UPDATE changed."""
        kind = step.kind
        if self.vendor == "sqlite":
            raw = self.sqlite
            if kind == COMMIT:
                raw.commit()  # the driver's COMMIT, as Django's ``_commit``
                self._after_commit()
                return None
            if kind == ROLLBACK:
                raw.execute("ROLLBACK")
                self._after_commit()
                return None
            if step.sql.startswith("BEGIN"):
                fcntl.flock(self.lock_fd, fcntl.LOCK_EX)
            cursor = raw.execute(_qmark(step.sql), params or ())
            if step.sql.startswith("UPDATE"):
                return cursor.rowcount
            return cursor.fetchall() if cursor.description else None
        pg = self.pg
        if kind == BEGIN:
            pg.autocommit = False  # psycopg sends BEGIN before the next statement
            return None
        if kind == COMMIT:
            pg.commit()
            pg.autocommit = True
            return None
        if kind == ROLLBACK:
            pg.rollback()
            pg.autocommit = True
            return None
        if kind == PREPARED and params is not None:
            cur = self.prepared_cursor
            cur.execute(step.sql, params, prepare=True)
        else:
            cur = self.client_cursor
            cur.execute(step.sql, params)
        if step.sql.startswith("UPDATE"):
            return cur.rowcount
        return cur.fetchall() if cur.description else None

    def _after_commit(self) -> None:
        fcntl.flock(self.lock_fd, fcntl.LOCK_UN)
        self.commits += 1

    def checkpoint(self, timed: Timed) -> None:
        """As ``core.sqlite`` does after every 20th commit of a connection, its turn given
        back: a passive checkpoint of the log (timed apart from the commit)."""
        if self.vendor != "sqlite" or self.commits < CHECKPOINT_EVERY:
            return
        self.commits = 0
        start = time.process_time()
        with contextlib.suppress(sqlite3.Error):
            self.sqlite.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        timed.checkpoints += 1
        timed.checkpoint_cpu += time.process_time() - start


def _qmark(sql: str) -> str:
    return _QMARKS.get(sql) or _QMARKS.setdefault(sql, sql.replace("%s", "?").replace("%%", "%"))


_QMARKS: dict[str, str] = {}


def _driver_params(params: Any) -> Any:
    if not isinstance(params, list | tuple):
        return params
    return [Jsonb(value[1], dumps=_same) if _is_json(value) else value for value in params]


def _is_json(value: Any) -> bool:
    return type(value) is tuple and len(value) == 2 and value[0] == "__jsonb__"


def _same(text: str) -> str:
    return text


# -- measuring ---------------------------------------------------------------------------


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _io() -> dict[str, int]:
    """This process's reads: ``syscr`` (read calls: SQLite reads a page a call) and
    ``rchar`` (bytes)."""
    found = {}
    for line in Path("/proc/self/io").read_text().splitlines():
        key, value = line.split(":")
        found[key] = int(value)
    return found


def _auxiliary() -> float:
    """Seconds on a CPU of PostgreSQL's own processes (checkpointer, background writer, WAL
    writer, autovacuum): what the backends' writes cost beside them."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            line = (entry / "cmdline").read_bytes()
            if line.startswith(b"postgres: ") and any(
                word in line
                for word in (b"checkpointer", b"background writer", b"walwriter", b"autovacuum")
            ):
                total += _schedstat(int(entry.name))
    return total


def _machine() -> float:
    """Seconds of CPU the whole machine spent busy (every core), from /proc/stat."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    times: int
    client: float  # the process's CPU (getrusage), seconds, all replays
    backend: float  # the PostgreSQL backend's CPU, seconds
    wall: float
    reads: int  # read calls
    read_bytes: int
    misses: int
    steps: Timed


def replay_times(
    vendor: str,
    target: str,
    steps: list[Step],
    times: int,
    *,
    per_step: bool = True,
    warm: int = 20,
    turn: Any = None,
    ready: Any = None,
) -> Result:
    """``times`` replays of ``steps`` after ``warm`` untimed ones. With ``turn`` (a pair of
    pipe ends: wait on the first, then signal the second), each replay waits for its turn
    (two processes alternating); with ``ready`` (a barrier), all start together."""
    replayer = Replayer(vendor, target, steps)
    count = len(steps)
    scratch = Timed([0.0] * count, [0.0] * count, [0.0] * count)
    for _ in range(warm):
        replayer.run(scratch, per_step=False)
    if ready is not None:
        ready.wait()
    timed = Timed([0.0] * count, [0.0] * count, [0.0] * count)
    io0, cpu0, wall0 = _io(), _cpu(), time.perf_counter()
    back0 = _schedstat(replayer.backend)
    for _ in range(times):
        if turn is not None:
            turn[0].recv()
        replayer.run(timed, per_step=per_step)
        if turn is not None:
            turn[1].send(1)
    wall = time.perf_counter() - wall0
    cpu, io = _cpu() - cpu0, _io()
    backend = _schedstat(replayer.backend) - back0
    return Result(
        times,
        cpu,
        backend,
        wall,
        io["syscr"] - io0["syscr"],
        io["rchar"] - io0["rchar"],
        timed.misses,
        timed,
    )


def dry_cost(vendor: str, target: str, steps: list[Step], times: int) -> float:
    """The replay's own CPU a run, its statements not sent (its values made, its loop)."""
    replayer = Replayer(vendor, target, steps)
    count = len(steps)
    timed = Timed([0.0] * count, [0.0] * count, [0.0] * count)
    start = _cpu()
    for _ in range(times):
        replayer.run(timed, per_step=False, dry=True)
    return (_cpu() - start) / times


def _worker(args: tuple[Any, ...], out: Any) -> None:
    vendor, target, steps, times, kwargs = args
    out.send(replay_times(vendor, target, steps, times, **kwargs))


def in_processes(
    vendor: str, target: str, steps: list[Step], times: int, procs: int, *, alternate: bool
) -> tuple[list[Result], float, float, float]:
    """``procs`` processes replaying ``times`` each at once (or two alternating): their
    results, the wall time, and the machine's busy CPU meanwhile (/proc/stat)."""
    context = multiprocessing.get_context("fork")
    ready = context.Barrier(procs + 1)
    pipes = [context.Pipe() for _ in range(procs)]
    turns: list[Any] = [None] * procs
    if alternate:
        a_to_b, b_from_a = context.Pipe()
        b_to_a, a_from_b = context.Pipe()
        turns = [(a_from_b, a_to_b), (b_from_a, b_to_a)]
    workers = []
    for number in range(procs):
        kwargs = {"per_step": False, "ready": ready, "turn": turns[number]}
        worker = context.Process(
            target=_worker, args=((vendor, target, steps, times, kwargs), pipes[number][1])
        )
        worker.start()
        workers.append(worker)
    ready.wait()
    machine0, auxiliary0, wall0 = _machine(), _auxiliary(), time.perf_counter()
    if alternate:
        b_to_a.send(1)  # the first process's first turn
    results = [pipe[0].recv() for pipe in pipes]
    wall, machine = time.perf_counter() - wall0, _machine() - machine0
    auxiliary = _auxiliary() - auxiliary0 if vendor == "postgresql" else 0.0
    for worker in workers:
        worker.join()
    return results, wall, machine, auxiliary


def _ms(seconds: float, times: int) -> str:
    return f"{seconds * 1000 / times:.3f}"


def report(name: str, steps: list[Step], result: Result, dry: float) -> dict[str, float]:
    times = result.times
    timed = result.steps
    print(
        f"{name}: {times} replays, {len(steps)} steps: process CPU {_ms(result.client, times)} ms"
        f" a replay (inside the driver's calls {_ms(sum(timed.client), times)}; the replay's own "
        f"Python {dry * 1000:.3f}), backend CPU {_ms(result.backend, times)} ms, wall "
        f"{_ms(result.wall, times)} ms; read calls {result.reads / times:.1f} "
        f"({result.read_bytes / times / 1024:.1f} KiB); head missed {result.misses}",
        flush=True,
    )
    total = sum(timed.client) + sum(timed.backend)
    kinds = [step.kind for step in steps]
    begins = [
        i for i, step in enumerate(steps) if step.kind == BEGIN or step.sql.startswith("BEGIN")
    ]
    for begin in begins:
        end = kinds.index(COMMIT, begin)
        inside = slice(begin, end + 1)
        print(
            f"  the transaction of steps {begin}–{end}: client "
            f"{_ms(sum(timed.client[inside]), times)}, backend "
            f"{_ms(sum(timed.backend[inside]), times)}, wall "
            f"{_ms(sum(timed.wall[inside]), times)} ms a replay",
            flush=True,
        )
    if timed.checkpoints:
        print(
            f"  checkpoints after the turn: {timed.checkpoints}, "
            f"{_ms(timed.checkpoint_cpu, times)} ms CPU a replay",
            flush=True,
        )
    for index, step in enumerate(steps):
        label = step.kind.upper() if step.kind in (COMMIT, ROLLBACK, BEGIN) else step.sql
        both = timed.client[index] + timed.backend[index]
        print(
            f"  [{index:2}] client {_ms(timed.client[index], times)} backend "
            f"{_ms(timed.backend[index], times)} wall {_ms(timed.wall[index], times)} ms "
            f"({both / total * 100 if total else 0:4.1f} %)  {label[:90]}",
            flush=True,
        )
    return {
        "client": result.client / times,
        "driver": sum(timed.client) / times,
        "own": dry,
        "backend": result.backend / times,
        "wall": result.wall / times,
        "reads": result.reads / times,
    }


def replay(path: str, target: str, times: int, procs: int, only: str, alternate: bool) -> int:
    vendor, captured = _loaded(path)
    figures: dict[str, Any] = {}
    for name in ("me", "intake"):
        if only and name != only:
            continue
        steps = captured[name]
        # Each statement's cost (its backend's read around it: some client CPU more), then
        # the totals without those reads.
        split = replay_times(vendor, target, steps, times // 2)
        result = replay_times(vendor, target, steps, times, per_step=False)
        dry = dry_cost(vendor, target, steps, min(times, 500))
        figures[name] = report(name, steps, split, dry)
        figures[name] |= {"client": result.client / times, "backend": result.backend / times}
        print(
            f"{name}, totals without the reads of the backend's CPU around each statement: "
            f"{times} replays: process CPU {_ms(result.client, times)} ms, backend CPU "
            f"{_ms(result.backend, times)} ms, wall {_ms(result.wall, times)} ms a replay; "
            f"read calls {result.reads / times:.1f}; head missed {result.misses}",
            flush=True,
        )
        if procs > 1:
            each = max(times // procs, 50)
            results, wall, machine, auxiliary = in_processes(
                vendor, target, steps, each, procs, alternate=False
            )
            done = sum(r.times for r in results)
            cpu = sum(r.client + r.backend for r in results) + auxiliary
            figures[name + "_procs"] = {"machine": machine / done, "processes": cpu / done}
            print(
                f"{name}, {procs} processes at once × {each}: {done / wall:.1f} replays/s; CPU a "
                f"replay: processes and backends {cpu * 1000 / done:.3f} ms (clients "
                f"{sum(r.client for r in results) * 1000 / done:.3f}, backends "
                f"{sum(r.backend for r in results) * 1000 / done:.3f}, PostgreSQL's own processes "
                f"{auxiliary * 1000 / done:.3f}), the machine (anyone's) "
                f"{machine * 1000 / done:.3f} ms; head missed "
                f"{sum(r.misses for r in results)}; read calls "
                f"{sum(r.reads for r in results) / done:.1f} a replay",
                flush=True,
            )
        if alternate:
            single = replay_times(vendor, target, steps, times // 2, per_step=False)
            results, wall, machine, _ = in_processes(
                vendor, target, steps, times // 2, 2, alternate=True
            )
            done = sum(r.times for r in results)
            print(
                f"{name}, one process alone: CPU {_ms(single.client, single.times)} ms, read "
                f"calls {single.reads / single.times:.1f} "
                f"({single.read_bytes / single.times / 1024:.1f} KiB) a replay; "
                "two alternating: CPU "
                f"{sum(r.client for r in results) * 1000 / done:.3f} ms, read calls "
                f"{sum(r.reads for r in results) / done:.1f} "
                f"({sum(r.read_bytes for r in results) / done / 1024:.1f} KiB) a replay",
                flush=True,
            )
    print(json.dumps(figures), flush=True)
    return 0


def floor(me_rate: float, cores: float, walk_sql: float, me_sql: float) -> float:
    """R = me / (me + walk-in SQL − /me SQL), ``me`` the server's CPU a /me (cores / rate)."""
    me = cores / me_rate
    return me / (me + walk_sql - me_sql)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    sub = parser.add_subparsers(dest="command", required=True)
    cap = sub.add_parser("capture")
    cap.add_argument("out")
    cap.add_argument("--warm", type=int, default=5)
    rep = sub.add_parser("replay")
    rep.add_argument("capture")
    where = rep.add_mutually_exclusive_group(required=True)
    where.add_argument("--sqlite", help="the database file of a scratch copy")
    where.add_argument("--postgres", help="the URL of a scratch copy")
    rep.add_argument("--times", type=int, default=2000)
    rep.add_argument("--procs", type=int, default=4)
    rep.add_argument("--only", choices=["me", "intake"], default="")
    rep.add_argument("--alternate", action="store_true", help="SQLite: two processes by turns")
    flo = sub.add_parser("floor")
    flo.add_argument("--me-rate", type=float, required=True, help="/me's requests a second")
    flo.add_argument("--cores", type=float, default=2.0)
    flo.add_argument("--walk-in-sql", type=float, required=True, help="ms of CPU")
    flo.add_argument("--me-sql", type=float, required=True, help="ms of CPU")
    args = parser.parse_args()
    if args.command == "capture":
        return capture(args.out, args.warm)
    if args.command == "replay":
        target = args.sqlite or args.postgres
        return replay(args.capture, target, args.times, args.procs, args.only, args.alternate)
    ratio = floor(args.me_rate, args.cores, args.walk_in_sql / 1000, args.me_sql / 1000)
    print(f"R = {ratio:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
