"""Loads the test kit (:mod:`support.fixtures`: the fixtures every test may use), marks the
tests that use no database, and orders the suite for parallel runs.

``DEFECTOR_TEST_REQUIRE`` (comma-separated: ``postgres``, ``browser``, ``shared``, ``sqlmap``)
turns the skip of a suite whose prerequisite is missing into a failure (:mod:`support.require`);
CI sets it to every optional part.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from support import flush, scratch

pytest_plugins = ["support.fixtures"]

#: Fixtures that give a test the suite's database (pytest-django's, and every fixture built on
#: them: ``db``, ``transactional_db``, ``live_server``, ``django_db_setup`` …).
DATABASE_FIXTURES = frozenset({"django_db_setup", "_django_db_helper", "live_server"})


#: The longest files besides the attack suites and the browser tests, in a ``--durations`` run
#: of 2026-12-06 (docs/benchmarks.md): processes started, scratch databases made. Left where
#: collection puts them (pytest-django sorts the tests that use no database, and those that
#: commit, last), they would come last, and one worker would run them while the other waits.
#: The crash harness comes after two files that use the suite's database: where these files
#: come first (a run of neither the attack suites nor the browser tests), each worker has then
#: made its test database, whose pristine copy the harness starts from instead of migrating
#: (:mod:`support.scratch`).
LONG_FILES = (
    "tests/ops/test_scale_out.py",
    "tests/cases/test_handling_statement_sealing.py",
    "tests/notifications/test_worker_processes.py",
    "tests/ops/test_crash_safety.py",
    "tests/ops/test_backup.py",
    "tests/cases/test_leak_scan.py",
)


def pytest_configure(config: pytest.Config) -> None:
    """The transactional tests' flush deletes the rows there are, on PostgreSQL
    (:mod:`support.flush`)."""
    flush.install()


def _long_rank(item: pytest.Item, root: Path) -> int:
    """The place of the item's file in ``LONG_FILES``, or ``len(LONG_FILES)``."""
    try:
        return LONG_FILES.index(item.path.relative_to(root).as_posix())
    except ValueError:
        return len(LONG_FILES)


def _is_attack(item: pytest.Item) -> bool:
    return item.get_closest_marker("attack") is not None


def _is_browser(item: pytest.Item) -> bool:
    return item.get_closest_marker("browser") is not None


def uses_the_database(item: pytest.Item) -> bool:
    """Whether the test may touch the suite's database (pytest-django refuses any other test
    the database): marked ``django_db``, or asking for a database fixture, directly or
    through its fixtures."""
    if item.get_closest_marker("django_db") is not None:
        return True
    return not DATABASE_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Marks ``no_database`` each test that uses none of the suite's databases (pure policy
    tables, lint-like checks, command-line and server tests on a scratch state directory of
    their own): its outcome is the same on either database, so ``make test`` runs it once
    (``-m``, in the Makefile). A conftest's hook runs after pytest-django's (``tryfirst``: it
    sorts the tests as Django's runner does) and before pytest's own, which selects by ``-m``.

    Under pytest-xdist, the long attack suites (marker ``attack``) come first, so that the
    workers start them at once and share the rest of the suite while they run.

    ``make test`` keeps this order (``--dist loadfile --no-loadscope-reorder``): each worker
    takes a file, and a second one at once when its first has at most two tests. So the first
    two attack files go to different workers, then one other file, then the remaining attack
    files (taken by whichever worker frees first), then the browser tests (each file starts
    Chromium and a live server: long files of few tests), then ``LONG_FILES``, then the rest:
    long files early rather than last, where one worker would run the last of them while the
    other waits. ``make test``'s PostgreSQL pass runs the attack suites and its SQLite pass the
    browser tests (the Makefile says why), so each pass starts with one of the two.
    """
    for item in items:
        if not uses_the_database(item):
            item.add_marker(pytest.mark.no_database)
    if not hasattr(config, "workerinput"):
        return
    attack = [item for item in items if _is_attack(item)]
    browser = [item for item in items if not _is_attack(item) and _is_browser(item)]
    others = [item for item in items if not _is_attack(item) and not _is_browser(item)]
    root = config.rootpath
    others.sort(key=lambda item: _long_rank(item, root))  # stable: the rest keep their order
    regular = browser + others
    files = list(dict.fromkeys(item.path for item in attack))
    first_two = [item for item in attack if item.path in files[:2]]
    later = [item for item in attack if item.path not in files[:2]]
    first_regular = regular[0].path if regular else None
    between = [item for item in regular if item.path == first_regular]
    rest = [item for item in regular if item.path != first_regular]
    items[:] = first_two + between + later + rest


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """The suite's own PostgreSQL sessions commit without waiting for the write-ahead log to
    reach the disk (``synchronous_commit = off``): a test database is thrown away, and a crash
    of the server would lose at most its last few commits, never their order or consistency.
    The servers and workers the crash, scale-out and worker tests start connect with their
    own settings and keep PostgreSQL's default, so what those tests prove is unchanged."""
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """pytest-django's test database, and a pristine copy of it kept as soon as it is made
    (migrated, nothing written yet): the scratch sites of the tests that start ``defector``
    processes (the crash harness, scale-out, the backups' new machine, concurrent writers)
    start from a copy of it instead of migrating again (:mod:`support.scratch`)."""
    with django_db_blocker.unblock():
        scratch.keep_pristine()
    yield
    scratch.drop_pristine()
