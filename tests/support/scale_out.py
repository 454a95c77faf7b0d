"""Scale-out on one PostgreSQL (issue 15, item 5): two ``defector serve`` processes on two
ports and two ``defector worker`` processes, under concurrent load from client threads that
hit both servers.

- **No lost update**: in each round, ``writers`` threads (half on each server) change the same
  case's facts with the same ``expected_version`` at once; exactly one is answered 200, every
  other 409, and the case's version moved by exactly one a round.
- **Each notification e-mail sent once**: the walk-ins opened meanwhile (``intakes`` a thread,
  on both servers) tell the post's committee, whose members have e-mail addresses; once the
  workers have drained the outbox, the SMTP server has accepted each outbox row's message
  exactly once (by ``Message-ID``) and every row is ``sent``.
- **The audit chain stays linear and verifies**: ``defector audit verify`` exits 0.

Used by ``tests/ops/test_scale_out.py`` (small) and ``tests/bench/bench_scale_out.py``.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .smtp import SmtpServer

SRC = Path(__file__).resolve().parents[2] / "src"
DEFECTOR = Path(sys.executable).parent / "defector"

MIGRATE = """
from django.core.management import call_command
call_command("migrate", verbosity=0)
"""
SETUP = """
import json
from django.contrib.auth import get_user_model
from defector.cases import actions as cases
from defector.core import actions as core_actions
from defector.directory.models import Agency, Official, Post, RoleAssignment
post = Post.objects.create(code="VIENNA", name="Embassy Vienna", country="AT", city="Vienna")
agency = Agency.objects.create(code="STATE", name="Department of State")
users = get_user_model().objects
def official(username, role, email=""):
    user = users.create_user(username=username, password=None, email=email)
    person = Official.objects.create(user=user, agency=agency, post=post, clearance="SECRET")
    RoleAssignment.objects.create(official=person, role=role, post=post)
    return user
for number, role in enumerate(("committee_chair", "committee_member", "senior_representative")):
    official(f"member.{number}", role, email=f"member{number}@example.gov")
officers = [official(f"officer.{number}", "case_officer") for number in range(2)]
tokens = [
    core_actions.create_api_token(acting_user=user, user=user, name="scale-out", days=1)[1]
    for user in officers
]
case = cases.open_case(
    acting_user=officers[0], post_id=post.pk, sensitivity="SECRET", true_name="Scale Subject",
    facts={"nationalities": ["SU"], "willing_to_defect": True},
    officer_ids=[officers[1].official.pk],
)
print(json.dumps({"tokens": tokens, "case": case.pk}))
"""


FACTS = {
    "nationalities": ["SU"],
    "location": "AT",
    "as_of": "2026-01-05",
    "willing_to_defect": True,
    "dissatisfied": True,
}
WALK_IN = {
    "facts": {"nationalities": ["SU"], "willing_to_defect": True, "threat_information": True},
    "received_where": "consular section",
    "true_name": "Walk In",
}


def environment(state: Path, database_url: str, smtp: SmtpServer) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DEFECTOR_", "PROMETHEUS_")) and k != "DATABASE_URL"
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH", "")]))
    return env | {
        "DATABASE_URL": database_url,
        "DEFECTOR_STATE_DIR": str(state),
        "DEFECTOR_DEBUG": "false",
        "DEFECTOR_DEMO": "true",
        "DEFECTOR_SERVER_WORKERS": "1",
        "DEFECTOR_SERVER_THREADS": "4",
        "DEFECTOR_SERVER_GRACEFUL_SECONDS": "5",  # nothing is in flight when they stop
        "DEFECTOR_EMAIL_NOTICES": "true",
        "DEFECTOR_EMAIL_HOST": smtp.host,
        "DEFECTOR_EMAIL_PORT": str(smtp.port),
        "TMPDIR": str(state),
    }


def defector(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DEFECTOR), *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def processes(env: dict[str, str], logs: Path, servers: int, workers: int) -> Iterator[list[int]]:
    """``servers`` servers (their ports, once each answers) and ``workers`` workers; all
    stopped (SIGTERM, then SIGKILL) at the end."""
    started: list[subprocess.Popen[bytes]] = []
    ports = [_free_port() for _ in range(servers)]
    try:
        for number, port in enumerate(ports):
            with (logs / f"serve-{number}.log").open("wb") as log:
                started.append(
                    subprocess.Popen(
                        [str(DEFECTOR), "serve", f"127.0.0.1:{port}"],
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
        for number in range(workers):
            with (logs / f"worker-{number}.log").open("wb") as log:
                started.append(
                    subprocess.Popen(
                        [str(DEFECTOR), "worker", "--interval", "0.2"],
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
        deadline = time.monotonic() + 120
        for port in ports:
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise AssertionError(f"no server on port {port}") from None
                    time.sleep(0.2)
        yield ports
    finally:
        for process in started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def call(port: int, token: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(
            method,
            path,
            body=json.dumps(body) if body is not None else None,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        response = connection.getresponse()
        content = response.read()
        return response.status, json.loads(content) if content else None
    finally:
        connection.close()


@dataclass
class Figures:
    rounds: int = 0
    #: Per round: the statuses of the conflicting writes.
    answers: list[Counter[int]] = field(default_factory=list)
    version_moves: list[int] = field(default_factory=list)
    intakes: Counter[int] = field(default_factory=Counter)
    emails: int = 0
    emails_sent: int = 0
    smtp_accepted: int = 0
    smtp_duplicates: int = 0
    smtp_unknown: int = 0
    verify_status: int = -1
    verify_output: str = ""
    seconds: float = 0.0


def _step(what: str, since: float) -> float:
    if os.environ.get("SCALE_OUT_TIMES"):
        print(f"scale-out: {what}: {time.monotonic() - since:.1f} s", file=sys.stderr, flush=True)
    return time.monotonic()


def run(
    tmp: Path,
    database_url: str,
    smtp: SmtpServer,
    *,
    rounds: int = 3,
    writers: int = 4,
    intake_threads: int = 2,
    intakes: int = 3,
    migrate: bool = True,
) -> Figures:
    """``migrate=False``: the database is migrated already
    (:func:`support.scratch.migrated_postgres`)."""
    env = environment(tmp, database_url, smtp)
    mark = time.monotonic()
    # Migrate and set up in one process (one start-up of Django fewer).
    made = defector(env, "shell", "-c", (MIGRATE if migrate else "") + SETUP)
    assert made.returncode == 0, made.stderr
    the = json.loads(made.stdout.strip().splitlines()[-1])
    mark = _step("migrate and set up", mark)
    tokens, case = the["tokens"], the["case"]
    figures = Figures(rounds=rounds)
    started = time.monotonic()
    with processes(env, tmp, servers=2, workers=2) as ports:
        # Warm each server (gunicorn loads the application in its worker on first use).
        for port in ports:
            assert call(port, tokens[0], "GET", "/api/v1/me")[0] == 200
        mark = _step("start and warm two servers and two workers", mark)

        def intake(number: int) -> None:
            for turn in range(intakes):
                port = ports[(number + turn) % 2]
                status, _ = call(
                    port, tokens[number % 2], "POST", "/api/v1/cases/walk-ins", WALK_IN
                )
                with lock:
                    figures.intakes[status] += 1

        lock = threading.Lock()
        openers = [threading.Thread(target=intake, args=(n,)) for n in range(intake_threads)]
        for thread in openers:
            thread.start()
        for round_number in range(rounds):
            answers, moved = conflicting_writes(ports, tokens, case, round_number, writers)
            figures.answers.append(answers)
            figures.version_moves.append(moved)
        mark = _step("conflicting writes", mark)
        for thread in openers:
            thread.join()
        mark = _step("intakes", mark)
        # Let the workers drain the outbox.
        deadline = time.monotonic() + 90
        while True:
            rows = _emails(database_url)
            pending = [row for row in rows if row[1] != "sent"]
            if not pending or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        time.sleep(1.0)  # a duplicate send, if any, would arrive now
        mark = _step("outbox drained", mark)
    figures.seconds = time.monotonic() - started
    rows = _emails(database_url)
    figures.emails = len(rows)
    figures.emails_sent = sum(1 for _, status in rows if status == "sent")
    accepted = Counter(message.message_id for message in smtp.received)
    known = {message_id for message_id, _ in rows}
    figures.smtp_accepted = len(smtp.received)
    figures.smtp_duplicates = sum(count - 1 for count in accepted.values() if count > 1)
    figures.smtp_unknown = sum(1 for message_id in accepted if message_id not in known)
    verified = defector(env, "audit", "verify", "--no-progress")
    figures.verify_status = verified.returncode
    figures.verify_output = verified.stdout + verified.stderr
    _step("stopped, and audit verify", mark)
    return figures


def conflicting_writes(
    ports: list[int], tokens: list[str], case: int, round_number: int, writers: int
) -> tuple[Counter[int], int]:
    """``writers`` threads (alternating servers) change the case's facts at once, each with
    the version read before: (their answers' statuses, how far the version moved)."""
    status, read = call(ports[0], tokens[0], "GET", f"/api/v1/cases/{case}")
    assert status == 200, read
    version = int(read["version"])
    answers: Counter[int] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(writers)

    def write(number: int) -> None:
        # Each writer's facts differ from every other's (and from the case's).
        day = 1 + round_number * writers + number
        facts = {**FACTS, "as_of": f"2025-{1 + day // 28:02d}-{1 + day % 28:02d}"}
        barrier.wait()
        status, _ = call(
            ports[number % 2],
            tokens[number % 2],
            "PUT",
            f"/api/v1/cases/{case}/facts",
            {"version": version, "facts": facts},
        )
        with lock:
            answers[status] += 1

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    status, after = call(ports[1], tokens[1], "GET", f"/api/v1/cases/{case}")
    assert status == 200, after
    return answers, int(after["version"]) - version


def _emails(database_url: str) -> list[tuple[str, str]]:
    """The outbox rows (Message-ID, status), read straight from PostgreSQL."""
    import psycopg

    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT message_id, status FROM notifications_outboundemail"
        ).fetchall()
    return [(str(message_id), str(status)) for message_id, status in rows]
