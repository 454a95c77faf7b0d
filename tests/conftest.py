"""Loads the test kit (:mod:`support.fixtures`: the fixtures every test may use) and orders the
suite for parallel runs.

``DEFECTOR_TEST_REQUIRE`` (comma-separated: ``postgres``, ``browser``, ``shared``, ``sqlmap``)
turns the skip of a suite whose prerequisite is missing into a failure (:mod:`support.require`);
CI sets it to every optional part.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["support.fixtures"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist, the long attack suites come first, so that the workers start them
    at once and share the rest of the suite while they run (``make test`` keeps this order:
    ``--dist loadfile --no-loadscope-reorder``)."""
    if not hasattr(config, "workerinput"):
        return
    items.sort(key=lambda item: item.get_closest_marker("attack") is None)
