"""The post's case list against its raw SQL, p95, as ``bench_table.page_p95`` measures it,
alone and as often as asked: a server (``defector serve``) on a database seeded before, the
benchmark's reader (``bench_table.SETUP``), then ``--rounds`` times: optionally the loads the
table runs before it (``--loads``: the list page, ``/api/v1/me`` and ``GET /api/v1/cases``
under wrk, ``--seconds`` each), then ``page_p95``'s requests with each one's time printed in
order (its warm-up included; the time printed first with ``== page_p95``, to find them in the
server's output, ``--log``), then ``page_p95`` itself (the page's answers then warm).

    DEFECTOR_STATE_DIR=/tmp/copy PYTHONPATH=src .venv/bin/python tests/bench/list_p95.py \\
        --rounds 3 --loads

The database is written (the reader's session and token): run it on a copy.
"""

from __future__ import annotations

import argparse
import http.client
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_table
from harness import Database, percentile, serve, shell_json, warm, wrk


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--loads", action="store_true", help="the table's loads before each")
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--log", type=Path, help="the server's output, to this file")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    state = Path(os.environ["DEFECTOR_STATE_DIR"]) if not url else Path.cwd()
    db = Database("postgresql" if url else "sqlite", state, url)
    env = db.env()
    the: dict[str, Any] = shell_json(env, bench_table.SETUP)
    bearer = {"Authorization": f"Bearer {the['token']}"}
    cookie = {"Cookie": f"sessionid={the['session']}"}
    page = bench_table.PAGES[0]
    with serve(env, args.log) as server:
        base = server.base
        warm(base, bearer)
        for _ in range(args.rounds):
            if args.loads:
                wrk(f"{base}/cases/", seconds=args.seconds, headers=cookie)
                wrk(f"{base}/api/v1/me", seconds=args.seconds, headers=bearer)
                wrk(f"{base}/api/v1/cases", seconds=args.seconds, headers=bearer)
            print(f"== page_p95 {time.time():.3f}", flush=True)
            times = _page_times(base, page.path, the["session"])
            row = bench_table.page_p95(db, base, the["session"], page, the)
            print(
                f"page p95 {percentile(times, 0.95):.2f} ms, median "
                f"{percentile(times, 0.5):.2f}; every one: " + " ".join(f"{t:.1f}" for t in times),
                flush=True,
            )
            print(f"  page_p95: {row.figure} against {row.baseline}: {row.ratio:.2f}", flush=True)
    return 0


def _page_times(base: str, path: str, session: str) -> list[float]:
    """``page_p95``'s loop over the page (warm-up included), every request's time in order."""
    connection = http.client.HTTPConnection("127.0.0.1", int(base.rsplit(":", 1)[1]), timeout=60)
    times = []
    for _ in range(bench_table.PAGE_WARM + bench_table.PAGE_RUNS):
        start = time.perf_counter()
        connection.request("GET", path, headers={"Cookie": f"sessionid={session}"})
        response = connection.getresponse()
        response.read()
        times.append((time.perf_counter() - start) * 1000)
    connection.close()
    return times


if __name__ == "__main__":
    sys.exit(main())
