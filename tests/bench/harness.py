"""What the one-table benchmark (``bench_table.py``) and the scale-out run share: scratch
databases, ``defector`` subprocesses, a server on a free port, wrk and its figures, and the
memory of a server's processes. Loopback only."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
DEFECTOR = Path(sys.executable).parent / "defector"
WRK = os.environ.get("BENCH_WRK", "/usr/bin/wrk")


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 2**20:.0f} GiB"
    load = ""
    with contextlib.suppress(OSError):
        load = f", load average {Path('/proc/loadavg').read_text().split()[0]}"
    return f"{cpu}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}{load}"


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- databases ----------------------------------------------------------------------------------


@dataclass
class Database:
    """A scratch database: a SQLite file in ``state``, or a PostgreSQL database made for it."""

    vendor: str  # "sqlite" or "postgresql"
    state: Path
    url: str = ""  # PostgreSQL only
    admin: str = ""

    @property
    def label(self) -> str:
        return "PostgreSQL" if self.vendor == "postgresql" else "SQLite"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a ``defector`` process on this database (demo mode: no second
        factor; DEBUG off, which would keep every query in memory)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("DEFECTOR_")}
        env.pop("DATABASE_URL", None)
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")])
        )
        env |= {
            "DEFECTOR_STATE_DIR": str(self.state),
            "DEFECTOR_DEBUG": "false",
            "DEFECTOR_DEMO": "true",
        }
        if self.url:
            env["DATABASE_URL"] = self.url
        return env | extra

    def connect(self) -> Any:
        """A DB-API connection of the driver itself (the raw SQL a page needs is timed so)."""
        if self.vendor == "postgresql":
            import psycopg

            return psycopg.connect(self.url, autocommit=True)
        import sqlite3

        return sqlite3.connect(self.state / "defector.sqlite3")


@contextlib.contextmanager
def scratch(vendor: str, postgres: str, *, copy_of: str = "") -> Iterator[Database]:
    """A scratch database of ``vendor``, dropped (or removed) afterwards. ``copy_of``: start
    from a copy of a database seeded before (SQLite: its state directory; PostgreSQL: its
    name, copied as a template), instead of an empty one."""
    with tempfile.TemporaryDirectory(prefix="defector-bench-") as state:
        if vendor == "sqlite":
            if copy_of:
                shutil.copytree(copy_of, state, dirs_exist_ok=True)
            yield Database("sqlite", Path(state))
            return
        import psycopg

        parts = urlsplit(postgres)
        admin = urlunsplit(parts._replace(path="/postgres"))
        name = f"defector_bench_{os.getpid()}_{int(time.time())}"
        template = f' TEMPLATE "{copy_of}"' if copy_of else ""
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"{template}')
        try:
            yield Database(
                "postgresql", Path(state), urlunsplit(parts._replace(path=f"/{name}")), admin
            )
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_reachable(url: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3):
            return True
    except Exception:
        return False


def defector(
    env: dict[str, str], *args: str, check: bool = True, timeout: float | None = None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(DEFECTOR), *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    if check and result.returncode != 0:
        raise RuntimeError(f"defector {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result


def shell_json(env: dict[str, str], script: str) -> Any:
    """Run ``script`` in ``defector shell``; its last line of output, as JSON."""
    output = defector(env, "shell", "-c", script).stdout.strip().splitlines()
    return json.loads(output[-1])


# --- servers ------------------------------------------------------------------------------------


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        """The gunicorn worker processes (children of the master)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def memory(self) -> tuple[float, float]:
        """(largest current RSS, largest peak RSS) of a worker process, in MiB."""
        current = peak = 0.0
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                status = Path(f"/proc/{pid}/status").read_text()
                rss = re.search(r"VmRSS:\s+(\d+) kB", status)
                hwm = re.search(r"VmHWM:\s+(\d+) kB", status)
                current = max(current, int(rss[1]) / 1024 if rss else 0)
                peak = max(peak, int(hwm[1]) / 1024 if hwm else 0)
        return current, peak


@contextlib.contextmanager
def serve(env: dict[str, str], log: Path | None = None) -> Iterator[Server]:
    """``defector serve`` (gunicorn) on a free port of 127.0.0.1, once it answers."""
    port = free_port()
    output = log.open("wb") if log else subprocess.DEVNULL
    process = subprocess.Popen(
        [str(DEFECTOR), "serve", f"127.0.0.1:{port}"],
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError("defector serve exited early")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no answer on port {port}") from None
                time.sleep(0.2)
        yield Server(port, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log:
            output.close()  # type: ignore[union-attr]


def warm(base: str, headers: dict[str, str], path: str = "/api/v1/me", clients: int = 8) -> None:
    """Requests from several threads at once until each has had an answer, so that every
    worker process has loaded the application (gunicorn loads it in each worker, lazily)."""
    import threading
    import urllib.request

    def client() -> None:
        for _ in range(3):
            request = urllib.request.Request(base + path, headers=headers)  # noqa: S310
            with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310
                response.read()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def settle(base: str, headers: dict[str, str], clients: int = 16) -> None:
    """Wait for the requests a load left in flight: as many clients as wrk's connections each
    send a few requests, queued behind what the server still holds. After a write load (a
    same-name walk-in takes seconds under load), wrk stops but the server finishes the
    requests it had accepted; a load started at once would wait behind them and carry their
    time in its tail (the assessment's p99 of 529-815 ms in the eighth and ninth sessions'
    tables, 2.3 s on a small copy, against 0.2 s a few seconds later)."""
    warm(base, headers, clients=clients)


# --- wrk ----------------------------------------------------------------------------------------


@dataclass
class Load:
    """What wrk measured: requests per second, p50 and p99 latency (ms), errors."""

    rate: float
    p50: float
    p99: float
    requests: int
    errors: int

    def describe(self) -> str:
        errors = f", {self.errors} errors" if self.errors else ""
        return f"{self.rate:,.1f}/s p50 {self.p50:,.1f} p99 {self.p99:,.1f} ms{errors}"


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _millis(text: str) -> float:
    number = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not number:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(number[1]) * _UNITS[number[2]]


def parse_wrk(output: str) -> Load:
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    total = re.search(r"(\d+) requests in", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if not (rate and p50 and p99 and total):
        raise RuntimeError(f"wrk said:\n{output}")
    errors = int(non_2xx[1]) if non_2xx else 0
    if socket_errors:
        errors += sum(int(group) for group in socket_errors.groups())
    return Load(float(rate[1]), _millis(p50[1]), _millis(p99[1]), int(total[1]), errors)


def wrk(
    url: str,
    *,
    seconds: int,
    connections: int = 16,
    threads: int = 2,
    headers: dict[str, str] | None = None,
    script: str | None = None,
) -> Load:
    """wrk against ``url`` (loopback only) for ``seconds``: ``connections`` open at once."""
    if urlsplit(url).hostname != "127.0.0.1":
        raise ValueError("the benchmark stays on loopback")
    args = [
        WRK,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "30s",
    ]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script or "")
    try:
        if script:
            args += ["-s", lua.name]
        result = subprocess.run(
            [*args, url], capture_output=True, text=True, timeout=seconds + 120, check=True
        )
    finally:
        os.unlink(lua.name)
    return parse_wrk(result.stdout)


#: Where :func:`post_script` puts a name of its own for each request.
A_NAME = "@NAME@"
#: Each request's name, from wrk's thread and the thread's count of requests: syllables, so
#: that the names read like names and differ as much as any two subjects' names do.
_EACH_NAME = """
local syllables = {"ka", "lo", "mi", "ren", "tov", "za", "bru", "shek", "vil", "dor", "pes",
                   "gan", "ul", "ich", "yar", "nos"}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end
local count = 0
local function syllable(n)
  return syllables[(n % 16) + 1]
end
local function capital(word)
  return word:sub(1, 1):upper() .. word:sub(2)
end
function request()
  count = count + 1
  local n = count * 7 + (thread_number or 0)
  local a, b, c = n % 16, math.floor(n / 16) % 16, math.floor(n / 256) % 16
  local name = capital(syllable(a) .. syllable(b)) .. " "
    .. capital(syllable(a * 5 + b * 3 + c) .. syllable(b * 7 + a + c * 11)
      .. syllable(thread_number or 0))
  return wrk.format(nil, nil, nil, (body:gsub("@NAME@", name)))
end
"""


def post_script(body: Any, headers: dict[str, str]) -> str:
    """A wrk Lua script that POSTs ``body`` as JSON with ``headers``; each :data:`A_NAME` in
    it becomes a name of its own for each request."""
    text = json.dumps(body)
    lines = ['wrk.method = "POST"', f"wrk.body = {lua_string(text)}"]
    lines += [f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items()]
    lines.append('wrk.headers["Content-Type"] = "application/json"')
    if A_NAME in text:
        lines += [f"body = {lua_string(text)}", _EACH_NAME]
    return "\n".join(lines) + "\n"


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]
