"""Walk-in intake through the API under 16 concurrent clients.

Starts `defector serve` on a free port of 127.0.0.1 with a scratch database (SQLite file, or
a scratch PostgreSQL database with ``--postgres URL``), makes a case officer with an API
token, then sends, from 16 client threads each with its own connection:

- ``GET /api/v1/me`` (a trivial authenticated endpoint of the same server), then
- ``POST /api/v1/cases/walk-ins`` (intake: assessment, obligations, sealing, audit, timeline),

and prints p50/p99 latency and requests/s of each and the ratio. Every request stays on
loopback; the run is bounded in requests and time.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
DEFECTOR = Path(sys.executable).parent / "defector"
CLIENTS = 16
REQUESTS = 800  # per endpoint, shared by the clients
SETUP = """
from defector.core import actions as core_actions
from defector.directory.models import Agency, Official, Post, RoleAssignment
from django.contrib.auth import get_user_model
post = Post.objects.create(code="VIENNA", name="Embassy Vienna", country="AT", city="Vienna")
agency = Agency.objects.create(code="CIA", name="Central Intelligence Agency")
user = get_user_model().objects.create_user(username="bench.officer", password=None)
official = Official.objects.create(user=user, agency=agency, post=post, clearance="SECRET")
RoleAssignment.objects.create(official=official, role="case_officer", post=post)
_, plain = core_actions.create_api_token(acting_user=user, user=user, name="bench", days=1)
print(plain)
"""


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [str(DEFECTOR), *args], env=env, input=stdin, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def failure(status: int, content: bytes) -> str:
    """What a failed request answered: its status and the error's ``code``."""
    try:
        code = json.loads(content).get("code", "")
    except (ValueError, AttributeError):
        code = ""
    return f"{status} {code}".strip()


def load(
    port: int, token: str, method: str, path: str, body: dict[str, Any] | None
) -> tuple[list[float], float, collections.Counter[str]]:
    """``REQUESTS`` requests from ``CLIENTS`` threads: latencies (s), wall time, and the
    failures by what they answered (``500 server_error``, ``ConnectionResetError``, …)."""
    latencies: list[float] = []
    errors: collections.Counter[str] = collections.Counter()
    lock = threading.Lock()
    per_client = REQUESTS // CLIENTS
    payload = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def client() -> None:
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        failed: collections.Counter[str] = collections.Counter()
        for _ in range(per_client):
            start = time.perf_counter()
            try:
                connection.request(method, path, body=payload, headers=headers)
                response = connection.getresponse()
                content = response.read()
                if response.status >= 400:
                    failed[failure(response.status, content)] += 1
                    if os.environ.get("BENCH_SHOW_ERRORS"):
                        print(response.status, content[:300], file=sys.stderr)
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            except (OSError, http.client.HTTPException) as exc:
                failed[type(exc).__name__] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            mine.append(time.perf_counter() - start)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - start, errors


def report(
    name: str, latencies: list[float], seconds: float, errors: collections.Counter[str]
) -> float:
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    rate = len(ordered) / seconds
    print(
        f"  {name:<28} p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   {rate:7.1f} requests/s"
        f"   ({len(ordered)} requests, {errors.total()} errors)"
    )
    for what, count in errors.most_common():
        print(f"    {count} x {what}")
    return rate


def scratch_postgres(url: str) -> tuple[str, str]:
    import psycopg

    name = f"defector_bench_intake_{os.getpid()}"
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), name


def drop_postgres(url: str, name: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", help="a PostgreSQL URL; a scratch database is made there")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as state:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DEFECTOR_")}
        env.pop("DATABASE_URL", None)
        env |= {"DEFECTOR_STATE_DIR": state, "DEFECTOR_DEBUG": "false", "DEFECTOR_DEMO": "true"}
        scratch = None
        if options.postgres:
            url, scratch = scratch_postgres(options.postgres)
            env["DATABASE_URL"] = url
        try:
            run(env, "migrate", "--verbosity", "0")
            token = run(env, "shell", "-c", SETUP).splitlines()[-1]
            port = free_port()
            server = subprocess.Popen(
                [str(DEFECTOR), "serve", f"127.0.0.1:{port}"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=open(os.environ["BENCH_SERVER_LOG"], "w")  # noqa: SIM115
                if os.environ.get("BENCH_SERVER_LOG")
                else subprocess.DEVNULL,
            )
            try:
                for _ in range(100):
                    try:
                        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                        break
                    except OSError:
                        time.sleep(0.1)
                database = "PostgreSQL" if options.postgres else "SQLite"
                print(f"machine: {machine()}; database: {database}; server: defector serve")
                print(f"{CLIENTS} concurrent clients, {REQUESTS} requests per endpoint")
                load(port, token, "GET", "/api/v1/me", None)  # warm up
                trivial = report("GET /api/v1/me", *load(port, token, "GET", "/api/v1/me", None))
                body = {
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
                intake = report(
                    "POST /api/v1/cases/walk-ins",
                    *load(port, token, "POST", "/api/v1/cases/walk-ins", body),
                )
                print(f"  intake throughput is {trivial / intake:.1f}x below the trivial endpoint")
            finally:
                server.terminate()
                server.wait(timeout=20)
        finally:
            if scratch and options.postgres:
                drop_postgres(options.postgres, scratch)


if __name__ == "__main__":
    main()
