"""Fixtures of the query-count tests: the cast of :mod:`support.three_posts`."""

from __future__ import annotations

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
