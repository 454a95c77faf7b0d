"""Schemas of the policy API: the assessment outcome (``contracts/assessment.md``)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class FindingOut(Schema):
    clause: str
    holds: bool
    because: str


class OutcomeOut(Schema):
    """The outcome of assessing one person's facts against the directive."""

    directive: str
    effective: dt.date
    in_force: bool
    covered: bool
    applies: bool
    categories: list[str]
    obligations: list[str]
    findings: list[FindingOut]
