"""Benchmark of the audit chain (``make bench``): prints figures; never part of the test run.

- append cost: 5,000 events through ``core.audit.record``, each in its own transaction,
  against 5,000 plain inserts of the same row into a scratch table with the same columns
  (no head lock, no hash), each in its own transaction; the two are interleaved in blocks so
  that both see the same machine;
- verify throughput in memory: the stored chain's check (``core.chain.Walk.batch`` over the
  bytes each event's hash covers, as ``defector audit verify`` reads them) and the offline one
  (``core.chain.verify`` over event mappings), over 100,000 events, against raw
  ``hashlib.sha256`` over the same bytes;
- ``defector audit verify`` on the database (the 5,000 events grown to ``--events``, default
  100,000): the whole command in a process of its own (start-up included) and the
  verification alone, in one process and in two (``--processes``), against raw
  ``hashlib.sha256`` (one core) over the bytes the command hashes, read from the same database
  (only the hashing timed).

Runs on SQLite in a temporary state directory. ``--postgres URL`` runs the database parts on
PostgreSQL instead, in a temporary database created on that server and dropped afterwards.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

APPENDS = 5_000
BLOCK = 500
IN_MEMORY = 100_000
IN_DATABASE = 100_000


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


def payload(rng: random.Random, number: int) -> dict[str, Any]:
    """What a typical action records: a case's fields before and after, sometimes a decision."""
    before = {
        "cryptonym": "AEKESTREL",
        "post": 3,
        "sensitivity": "SECRET",
        "status": "intake",
        "version": number % 17,
        "officers": [4, 9],
        "true_name": "[sealed]",
    }
    after = {**before, "status": rng.choice(["assessed", "granted", "closed"]), "version": 1}
    return {
        "action": rng.choice(["cases.case.update", "cases.subject.reveal", "cases.case.create"]),
        "object_type": "cases.case",
        "object_id": str(rng.randrange(1, 5_000)),
        "cryptonym": "AEKESTREL",
        "before": before,
        "after": after,
        "reason": "name trace at headquarters" if number % 5 == 0 else "",
    }


# --- the database parts ------------------------------------------------------------------------


def scratch_model() -> Any:
    """A model with AuditEvent's columns in a table of its own (created here, dropped later)."""
    from django.db import connection, models

    from defector.core.models import AuditEvent

    attrs: dict[str, Any] = {
        "__module__": "defector.core.models",
        "Meta": type("Meta", (), {"app_label": "core", "db_table": "bench_plain_event"}),
    }
    for field in AuditEvent._meta.concrete_fields:
        if not field.primary_key:
            attrs[field.name] = field.clone()
    model = type("BenchPlainEvent", (models.Model,), attrs)
    with connection.schema_editor() as editor:
        editor.create_model(model)
    return model


def bench_appends() -> tuple[float, float]:
    """(audited appends per second, plain inserts per second), interleaved in blocks."""
    from django.db import transaction
    from django.utils import timezone

    from defector.core import audit, chain

    plain_model = scratch_model()
    rng = random.Random(421)
    audit_seconds = plain_seconds = 0.0
    plain_seq = 0
    for _ in range(APPENDS // BLOCK):
        rows = [payload(rng, n) for n in range(BLOCK)]
        # The plain row carries bytes of the same size as the event's (made outside the clock).
        bodies = [chain.event_body({**row, "prev_hash": "0" * 64, "seq": 1}) for row in rows]
        start = time.perf_counter()
        for row in rows:
            with transaction.atomic():
                audit.record(actor=None, **row)
        audit_seconds += time.perf_counter() - start
        start = time.perf_counter()
        for row, body in zip(rows, bodies, strict=True):
            plain_seq += 1
            with transaction.atomic():
                plain_model.objects.create(
                    body=body,
                    seq=plain_seq,
                    at=timezone.now(),
                    actor_id=None,
                    actor_name="system",
                    policy_version="",
                    request_id="",
                    prev_hash="0" * 64,
                    hash=secrets.token_hex(32),
                    **row,
                )
        plain_seconds += time.perf_counter() - start
    return APPENDS / audit_seconds, APPENDS / plain_seconds


def grow(total: int) -> None:
    """Extend the chain to ``total`` events, written in bulk (valid events, linked and hashed
    as ``record`` does, without its per-event round trips: only reading them is timed)."""
    from django.db import transaction
    from django.utils import timezone

    from defector.core import chain, heads
    from defector.core.models import AuditHead

    rng = random.Random(1976)
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().get(pk=1)
        seq, previous = head.seq, head.hash
        while seq < total:
            batch = []
            for _ in range(min(5_000, total - seq)):
                seq += 1
                fields = {
                    "seq": seq,
                    "at": timezone.now(),
                    "actor_id": None,
                    "actor_name": "system",
                    "decision": None,
                    "policy_version": "",
                    "request_id": "",
                    "prev_hash": previous,
                    **payload(rng, seq),
                }
                body = chain.event_body(fields)
                previous = chain.body_hash(body)
                batch.append({**fields, "hash": previous, "body": body})
            heads.insert_many(batch)  # stored as core.heads stores every event
        head.seq, head.hash = seq, previous
        head.save(update_fields=["seq", "hash"])


def bench_verify_command(processes: int) -> dict[str, Any]:
    """``defector audit verify --processes N`` as an operator runs it: a process of its own,
    start-up included (``wall_seconds``); the report says how long the verification alone
    took. Raw SHA-256, its yardstick, runs on one core."""
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    start = time.perf_counter()
    done = subprocess.run(
        [
            *(sys.executable, "-m", "defector.cli", "audit", "verify", "--json", "--no-progress"),
            *("--processes", str(processes)),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    report: dict[str, Any] = json.loads(done.stdout)
    report["wall_seconds"] = seconds
    return report


def raw_stored() -> tuple[int, float]:
    """(events, seconds) of raw ``hashlib.sha256`` over the bytes ``defector audit verify``
    hashes, read from the database beforehand (format 2: the stored bytes; format 1: the
    canonical encoding of the fields); only the hashing is timed."""
    from defector.core import chain, rows

    count = 0
    seconds = 0.0
    with rows.connection.cursor() as cursor:
        cursor.execute(
            f"SELECT body, {', '.join(chain.ROW_FIELDS)} FROM core_auditevent ORDER BY seq"  # noqa: S608
        )
        while batch := cursor.fetchmany(20_000):
            encoded = []
            for body, *row in batch:
                if body is not None:
                    encoded.append(bytes(body))
                else:
                    fields = dict(zip(chain.SORTED_FIELDS, rows.decoded(tuple(row)), strict=False))
                    encoded.append(chain.canonical(fields))
            start = time.perf_counter()
            for data in encoded:
                hashlib.sha256(data).digest()
            seconds += time.perf_counter() - start
            count += len(encoded)
    return count, seconds


# --- the in-memory part ------------------------------------------------------------------------


def bench_in_memory() -> dict[str, float]:
    """Events per second of the stored chain's check (``chain.Walk.batch`` over format-2 bytes,
    in batches as ``defector audit verify`` reads them), of ``chain.verify`` over mappings
    (offline), and of raw SHA-256 over the same bytes each hashes."""
    import datetime as dt

    from defector.core import chain, rows

    rng = random.Random(7)
    start_time = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    events = []
    bodies: list[bytes] = []
    previous = chain.GENESIS
    for seq in range(1, IN_MEMORY + 1):
        event = {
            "seq": seq,
            "at": start_time + dt.timedelta(seconds=seq),
            "actor_id": rng.randrange(1, 400),
            "actor_name": "Dana Reyes (duty.officer)",
            "decision": None,
            "policy_version": "",
            "request_id": secrets.token_hex(16),
            "prev_hash": previous,
            **payload(rng, seq),
        }
        body = chain.event_body(event)
        event["hash"] = previous = chain.body_hash(body)
        events.append(event)
        bodies.append(body)
    hashes = [event["hash"] for event in events]
    size = rows.BATCH_SIZE
    start = time.perf_counter()
    walk = chain.Walk([], {})
    for first in range(0, IN_MEMORY, size):
        assert walk.batch(bodies[first : first + size]) == hashes[first : first + size]
    report = walk.finish()
    batch_rate = IN_MEMORY / (time.perf_counter() - start)
    assert report.ok, report.faults[:3]
    assert report.events == IN_MEMORY
    start = time.perf_counter()
    for data in bodies:
        hashlib.sha256(data).digest()
    raw_rate = IN_MEMORY / (time.perf_counter() - start)
    start = time.perf_counter()
    report = chain.verify(events, [], {})
    verify_rate = IN_MEMORY / (time.perf_counter() - start)
    assert report.ok, report.faults[:3]
    return {"batch": batch_rate, "raw": raw_rate, "mappings": verify_rate}


# --- set-up ------------------------------------------------------------------------------------


def temporary_postgres(url: str) -> tuple[str, str]:
    """Create a scratch database on the server of ``url``; return (its URL, maintenance URL)."""
    import psycopg

    parts = urlsplit(url)
    name = f"defector_bench_{os.getpid()}"
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="run the database parts on PostgreSQL")
    parser.add_argument("--events", type=int, default=IN_DATABASE, help="events to verify")
    parser.add_argument("--skip-appends", action="store_true", help="skip the append measure")
    parser.add_argument(
        "--processes",
        type=int,
        nargs="+",
        default=[1, 2],
        help="run the command with each of these --processes (default: 1 2)",
    )
    args = parser.parse_args(argv)

    state = tempfile.mkdtemp(prefix="defector-bench-audit-")
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

    try:
        call_command("migrate", verbosity=0)
        database = f"{connection.vendor} {'(' + state + ')' if not args.postgres else ''}"
        print(f"audit chain benchmark — {machine()}")
        print(f"database: {database.strip()}")

        audited, plain = bench_appends() if not args.skip_appends else (1.0, 1.0)
        print(f"\nappend, {APPENDS:,} events, one transaction each (interleaved blocks of {BLOCK})")
        print(f"  audit.record            {audited:>10,.0f} events/s  ({1e3 / audited:.3f} ms)")
        print(f"  plain insert, same row  {plain:>10,.0f} rows/s    ({1e3 / plain:.3f} ms)")
        print(f"  append cost             {plain / audited:>10.2f}x a plain insert's time")

        memory = bench_in_memory()
        raw_rate = memory["raw"]
        print(f"\nverify in memory, {IN_MEMORY:,} events")
        print(f"  stored chain's check    {memory['batch']:>10,.0f} events/s (chain.Walk.batch)")
        print(f"  raw hashlib.sha256      {raw_rate:>10,.0f} events/s (same bytes)")
        print(
            f"  ratio                   {memory['batch'] / raw_rate:>10.2f} of raw SHA-256's speed"
        )
        print(f"  offline, mappings       {memory['mappings']:>10,.0f} events/s (chain.verify)")

        grow(args.events)
        events, raw_seconds = raw_stored()
        raw_db = events / raw_seconds
        print(f"\ndefector audit verify on the database, {events:,} events")
        print(f"  raw hashlib.sha256      {raw_db:>10,.0f} events/s (the bytes hashed, one core)")
        ok = True
        for processes in args.processes:
            report = bench_verify_command(processes)
            ok = ok and report["ok"]
            rate = report["events"] / report["wall_seconds"]
            print(f"  --processes {processes} (used: {report.get('processes', 1)})")
            print(
                f"    whole command         {rate:>10,.0f} events/s  "
                f"({report['wall_seconds']:.2f} s, result {'OK' if report['ok'] else 'FAULTY'})"
            )
            print(f"    ratio                 {rate / raw_db:>10.2f} of raw SHA-256's speed")
            alone = report["events_per_second"]
            print(f"    verification alone    {alone:>10,.0f} events/s ({report['seconds']:.2f} s)")
            print(f"    ratio                 {alone / raw_db:>10.2f} of raw SHA-256's speed")
        return 0 if ok else 1
    finally:
        if args.postgres:
            drop_postgres(maintenance, os.environ["DATABASE_URL"])
        shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
