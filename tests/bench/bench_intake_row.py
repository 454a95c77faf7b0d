"""The one table's intake rows alone, against a database already seeded: ``GET /api/v1/me``,
then ``POST /api/v1/cases/walk-ins`` with a name of its own each time (and, with
``--same-name``, every walk-in the same name), behind ``defector serve`` (gunicorn with its
defaults, ``DEFECTOR_SERVER_WORKERS`` and ``DEFECTOR_SERVER_THREADS``: 4 processes × 1
thread, sync workers, see ``defector.ops.server``) with wrk's 16 connections, as
``bench_table.py`` measures them. The walk-in names no post: it is opened at the case
officer's own (``cases.queries.default_post_id``).

Every walk-in is written: run it on a scratch copy of the database (its state directory, or
``--database-url`` for PostgreSQL)::

    cp -r /tmp/full /tmp/mine && .venv/bin/python tests/bench/bench_intake_row.py /tmp/mine

With ``--worker``, a ``defector worker`` runs beside the server (as deployed), and its CPU
time is counted with the server's, so that work moved to the queue is shown where it went.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_table import SETUP
from harness import (
    A_NAME,
    DEFECTOR,
    ROOT,
    machine,
    post_script,
    serve,
    shell_json,
    warm,
    wrk,
)

WALK_IN = {
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
    "true_name": A_NAME,
}


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU seconds of the processes ``pids`` so far."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("state", help="the state directory of a seeded scratch database")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--same-name", action="store_true")
    parser.add_argument("--worker", action="store_true")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEFECTOR_")}
    env.pop("DATABASE_URL", None)
    env["PYTHONPATH"] = str(ROOT / "src")
    env |= {"DEFECTOR_STATE_DIR": args.state, "DEFECTOR_DEBUG": "false", "DEFECTOR_DEMO": "true"}
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    print(machine(), flush=True)
    the = shell_json(env, SETUP)
    bearer = {"Authorization": f"Bearer {the['token']}"}
    worker = (
        subprocess.Popen([str(DEFECTOR), "worker"], env=env, stdout=subprocess.DEVNULL)
        if args.worker
        else None
    )
    try:
        with serve(env) as server:
            warm(server.base, bearer)
            wrk(f"{server.base}/api/v1/me", seconds=2, headers=bearer)
            me = wrk(f"{server.base}/api/v1/me", seconds=args.seconds, headers=bearer)
            print(f"GET /api/v1/me      {me.describe()}", flush=True)
            bodies = [("each its own name", WALK_IN)]
            if args.same_name:
                bodies.append(("the same name", WALK_IN | {"true_name": "Bench Subject"}))
            for what, body in bodies:
                pids = server.worker_pids() + ([worker.pid] if worker else [])
                cpu = cpu_seconds(pids)
                load = wrk(
                    f"{server.base}/api/v1/cases/walk-ins",
                    seconds=args.seconds,
                    script=post_script(body, bearer),
                )
                if worker is not None:
                    time.sleep(2)  # let the worker finish the queue
                spent = cpu_seconds(pids) - cpu
                print(
                    f"walk-in, {what}: {load.describe()}  ratio {load.rate / me.rate:.3f} "
                    f"(1/{me.rate / load.rate:.0f}); CPU {spent * 1000 / max(load.requests, 1):.1f}"
                    f" ms a walk-in (server{' and worker' if worker else ''})",
                    flush=True,
                )
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
