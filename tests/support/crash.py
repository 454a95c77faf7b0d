"""The crash-safety harness: writes through the API while the server is killed (SIGKILL).

:func:`run` migrates a scratch database (a SQLite file in a scratch state directory: a copy of
the file ``defector migrate`` makes, by :mod:`support.scratch`; or the PostgreSQL database it
is given, unless that one is migrated already), makes a case officer with an API token, starts
``defector serve`` (gunicorn, in a process group of its own) and lets ``clients`` threads write
through the API: each receives a walk-in (``POST /api/v1/cases/walk-ins``) and adds notes to
that case (``POST /api/v1/cases/{id}/notes``, after reading the case's version). Every write
carries an ``Idempotency-Key`` of its own; a client keeps every write acknowledged (2xx, with
the id created). When a request fails for want of a server (refused, reset, cut off) or with a
5xx or ``idempotency_key_in_use``, the client sends the SAME request with the SAME key again
until it is answered.

Meanwhile, ``cycles`` times, after a random while of writing, the harness kills the server's
whole process group (the gunicorn master and its workers) with SIGKILL and starts it again.
Then it stops the clients (each finishes the write it has begun), stops the server, and reads
the database (``defector shell``) and the chain (``defector audit verify``):

- *lost*: an acknowledged case or note that is not in the database;
- *duplicates*: records beyond one per idempotency key (cases written minus walk-in keys;
  notes sharing one key's text);
- *unaudited*: a case without its ``cases.case.open`` event or a note without its
  ``cases.casenote.add`` event (matched by object id);
- *chain verified*: ``defector audit verify`` exits 0.

With a :class:`PrivateCluster` (a PostgreSQL cluster of the harness's own: ``initdb`` into a
scratch directory, on a free port, as the ``postgres`` user when run as root), every other cycle
kills the database instead (its postmaster and every backend, SIGKILL) while the server keeps
running, and starts it again (crash recovery from the WAL). A shared database server is never
killed.
"""

from __future__ import annotations

import collections
import contextlib
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .scratch import migrated_sqlite

DEFECTOR = Path(sys.executable).parent / "defector"
SRC = Path(__file__).resolve().parents[2] / "src"
#: How long a client keeps retrying one request before it gives up (the server never came back).
RETRY_FOR = 120.0
NOTE_PREFIX = "crash harness note "

SETUP = """
from defector.core import actions as core_actions
from defector.directory.models import Agency, Official, Post, RoleAssignment
from django.contrib.auth import get_user_model
post = Post.objects.create(code="VIENNA", name="Embassy Vienna", country="AT", city="Vienna")
agency = Agency.objects.create(code="CIA", name="Central Intelligence Agency")
user = get_user_model().objects.create_user(username="crash.officer", password=None)
official = Official.objects.create(user=user, agency=agency, post=post, clearance="SECRET")
RoleAssignment.objects.create(official=official, role="case_officer", post=post)
_, plain = core_actions.create_api_token(acting_user=user, user=user, name="crash", days=1)
print(plain)
"""

CHECK = """
import json
from defector.cases.models import Case, CaseNote
from defector.core.models import AuditEvent
events = AuditEvent.objects.filter(action__in=["cases.case.open", "cases.casenote.add"])
print(json.dumps({
    "cases": list(Case.objects.values_list("pk", flat=True)),
    "notes": list(CaseNote.objects.values_list("pk", "text")),
    "events": list(events.values_list("action", "object_id")),
}))
"""

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
}


@dataclass
class Figures:
    """What a run found. ``sound`` when nothing acknowledged was lost, nothing was doubled,
    every record has its audit event and the chain verifies."""

    database: str
    cycles: int = 0
    seconds: float = 0.0
    acknowledged: int = 0
    cases: int = 0
    notes: int = 0
    database_kills: int = 0
    retried: int = 0
    why: collections.Counter[str] = field(default_factory=collections.Counter)
    replayed: int = 0
    lost: list[str] = field(default_factory=list)
    duplicates: int = 0
    unaudited: list[str] = field(default_factory=list)
    chain_verified: bool = False
    verify_output: str = ""
    failures: list[str] = field(default_factory=list)

    @property
    def sound(self) -> bool:
        return (
            not self.lost
            and not self.duplicates
            and not self.unaudited
            and self.chain_verified
            and not self.failures
        )

    def line(self) -> str:
        return (
            f"{self.database}: {self.cycles} SIGKILL cycles in {self.seconds:.0f} s"
            f"{f' ({self.database_kills} of the database)' if self.database_kills else ''}, "
            f"{self.acknowledged} writes acknowledged ({self.cases} walk-ins, {self.notes} notes), "
            f"{self.retried} retried ({self.replayed} answered by replay); lost {len(self.lost)}, "
            f"duplicates {self.duplicates}, without audit event {len(self.unaudited)}, "
            f"chain verified: {'yes' if self.chain_verified else 'NO'}"
        )


def environment(state: Path, database_url: str | None, workers: int) -> dict[str, str]:
    """The test process's environment without the project's settings, for a scratch site."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DEFECTOR_", "PROMETHEUS_")) and k != "DATABASE_URL"
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH", "")]))
    env |= {
        "DEFECTOR_STATE_DIR": str(state),
        "DEFECTOR_DEBUG": "false",
        "DEFECTOR_DEMO": "true",
        "DEFECTOR_SERVER_WORKERS": str(workers),
        "TMPDIR": str(state),
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def defector(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DEFECTOR), *args], env=env, capture_output=True, text=True, check=False, timeout=300
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def postgres_bin() -> Path | None:
    """The newest PostgreSQL server installed (Debian's layout), or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


class PrivateCluster:
    """A PostgreSQL cluster of the harness's own, to kill at will: ``initdb`` into a scratch
    directory, served on a free port of 127.0.0.1 (trust), in a process group of its own; as
    the ``postgres`` user (``runuser``) when run as root, which PostgreSQL refuses to be."""

    def __init__(self) -> None:
        found = postgres_bin()
        if found is None:
            raise RuntimeError("no PostgreSQL server (initdb) is installed")
        self.bin = found
        self.root = Path(tempfile.mkdtemp(prefix="defector-crash-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        self.process: subprocess.Popen[bytes] | None = None
        done = subprocess.run(
            [
                *self.as_owner,
                str(self.bin / "initdb"),
                "-D",
                str(self.data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"initdb failed:\n{done.stderr}")

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        with (self.root / "postgres.log").open("ab") as output:
            self.process = subprocess.Popen(
                [
                    *self.as_owner,
                    str(self.bin / "postgres"),
                    "-D",
                    str(self.data),
                    "-p",
                    str(self.port),
                    "-k",
                    str(self.root),
                    "-c",
                    "listen_addresses=127.0.0.1",
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while True:
            ready = subprocess.run(
                [
                    str(self.bin / "pg_isready"),
                    "-q",
                    "-U",
                    "postgres",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                ],
                check=False,
            )
            if ready.returncode == 0:
                return
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not start; see {self.root / 'postgres.log'}")
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the postmaster and every backend at once (the whole process group)."""
        if self.process is not None:
            kill_group(self.process)

    def remove(self) -> None:
        if self.process is not None and self.process.poll() is None:
            kill_group(self.process)
        shutil.rmtree(self.root, ignore_errors=True)


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL a process group (a leader and its children) and wait until it is gone."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)


class Server:
    """``defector serve`` in a process group of its own, killed and started again at will."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [str(DEFECTOR), "serve", f"127.0.0.1:{self.port}"],
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"defector serve exited early; see {self.log}")
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return  # a worker answers
            except (OSError, http.client.HTTPException):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no answer on port {self.port}; see {self.log}") from None
            finally:
                connection.close()
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL the master and every worker at once (the whole process group)."""
        assert self.process is not None
        kill_group(self.process)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


class Client(threading.Thread):
    """One writer: a walk-in, then notes on its case, each with its own Idempotency-Key."""

    def __init__(self, port: int, token: str, stop: threading.Event, notes: int) -> None:
        super().__init__(daemon=True)
        self.port, self.token, self.stopping, self.notes_per_case = port, token, stop, notes
        self.cases: dict[str, int] = {}  # walk-in key -> case id acknowledged
        self.notes: dict[str, int] = {}  # note key -> note id acknowledged
        self.retried = 0
        self.why: collections.Counter[str] = collections.Counter()
        self.replayed = 0
        self.failures: list[str] = []

    def call(
        self, method: str, path: str, body: dict[str, Any] | None = None, key: str | None = None
    ) -> tuple[int, Any]:
        """Send the request until it is answered (the same key each time); its status and
        body."""
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        if key is not None:
            headers["Idempotency-Key"] = key
        payload = json.dumps(body).encode() if body is not None else None
        deadline = time.monotonic() + RETRY_FOR
        attempt = 0
        while True:
            if attempt:
                self.retried += 1
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{method} {path} unanswered for {RETRY_FOR:.0f} s")
                time.sleep(0.1)
            attempt += 1
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                connection.request(method, path, body=payload, headers=headers)
                response = connection.getresponse()
                content = response.read()
            except (OSError, http.client.HTTPException) as error:
                self.why[type(error).__name__] += 1
                continue  # the server is down (or went down mid-request): the same again
            finally:
                connection.close()
            try:
                answer = json.loads(content) if content else None
            except ValueError:  # an error page (a 5xx while the database is down)
                answer = None
            in_use = response.status == 409 and (answer or {}).get("code") == (
                "idempotency_key_in_use"
            )
            if response.status >= 500 or in_use:
                self.why[f"{response.status} {(answer or {}).get('code', '')}"] += 1
                continue
            if response.getheader("Idempotent-Replayed") == "true":
                self.replayed += 1
            return response.status, answer

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                self.one_case()
        except Exception as error:
            self.failures.append(f"{type(error).__name__}: {error}")

    def one_case(self) -> None:
        key = f"walk-in-{uuid.uuid4()}"
        status, answer = self.call("POST", "/api/v1/cases/walk-ins", WALK_IN, key)
        if status != 201:
            raise RuntimeError(f"walk-in answered {status}: {answer}")
        case_id = int(answer["id"])
        self.cases[key] = case_id
        for _ in range(self.notes_per_case):
            if self.stopping.is_set():
                return
            status, case = self.call("GET", f"/api/v1/cases/{case_id}")
            if status != 200:
                raise RuntimeError(f"reading case {case_id} answered {status}: {case}")
            key = f"note-{uuid.uuid4()}"
            body = {"text": NOTE_PREFIX + key, "version": case["version"]}
            status, note = self.call("POST", f"/api/v1/cases/{case_id}/notes", body, key)
            if status != 201:
                raise RuntimeError(f"note on case {case_id} answered {status}: {note}")
            self.notes[key] = int(note["id"])


def run(
    state: Path,
    *,
    cycles: int,
    database_url: str | None = None,
    clients: int = 3,
    notes: int = 2,
    workers: int = 2,
    between: tuple[float, float] = (0.4, 1.2),
    seed: int | None = None,
    cluster: PrivateCluster | None = None,
    migrate: bool = True,
) -> Figures:
    """``cycles`` kills of a server under ``clients`` writers; the figures of what survived.
    With ``cluster`` (whose database ``database_url`` names), every other kill is the
    database's. ``migrate=False``: the PostgreSQL database given is migrated already
    (:func:`support.scratch.migrated_postgres`)."""
    chance = random.Random(seed)
    figures = Figures("PostgreSQL" if database_url else "SQLite")
    env = environment(state, database_url, workers)
    if database_url:
        steps: tuple[tuple[str, ...], ...] = (
            *((("migrate", "--verbosity", "0"),) if migrate else ()),
            ("shell", "-c", SETUP),
        )
    else:
        migrated_sqlite(state)  # the file `defector migrate` makes (support.scratch)
        steps = (("shell", "-c", SETUP),)
    for step in steps:
        done = defector(env, *step)
        if done.returncode:
            raise RuntimeError(f"defector {step[0]} failed:\n{done.stderr}")
    token = done.stdout.strip().splitlines()[-1]
    server = Server(env, free_port(), state / "serve.log")
    stop = threading.Event()
    writers = [Client(server.port, token, stop, notes) for _ in range(clients)]
    start = time.monotonic()
    server.start()
    try:
        for writer in writers:
            writer.start()
        for cycle in range(cycles):
            # Kill only once the writers write again, after a random while.
            wait_for_a_write(writers)
            time.sleep(chance.uniform(*between))
            victim: Server | PrivateCluster = server
            if cluster is not None and cycle % 2:
                victim = cluster
                figures.database_kills += 1
            victim.kill()
            figures.cycles += 1
            time.sleep(chance.uniform(0.0, 0.3))
            victim.start()
        time.sleep(between[0])
        stop.set()
        for writer in writers:
            writer.join(timeout=RETRY_FOR + 60)
    finally:
        stop.set()
        server.stop()
    figures.seconds = time.monotonic() - start
    return check(env, writers, figures)


def wait_for_a_write(writers: list[Client], timeout: float = 60.0) -> None:
    """Wait until one more write is acknowledged (or ``timeout`` passes)."""

    def written() -> int:
        return sum(len(writer.cases) + len(writer.notes) for writer in writers)

    before, deadline = written(), time.monotonic() + timeout
    while written() == before and time.monotonic() < deadline:
        time.sleep(0.05)


def check(env: dict[str, str], writers: list[Client], figures: Figures) -> Figures:
    """Compare what the clients were told with what the database and the chain hold."""
    cases: dict[str, int] = {}
    notes: dict[str, int] = {}
    for writer in writers:
        cases |= writer.cases
        notes |= writer.notes
        figures.retried += writer.retried
        figures.replayed += writer.replayed
        figures.why += writer.why
        figures.failures += writer.failures
        if writer.is_alive():
            figures.failures.append("a client never finished its last write")
    figures.cases, figures.notes = len(cases), len(notes)
    figures.acknowledged = len(cases) + len(notes)
    read = defector(env, "shell", "-c", CHECK)
    if read.returncode:
        raise RuntimeError(f"reading the database failed:\n{read.stderr}")
    found = json.loads(read.stdout.strip().splitlines()[-1])
    case_ids = set(found["cases"])
    note_ids = {pk for pk, _ in found["notes"]}
    figures.lost = [f"case {pk}" for pk in cases.values() if pk not in case_ids]
    figures.lost += [f"note {pk}" for pk in notes.values() if pk not in note_ids]
    texts = [text for _, text in found["notes"] if text.startswith(NOTE_PREFIX)]
    figures.duplicates = (len(found["cases"]) - len(set(cases))) + (len(texts) - len(set(texts)))
    events = {(action, object_id) for action, object_id in found["events"]}
    figures.unaudited = [
        f"case {pk}" for pk in sorted(case_ids) if ("cases.case.open", str(pk)) not in events
    ]
    figures.unaudited += [
        f"note {pk}" for pk in sorted(note_ids) if ("cases.casenote.add", str(pk)) not in events
    ]
    verify = defector(env, "audit", "verify")
    figures.chain_verified = verify.returncode == 0
    figures.verify_output = (verify.stdout + verify.stderr).strip()
    return figures
