"""``core.unchanged`` on a SQLite file, as the server reads it: an answer kept by the process is
given on every connection of it (each server thread's) while nothing is committed, and read
again after any commit, whoever made it (another of its connections, another process's) or a
table change; never given inside a transaction. (The test runner's database is in memory:
``test_unchanged`` covers it, where an answer stays with its connection.)"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import ConnectionHandler

from defector.core import config, unchanged

pytestmark = pytest.mark.django_db  # (the database access the fixtures' connections need)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("CREATE TABLE thing (id INTEGER PRIMARY KEY, name TEXT)")
    raw.close()
    return path


@pytest.fixture
def two(database: Path) -> Iterator[tuple[BaseDatabaseWrapper, BaseDatabaseWrapper]]:
    """Two connections to the file, as two server threads have (the same alias: one process,
    one database)."""
    handlers = [ConnectionHandler({"default": config.sqlite_database(database)}) for _ in range(2)]
    first, second = (handler["default"] for handler in handlers)
    yield first, second
    for handler in handlers:
        handler.close_all()
    unchanged._kept.pop("default", None)


class Counting:
    """A read of the number of things through ``connection``, counting its runs."""

    def __init__(self) -> None:
        self.runs = 0

    def __call__(self, connection: BaseDatabaseWrapper) -> int:
        self.runs += 1
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM thing")
            return int(cursor.fetchone()[0])


def kept_count(connection: BaseDatabaseWrapper, read: Counting) -> Any:
    return unchanged.kept(connection, ("test.shared", "things"), lambda: read(connection))


def insert(connection: BaseDatabaseWrapper, name: str = "a thing") -> None:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO thing (name) VALUES (%s)", [name])


def test_an_answer_read_on_one_connection_is_given_on_another(two: Any) -> None:
    first, second = two
    read = Counting()

    assert kept_count(first, read) == 0
    assert kept_count(second, read) == 0
    assert kept_count(first, read) == 0

    assert read.runs == 1


def test_a_commit_of_either_connection_makes_the_read_run_again_on_both(two: Any) -> None:
    first, second = two
    read = Counting()
    kept_count(first, read)

    insert(second)

    assert kept_count(first, read) == 1
    assert kept_count(second, read) == 1
    insert(first)
    assert kept_count(second, read) == 2
    assert read.runs == 3


#: Another process's commit, with ``sqlite3`` alone.
_ELSEWHERE = (
    "import sqlite3, sys; raw = sqlite3.connect(sys.argv[1]); "
    "raw.execute(\"INSERT INTO thing (name) VALUES ('from another process')\"); raw.commit()"
)


def test_a_commit_of_another_process_makes_the_read_run_again(two: Any, database: Path) -> None:
    first, second = two
    read = Counting()
    kept_count(first, read)

    subprocess.run([sys.executable, "-c", _ELSEWHERE, str(database)], check=True)

    assert kept_count(second, read) == 1
    assert read.runs == 2


def test_a_change_of_a_table_makes_the_read_run_again(two: Any) -> None:
    first, second = two
    read = Counting()
    kept_count(first, read)

    with first.cursor() as cursor:
        cursor.execute("CREATE INDEX thing_name ON thing (name)")
    kept_count(second, read)

    assert read.runs == 2


def test_nothing_is_given_or_kept_inside_a_transaction(two: Any) -> None:
    first, second = two
    read = Counting()
    kept_count(first, read)

    with second.cursor() as cursor:
        second.set_autocommit(False)
        try:
            cursor.execute("INSERT INTO thing (name) VALUES ('not yet committed')")
            assert kept_count(second, read) == 1
            assert kept_count(second, read) == 1
        finally:
            second.rollback()
            second.set_autocommit(True)

    assert kept_count(first, read) == 0
    assert read.runs == 3


def test_the_watch_is_opened_again_in_a_forked_process(two: Any, database: Path) -> None:
    watch = unchanged._watch(str(database))
    assert unchanged._watch(str(database)) is watch

    watch.pid = -1  # as a child forked from the process that opened it sees it

    assert unchanged._watch(str(database)) is not watch
    assert watch in unchanged._left
    unchanged._left.remove(watch)
    watch.raw.close()
