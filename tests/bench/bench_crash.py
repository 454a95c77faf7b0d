"""Crash safety: writes through the API while the server is killed (SIGKILL), 20 cycles and
more, on SQLite and on PostgreSQL.

Runs :mod:`support.crash` (see there): ``defector serve`` on a free port of 127.0.0.1 with a
scratch database (a SQLite file; and a scratch PostgreSQL database, made and dropped here, when
``--postgres URL`` is given or ``DATABASE_URL`` names PostgreSQL), client threads writing
walk-ins and notes with an ``Idempotency-Key`` each and retrying after a cut, the server's
whole process group killed with SIGKILL and started again ``--cycles`` times. Prints, per
database: cycles, writes acknowledged, retries, lost, duplicates, records without their audit
event, whether ``defector audit verify`` passed. Exits 1 if anything was lost, doubled or
unaudited, or the chain does not verify.

``--kill-database`` adds a run on a PostgreSQL cluster of the bench's own (``initdb`` into a
scratch directory, on a free port; as the ``postgres`` user when run as root): twice the
cycles, every other one killing the database (postmaster and backends, SIGKILL) instead of the
server. The shared PostgreSQL server is never killed.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

import psycopg  # noqa: E402

from support.crash import Figures, PrivateCluster, run  # noqa: E402


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def on_postgres(url: str, cycles: int, clients: int) -> Figures:
    """The run on a scratch database of the PostgreSQL server at ``url``, dropped after."""
    name = f"defector_bench_crash_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory() as state:
            return run(
                Path(state),
                cycles=cycles,
                clients=clients,
                database_url=urlunsplit(parts._replace(path=f"/{name}")),
            )
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def on_private_cluster(cycles: int, clients: int) -> Figures:
    """The run on a cluster of our own, killed every other cycle; removed after."""
    cluster = PrivateCluster()
    try:
        cluster.start()
        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute('CREATE DATABASE "defector"')
        with tempfile.TemporaryDirectory() as state:
            figures = run(
                Path(state),
                cycles=cycles,
                clients=clients,
                database_url=cluster.url("defector"),
                cluster=cluster,
            )
        figures.database = "PostgreSQL (private cluster)"
        return figures
    finally:
        cluster.remove()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cycles", type=int, default=20, help="server kills per database")
    parser.add_argument("--clients", type=int, default=3, help="concurrent writers")
    parser.add_argument("--postgres", help="a PostgreSQL URL; a scratch database is made there")
    parser.add_argument(
        "--only", choices=["sqlite", "postgres", "none"], help="one database only (or none)"
    )
    parser.add_argument(
        "--kill-database",
        action="store_true",
        help="also kill the database: a private PostgreSQL cluster, every other cycle",
    )
    options = parser.parse_args()
    url = options.postgres or os.environ.get("DATABASE_URL", "")
    print(f"machine: {machine()}; server: defector serve (gunicorn, 2 workers), SIGKILL")
    runs: list[Figures] = []
    if options.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory() as state:
            runs.append(run(Path(state), cycles=options.cycles, clients=options.clients))
        print(" ", runs[-1].line(), flush=True)
    if options.only in (None, "postgres"):
        if url.startswith(("postgres://", "postgresql://")):
            runs.append(on_postgres(url, options.cycles, options.clients))
            print(" ", runs[-1].line(), flush=True)
        else:
            print("  PostgreSQL: skipped (give --postgres URL or a PostgreSQL DATABASE_URL)")
    if options.kill_database:
        runs.append(on_private_cluster(2 * options.cycles, options.clients))
        print(" ", runs[-1].line(), flush=True)
    for figures in runs:
        why = ", ".join(f"{count} x {what}" for what, count in figures.why.most_common())
        print(f"  {figures.database}: retried after {why}")
        for problem in [*figures.lost, *figures.unaudited, *figures.failures]:
            print(f"  {figures.database}: {problem}")
        if not figures.chain_verified:
            print(figures.verify_output)
    if not all(figures.sound for figures in runs):
        sys.exit(1)


if __name__ == "__main__":
    main()
