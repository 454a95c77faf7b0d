"""``defector serve``: the site under gunicorn (its processes and threads from the settings),
static files from WhiteNoise, an access log without query strings, a graceful stop on SIGTERM
and SIGINT."""

from __future__ import annotations

import http.client
import json
import re
import signal
import socket
import time
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from defector.ops.management.commands.serve import bind_address, gunicorn_command

from .conftest import clean_env, fetch, run_defector, served

TOKEN = "metrics-token-for-the-serve-test-0123456789"


def test_the_server_serves_a_page_and_a_static_file_and_stops_cleanly_on_sigterm(
    tmp_path: Path,
) -> None:
    env = clean_env(
        DEFECTOR_STATE_DIR=str(tmp_path),
        DEFECTOR_SERVER_WORKERS="2",
        DEFECTOR_METRICS_TOKEN=TOKEN,
        TMPDIR=str(tmp_path),
    )
    with served(env, tmp_path) as server:
        page = fetch(f"{server.url}/sign-in/?q=Ivanov")
        assert page.status == 200
        assert b"Sign in" in page.body
        assert page.headers["Server"] == "gunicorn"
        # A client that would keep its connection is told the server closes it.
        host, port = server.url.removeprefix("http://").rsplit(":", 1)
        keeping = http.client.HTTPConnection(host, int(port), timeout=10)
        keeping.request("GET", "/healthz")
        answer = keeping.getresponse()
        assert answer.status == 200
        assert answer.getheader("Connection") == "close"
        keeping.close()
        assert "X-Request-ID" in page.headers
        css = fetch(f"{server.url}/static/web/css/shell.css")
        assert css.status == 200
        assert css.headers["Content-Type"].startswith("text/css")
        assert "Cache-Control" in css.headers
        for _ in range(5):
            assert fetch(f"{server.url}/sign-in/").status == 200
        assert fetch(f"{server.url}/healthz").status == 200
        # The database was never migrated, and no worker runs: not ready, and it says why.
        ready = fetch(f"{server.url}/readyz")
        assert ready.status == 503
        assert json.loads(ready.body)["failing"] == ["migrations", "worker"]
        assert fetch(f"{server.url}/metrics").status == 404
        scraped = fetch(f"{server.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert scraped.status == 200
        # Both processes' requests, added up (prometheus_client's multiprocess mode).
        assert re.search(
            r'defector_http_request_duration_seconds_count\{[^}]*route="sign-in/"[^}]*\} 6\.0',
            scraped.body.decode(),
        ), scraped.body.decode()
        assert list(tmp_path.glob("defector-metrics-*"))
        assert server.stop(signal.SIGTERM) == 0
    assert not list(tmp_path.glob("defector-metrics-*")), "the metrics files go at exit"
    log = server.output()
    assert "gunicorn" in log
    # One thread a process by default: gunicorn's sync worker, one request at a time.
    assert "Using worker: defector.ops.server.SyncWorker" in log
    assert log.count("Booting worker") == 2
    assert '"GET /sign-in/" 200' in log
    assert '"GET /static/web/css/shell.css" 200' in log
    assert f"id={page.headers['X-Request-ID']}" in log
    assert "Ivanov" not in log, "the access log must not keep query strings"
    assert "Shutting down: Master" in log


def test_ctrl_c_stops_the_server_gracefully_too(tmp_path: Path) -> None:
    env = clean_env(DEFECTOR_STATE_DIR=str(tmp_path), DEFECTOR_SERVER_WORKERS="1")
    with served(env, tmp_path) as server:
        assert fetch(f"{server.url}/sign-in/").status == 200
        assert server.stop(signal.SIGINT) == 0
    log = server.output()
    assert "Shutting down: Master" in log
    assert "Quick shutdown" not in log


def test_one_thread_a_process_serves_one_request_at_a_time_and_drops_a_silent_client(
    tmp_path: Path,
) -> None:
    env = clean_env(DEFECTOR_STATE_DIR=str(tmp_path), DEFECTOR_SERVER_WORKERS="1")
    with served(env, tmp_path) as server:
        host, port = server.url.removeprefix("http://").rsplit(":", 1)
        # A client that connects and sends nothing holds the only process for a while, not
        # for ever: the server closes its connection and serves the next.
        with socket.create_connection((host, int(port)), timeout=20) as silent:
            time.sleep(0.5)  # the process has taken it
            # (``fetch`` gives up after 10 s: gunicorn's own sync worker would wait on.)
            assert fetch(f"{server.url}/sign-in/").status == 200
            assert silent.recv(1) == b"", "the silent connection is closed"
        assert fetch(f"{server.url}/healthz").status == 200
        assert server.stop(signal.SIGINT) == 0
    log = server.output()
    assert "Using worker: defector.ops.server.SyncWorker" in log
    assert '"GET /sign-in/" 200' in log
    assert "Shutting down: Master" in log


def test_production_serves_hashed_static_files_cached_for_good(tmp_path: Path) -> None:
    env = clean_env(
        DEFECTOR_ENV="production",
        DEFECTOR_SECRET_KEY="x" * 20 + "production-secret-key-for-the-serve-test-0123456789",
        DEFECTOR_ALLOWED_HOSTS="127.0.0.1",
        DEFECTOR_SSL_REDIRECT="false",
        DEFECTOR_STATE_DIR=str(tmp_path),
        DEFECTOR_SERVER_WORKERS="1",
        DEFECTOR_SERVER_THREADS="2",
    )
    with served(env, tmp_path) as server:
        # `serve` collected the static files first: their manifest names the hashed copies.
        manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
        hashed = manifest["paths"]["web/css/shell.css"]
        assert re.fullmatch(r"web/css/shell\.[0-9a-f]{12}\.css", hashed)
        css = fetch(f"{server.url}/static/{hashed}", headers={"Accept-Encoding": "gzip"})
        assert css.status == 200
        assert css.headers["Content-Type"].startswith("text/css")
        assert "immutable" in css.headers["Cache-Control"]
        assert "max-age=315360000" in css.headers["Cache-Control"]
        assert css.headers.get("Content-Encoding") == "gzip"
        assert server.stop() == 0
    assert "Using worker: gthread" in server.output(), "two threads a process: gthread"


def test_a_bad_address_is_refused_before_anything_starts(tmp_path: Path) -> None:
    result = run_defector("serve", "nowhere:port", env=clean_env(DEFECTOR_STATE_DIR=str(tmp_path)))
    assert result.returncode == 2
    assert "is not an address" in result.stderr


@pytest.mark.parametrize(
    ("given", "bound"),
    [
        ("8001", "127.0.0.1:8001"),
        ("0.0.0.0:8000", "0.0.0.0:8000"),
        ("localhost:9000", "localhost:9000"),
        ("[::1]:8000", "[::1]:8000"),
    ],
    ids=[
        "a port alone listens on the loopback",
        "a host and a port",
        "a host name",
        "an IPv6 address in brackets",
    ],
)
def test_the_address_is_given_as_runserver_took_it(given: str, bound: str) -> None:
    assert bind_address(given) == bound


@pytest.mark.parametrize("given", ["", "host:", "1:2:3", "127.0.0.1:70000", "[::1]"])
def test_an_address_without_a_port_is_refused(given: str) -> None:
    with pytest.raises(CommandError):
        bind_address(given)


def test_the_server_runs_four_processes_of_one_thread_by_default(tmp_path: Path) -> None:
    result = run_defector(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.SERVER_WORKERS, settings.SERVER_THREADS, settings.SERVER_CONNECTIONS)",
        env=clean_env(DEFECTOR_STATE_DIR=str(tmp_path)),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["4", "1", "2"]


def test_workers_and_threads_come_from_the_settings(settings: object) -> None:
    settings.SERVER_WORKERS = 3  # type: ignore[attr-defined]
    settings.SERVER_THREADS = 5  # type: ignore[attr-defined]
    settings.SERVER_CONNECTIONS = 7  # type: ignore[attr-defined]
    command = gunicorn_command("127.0.0.1:8000", reload=True)
    assert command[command.index("--workers") + 1] == "3"
    assert command[command.index("--threads") + 1] == "5"
    # A process holds no more connections than the settings say, and keeps none alive.
    assert command[command.index("--worker-connections") + 1] == "7"
    assert command[command.index("--keep-alive") + 1] == "0"
    assert "python:defector.ops.server" in command
    assert "--reload" in command


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEFECTOR_SERVER_WORKERS", "0", "must be at least 1"),
        ("DEFECTOR_SERVER_CONNECTIONS", "1", "at least DEFECTOR_SERVER_THREADS"),
        ("DEFECTOR_METRICS_TOKEN", "short", "at least 32 characters"),
    ],
    ids=[
        "no server process",
        "fewer connections than threads",
        "a metrics token too short to guess-proof",
    ],
)
def test_a_bad_server_setting_is_refused_at_start(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    # Two threads a process, so that one connection is fewer than its threads.
    env = clean_env(DEFECTOR_STATE_DIR=str(tmp_path), DEFECTOR_SERVER_THREADS="2")
    result = run_defector("check", env={**env, variable: value})
    assert result.returncode != 0
    assert message in result.stderr
