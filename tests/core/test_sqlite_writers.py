"""The SQLite backend queues write transactions on a blocking lock (``core.sqlite``): a thread
lock within the process and a flock on a file beside the database across processes, held from
``BEGIN`` to the commit or rollback."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db.utils import ConnectionHandler

from defector.core import config
from defector.core.sqlite.base import LOCK_SUFFIX, DatabaseWrapper


@pytest.fixture(autouse=True)
def own_databases(django_db_blocker: Any) -> Iterator[None]:
    """These tests open databases of their own, outside the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def database(tmp_path: Path) -> Iterator[DatabaseWrapper]:
    handler = ConnectionHandler({"default": config.sqlite_database(tmp_path / "x.sqlite3")})
    connection = handler["default"]
    assert isinstance(connection, DatabaseWrapper)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n integer)")
    yield connection
    connection.close()


def another_process_may_write(connection: DatabaseWrapper) -> bool:
    """Whether a flock of the lock file through another open file (as another process holds
    it) is free now."""
    fd = os.open(connection.settings_dict["NAME"] + LOCK_SUFFIX, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def begin(connection: DatabaseWrapper) -> None:
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def test_a_transaction_holds_the_writers_lock_until_its_commit_or_rollback(
    database: DatabaseWrapper,
) -> None:
    for end in (database.commit, database.rollback):
        begin(database)
        database.cursor().execute("INSERT INTO t VALUES (1)")
        assert not another_process_may_write(database)
        assert database.write_queue().thread_lock.locked()  # this process's other threads wait
        end()
        database.set_autocommit(True)
        assert another_process_may_write(database)
        assert not database.write_queue().thread_lock.locked()
    # A read outside a transaction takes no lock.
    assert database.cursor().execute("SELECT count(*) FROM t").fetchone() == (1,)
    assert not database.write_queue().held


def test_the_log_is_checkpointed_after_a_writers_turn_not_within_it(
    database: DatabaseWrapper, monkeypatch: pytest.MonkeyPatch
) -> None:
    from defector.core.sqlite import base

    monkeypatch.setattr(base, "CHECKPOINT_EVERY", 2)
    raw = database.connection
    assert raw is not None
    assert raw.execute("PRAGMA wal_autocheckpoint").fetchone() == (base.CHECKPOINT_BOUND,)
    seen: list[str] = []
    raw.set_trace_callback(seen.append)
    give_back = database._give_back

    def given_back() -> None:
        if database.write_queue().held:
            seen.append("turn given back")
        give_back()

    monkeypatch.setattr(database, "_give_back", given_back)
    for number in range(3):
        begin(database)
        database.cursor().execute("INSERT INTO t VALUES (%s)", [number])
        database.commit()
        database.set_autocommit(True)
    raw.set_trace_callback(None)
    checkpoints = [n for n, text in enumerate(seen) if "wal_checkpoint" in text]
    # The second commit's, once its turn was given back (the first's and third's: none).
    assert len(checkpoints) == 1
    assert seen[checkpoints[0] - 1] == "turn given back"
    assert [text for text in seen[: checkpoints[0]] if text == "turn given back"] == [
        "turn given back"
    ] * 2
    frames = raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert frames[1] == frames[2]
