"""The ops suite's helpers: ``defector`` run as a subprocess, and a server started on a free
port (:func:`served`)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DEFECTOR = Path(sys.executable).parent / "defector"
SRC = Path(__file__).resolve().parents[2] / "src"


def clean_env(**extra: str) -> dict[str, str]:
    """The test process's environment without the project's settings (a subprocess gets only
    those it is given), with this worktree's source first on the path."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DEFECTOR_", "PROMETHEUS_")) and k != "DATABASE_URL"
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH", "")]))
    return {**env, **extra}


def run_defector(
    *args: str, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DEFECTOR), *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def fetch(url: str, headers: dict[str, str] | None = None) -> Answer:
    """GET ``url`` without following redirects; any status is an answer."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    try:
        with opener.open(request, timeout=10) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read())


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]
    log: Path

    def stop(self, sig: signal.Signals = signal.SIGTERM, timeout: float = 30) -> int:
        self.process.send_signal(sig)
        return self.process.wait(timeout=timeout)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def served(env: dict[str, str], tmp_path: Path, *args: str) -> Iterator[Server]:
    """``defector serve`` on a free port, once it answers; stopped (SIGKILL) if a test left
    it running."""
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w", encoding="utf-8") as output:
        process = subprocess.Popen(
            [str(DEFECTOR), "serve", f"127.0.0.1:{port}", *args],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        # Answered, not only listening: on a busy machine a worker process can take longer to
        # load the application than a test's request would wait.
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise AssertionError(f"defector serve exited early:\n{server.output()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    pass
                if fetch(f"{server.url}/healthz").status == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"no answer on port {port}:\n{server.output()}") from None
                time.sleep(0.2)
        yield server
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
