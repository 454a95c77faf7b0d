"""Reads of publicity proposals for display, with access control applied."""

from __future__ import annotations

from defector.publicity.queries.pending import awaiting_decision, pending_items
from defector.publicity.queries.proposals import (
    Steps,
    find_case_for,
    find_proposal,
    is_idc,
    may_propose,
    may_release,
    may_withdraw,
    objectives,
    positions_of,
    proposals,
    publicity_risk,
    section_data,
    sign_offs_by_proposal,
    sign_offs_of,
    signing_agency,
    steps_for,
)

__all__ = [
    "Steps",
    "awaiting_decision",
    "find_case_for",
    "find_proposal",
    "is_idc",
    "may_propose",
    "may_release",
    "may_withdraw",
    "objectives",
    "pending_items",
    "positions_of",
    "proposals",
    "publicity_risk",
    "section_data",
    "sign_offs_by_proposal",
    "sign_offs_of",
    "signing_agency",
    "steps_for",
]
