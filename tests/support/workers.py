"""Real ``defector worker`` processes against the test's database.

On PostgreSQL the workers use the test database itself (the test must commit its data:
``django_db(transaction=True)``). On SQLite the test database lives in this process's memory,
so :meth:`WorkerDatabase.publish` copies it to a file the workers use (SQLite's backup API)
and :meth:`WorkerDatabase.collect` copies the file back when they are done, for the test to
read with the ORM.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

import defector

SRC = Path(defector.__file__).resolve().parents[1]


@dataclass
class WorkerDatabase:
    directory: Path
    env: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def is_sqlite(self) -> bool:
        return connection.vendor == "sqlite"

    @property
    def file(self) -> Path:
        return self.directory / "worker.sqlite3"

    def publish(self) -> None:
        """Make what the test wrote visible to the workers."""
        if self.is_sqlite:
            connection.ensure_connection()
            self.file.unlink(missing_ok=True)
            with sqlite3.connect(self.file) as target:
                connection.connection.backup(target)
            target.close()

    def collect(self) -> None:
        """Make what the workers wrote visible to the test (the workers have stopped)."""
        if self.is_sqlite:
            connection.ensure_connection()
            source = sqlite3.connect(self.file)
            try:
                source.backup(connection.connection)
            finally:
                source.close()

    def url(self) -> str:
        if self.is_sqlite:
            return f"sqlite:///{self.file}"
        settings = connection.settings_dict
        user = settings["USER"] or "postgres"
        return f"postgres://{user}@{settings['HOST']}:{settings['PORT'] or 5432}/{settings['NAME']}"

    def start(self, name: str, **env: str) -> subprocess.Popen[bytes]:
        """Start ``defector worker`` (its output in ``<name>.log``)."""
        command = [sys.executable, "-m", "defector.cli", "worker", "--interval", "0.05"]
        return self.spawn(name, command, **env)

    def python(self, name: str, code: str, **env: str) -> subprocess.Popen[bytes]:
        """Run ``code`` in a process with Django set up on the workers' database."""
        setup = "import django; django.setup()\n"
        return self.spawn(name, [sys.executable, "-c", setup + code], **env)

    def spawn(self, name: str, command: list[str], **env: str) -> subprocess.Popen[bytes]:
        environment = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
            "DJANGO_SETTINGS_MODULE": "defector.settings",
            "DATABASE_URL": self.url(),
            "DEFECTOR_SECRET_KEY": "test-worker-secret-key-" + "x" * 40,
            "DEFECTOR_LOG_LEVEL": "INFO",
            **self.env,
            **env,
        }
        log = (self.directory / f"{name}.log").open("wb")
        process = subprocess.Popen(
            command,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def log(self, name: str) -> str:
        return (self.directory / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until(condition: Callable[[], bool], *, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def run_workers(directory: Path) -> Iterator[WorkerDatabase]:
    """The body of a fixture: a :class:`WorkerDatabase` whose workers stop at the end."""
    database = WorkerDatabase(directory)
    try:
        yield database
    finally:
        database.stop_all()
