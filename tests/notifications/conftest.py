"""Fixtures of the notifications tests: the cast of :mod:`support.three_posts` (committees at
three posts, a case officer), and ``api(user)`` to call ``/api/v1/notifications``."""

from __future__ import annotations

from support.api import api_fixture
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

api = api_fixture("/api/v1/notifications")
