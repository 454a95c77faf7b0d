"""Scratch sites for the tests that run ``defector`` in processes of their own (the server,
the crash harness, scale-out, the command line, concurrent writers): a database just migrated,
as ``defector migrate`` leaves it, without migrating it again each time.

Migrating costs about 20 s of CPU (Django renders the models' state after each of some 80
migrations), and its result is the same every time. So:

- the suite's own test database, just made by pytest-django (migrated, nothing written yet),
  is kept as a **pristine copy** by ``tests/conftest.py`` (:func:`keep_pristine`): on SQLite a
  file (SQLite's backup API, from the in-memory test database), on PostgreSQL a database
  (``CREATE DATABASE … TEMPLATE``), dropped with the test database;
- :func:`migrated_sqlite` puts in a state directory a copy of that file, and
  :func:`migrated_postgres` makes a scratch PostgreSQL database from that template;
- in a process that has not made the suite's test database (a run of tests that use none),
  or on the other engine, they migrate as before: ``defector migrate`` in a process of its
  own, once a process for SQLite (each caller gets a copy of its file).

The migrations themselves are tested by every test that uses the suite's database, and by the
ones here through that copy.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from django.db import connection, connections

import defector

SRC = Path(defector.__file__).resolve().parents[1]
#: The file ``defector`` uses in its state directory (``defector.settings``).
DATABASE_FILE = "defector.sqlite3"

_template: Path | None = None
#: The pristine copy of the suite's PostgreSQL test database: (the server's URL, its name).
_pristine_postgres: tuple[str, str] | None = None


def _environment(**extra: str) -> dict[str, str]:
    """The test process's environment without the project's settings, for a scratch site."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DEFECTOR_", "PROMETHEUS_")) and k != "DATABASE_URL"
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH", "")]))
    return env | extra


def _migrate(**env: str) -> None:
    """``defector migrate`` in a process of its own, on the database ``env`` names."""
    done = subprocess.run(
        [sys.executable, "-m", "defector.cli", "migrate", "-v0"],
        env=_environment(**env),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"defector migrate failed:\n{done.stdout}{done.stderr}")


def _migrate_once() -> Path:
    global _template
    if _template is None:
        where = Path(tempfile.mkdtemp(prefix="defector-migrated-"))
        atexit.register(shutil.rmtree, where, True)
        _migrate(DEFECTOR_STATE_DIR=str(where))
        _template = where / DATABASE_FILE
    return _template


def migrated_sqlite(state: Path) -> Path:
    """``state``'s database file (``state/defector.sqlite3``) just migrated, as ``defector
    migrate`` leaves it in an empty state directory; ``state`` is made if need be."""
    template = _migrate_once()
    state.mkdir(parents=True, exist_ok=True)
    target = state / DATABASE_FILE
    shutil.copy2(template, target)
    return target


def _server_url(database: str) -> str:
    """The URL of ``database`` on the server of the suite's PostgreSQL connection."""
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{settings['PORT'] or 5432}/{database}"


def keep_pristine() -> None:
    """Keep a copy of the suite's test database as it is now (just made by pytest-django:
    migrated, nothing written), for :func:`migrated_sqlite` and :func:`migrated_postgres`."""
    global _template, _pristine_postgres
    if connection.vendor == "sqlite":
        where = Path(tempfile.mkdtemp(prefix="defector-pristine-"))
        atexit.register(shutil.rmtree, where, True)
        connection.ensure_connection()
        target = sqlite3.connect(where / DATABASE_FILE)
        try:
            connection.connection.backup(target)
            # As ``defector migrate`` leaves its file: in WAL mode, which the file keeps (a
            # process opening it need not switch it, which concurrent openers cannot all do).
            target.execute("PRAGMA journal_mode=WAL")
        finally:
            target.close()
        _template = where / DATABASE_FILE
    elif connection.vendor == "postgresql":
        test_database = connection.settings_dict["NAME"]
        pristine = f"{test_database}_pristine"
        connections.close_all()  # a template database must have no session open on it
        with psycopg.connect(_server_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{pristine}"')
            admin.execute(f'CREATE DATABASE "{pristine}" TEMPLATE "{test_database}"')
        _pristine_postgres = (_server_url("postgres"), pristine)


def drop_pristine() -> None:
    """Drop the pristine PostgreSQL copy (the SQLite file goes at the process's exit)."""
    global _pristine_postgres
    if _pristine_postgres is not None:
        admin_url, pristine = _pristine_postgres
        _pristine_postgres = None
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{pristine}" WITH (FORCE)')


@contextlib.contextmanager
def migrated_postgres(url: str, prefix: str) -> Iterator[str]:
    """A scratch database just migrated (named ``prefix`` and a random suffix) on the
    PostgreSQL server of ``url``, as ``defector migrate`` leaves an empty one; dropped after.

    A copy of the pristine test database when this process keeps one on that server (the same
    host and port), else an empty database migrated by ``defector migrate``."""
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    name = f"{prefix}{uuid.uuid4().hex[:12]}"
    scratch = urlunsplit(parts._replace(path=f"/{name}"))
    template = ""
    if _pristine_postgres is not None:
        kept = urlsplit(_pristine_postgres[0])
        if (kept.hostname, kept.port or 5432) == (parts.hostname, parts.port or 5432):
            template = f' TEMPLATE "{_pristine_postgres[1]}"'
    with psycopg.connect(admin, autocommit=True, connect_timeout=3) as connection_:
        connection_.execute(f'CREATE DATABASE "{name}"{template}')
    try:
        if not template:
            with tempfile.TemporaryDirectory(prefix="defector-migrate-") as state:
                _migrate(DATABASE_URL=scratch, DEFECTOR_STATE_DIR=state)
        yield scratch
    finally:
        with psycopg.connect(admin, autocommit=True) as connection_:
            connection_.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
