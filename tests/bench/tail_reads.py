"""Where a read's tail comes from under the server: the reads of ``bench_table.py`` (``/me``, a
case read, the case page, the list page, the list API) under wrk, against several servers at
once (each a variant: a source tree and its environment), the variants interleaved in rounds,
each round ``/me`` then the read, on each server in turn. For each run: wrk's rate, p50 and
p99, the ratio to ``/me`` of the same server and round, and ``T``, the p99 against the mean
latency (Little's law: 16 clients over the rate; 1 when every request waits alike); the
server's own time of the requests (gunicorn's access log, from the request parsed to the
answer written) at p50 and p99, so that what wrk saw beyond it is the time the request
waited for a process and a thread; and the workers' CPU a request (``/proc``).

Against a copy of a seeded database (SQLite: a state directory; PostgreSQL: ``DATABASE_URL``),
as ``bench_table.py`` reads it (its ``SETUP``: the case officer of the post with most cases)::

    PYTHONPATH=src .venv/bin/python tests/bench/tail_reads.py --state /tmp/copy \\
        --logs /tmp/copy-logs --variant base:/work/base --variant branch:. \\
        --variant 'one:.:DEFECTOR_SERVER_WORKERS=8,DEFECTOR_SERVER_THREADS=1' \\
        --reads page,case --rounds 3

A variant is ``LABEL:TREE[:NAME=VALUE[,NAME=VALUE...]]``: the server runs ``TREE/src`` with those
variables added to the bench's environment.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_table import SETUP
from harness import Database, Load, Server, percentile, serve, shell_json, warm, wrk

TICKS = os.sysconf("SC_CLK_TCK")
#: gunicorn's access line of ``defector.ops.server``: the path, the status and the time (ms).
ACCESS = re.compile(rb'"GET (\S+)" (\d+) \d+ (\d+)ms')


@dataclass
class Variant:
    label: str
    tree: Path
    extra: dict[str, str]


def parse_variant(text: str) -> Variant:
    label, tree, *rest = text.split(":", 2)
    extra = dict(item.split("=", 1) for item in rest[0].split(",")) if rest and rest[0] else {}
    return Variant(label, Path(tree).resolve(), extra)


def cpu_seconds(server: Server) -> float:
    total = 0
    for pid in server.worker_pids():
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


@contextlib.contextmanager
def servers(db: Database, variants: list[Variant], logs: Path) -> Iterator[dict[str, Server]]:
    with contextlib.ExitStack() as stack:
        running = {}
        for variant in variants:
            env = db.env(**variant.extra)
            env["PYTHONPATH"] = os.pathsep.join(
                filter(None, [str(variant.tree / "src"), variant.extra.get("PYTHONPATH")])
            )
            log = logs / f"{variant.label}.log"
            running[variant.label] = stack.enter_context(serve(env, log))
        yield running


def server_times(log: Path, start: int) -> list[float]:
    with log.open("rb") as text:
        text.seek(start)
        return [float(m[3]) for m in ACCESS.finditer(text.read())]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", type=Path, required=True, help="the state directory")
    parser.add_argument("--variant", action="append", type=parse_variant, required=True)
    parser.add_argument("--reads", default="case,page,list,cases")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--logs", type=Path, required=True, help="where the servers' logs go")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    db = Database("postgresql" if url else "sqlite", args.state, url)
    the = shell_json(db.env(), SETUP)
    bearer = {"Authorization": f"Bearer {the['token']}"}
    cookie = {"Cookie": f"sessionid={the['session']}"}
    reads = {
        "me": ("/api/v1/me", bearer),
        "case": (f"/api/v1/cases/{the['case']}", bearer),
        "page": (f"/cases/{the['case']}/", cookie),
        "list": ("/cases/", cookie),
        "cases": ("/api/v1/cases", bearer),
    }
    args.logs.mkdir(parents=True, exist_ok=True)
    print(f"{db.label}, {the['cases_at_post']} cases at the post, {args.seconds} s runs")
    with servers(db, args.variant, args.logs) as running:
        for server in running.values():
            warm(server.base, bearer)
            for path, headers in reads.values():
                wrk(server.base + path, seconds=1, headers=headers)
        for round_ in range(args.rounds):
            turn = round_ % len(args.variant)
            order = args.variant[turn:] + args.variant[:turn]
            for name in args.reads.split(","):
                for variant in order:
                    server = running[variant.label]
                    log = args.logs / f"{variant.label}.log"
                    figures = []
                    for read in ("me", name):
                        path, headers = reads[read]
                        start, cpu = log.stat().st_size, cpu_seconds(server)
                        load: Load = wrk(server.base + path, seconds=args.seconds, headers=headers)
                        time.sleep(0.3)
                        used = (cpu_seconds(server) - cpu) / max(load.requests, 1) * 1000
                        own = server_times(log, start)
                        figures.append((load, used, own))
                    (me, me_used, _), (load, used, own) = figures
                    # p99 against the mean latency (16 clients / rate, Little's law): the
                    # tail's shape, which a slow spell of the machine moves less than either.
                    tail = load.p99 * load.rate / 16_000
                    print(
                        f"r{round_} {name:5} {variant.label:10} {load.rate:7.1f}/s "
                        f"ratio {load.rate / me.rate:.2f}  p50 {load.p50:6.1f} "
                        f"p99 {load.p99:6.1f} ms T {tail:4.2f}  "
                        f"server p50 {percentile(own, 0.5):4.0f} "
                        f"p99 {percentile(own, 0.99):4.0f} ms  cpu {used:5.2f} ms/req  "
                        f"(/me {me.rate:6.1f}/s p99 {me.p99:5.1f} cpu {me_used:4.2f})"
                        + (f" errors {load.errors}" if load.errors else ""),
                        flush=True,
                    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
