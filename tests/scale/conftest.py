"""Fixtures of the query-count tests: the cast of :mod:`support.three_posts`."""

from __future__ import annotations

import pytest

from defector.accounts import sessions
from support.three_posts import (  # noqa: F401 (fixtures)
    _sealed,
    administrator,
    auditor,
    bonn_member,
    chair,
    cia_member,
    committee,
    default_agency,
    idc,
    invited,
    officer,
    open_case,
    raise_problem,
    second_idc,
    senior,
    state_member,
    tokyo_member,
    tokyo_senior,
    world_parts,
)


@pytest.fixture(autouse=True)
def sessions_touched_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A session records when it was last seen at most every ``SEEN_RESOLUTION`` seconds:
    the warming read writes it, and no counted read may, however slow the machine (on a
    loaded one the counted reads could fall past the resolution and count the write)."""
    monkeypatch.setattr(sessions, "SEEN_RESOLUTION", 24 * 60 * 60)
