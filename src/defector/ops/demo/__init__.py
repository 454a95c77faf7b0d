"""Demo data for ``make demo``: a realistic directory — agencies, posts, compartments, and an
official for every role at Vienna and Tokyo, in Washington and in oversight — and a handful
of cases at Vienna and Tokyo at different stages (fictional people), one record of each
of Washington's powers (1, 3), a move of a Vienna case to Tokyo awaiting Tokyo's answer,
and a report to the IDC sent and acknowledged, and one overdue.

Everything is created through the directory's actions (``acting_user=None``: an operator at
the console), so the demo is audited like any other change. Idempotent: running it again
adds only what is missing and changes nothing that is already there.
"""

from __future__ import annotations

from django.db import transaction

from defector.ops.demo.cases import CASES, DemoCase, load_cases
from defector.ops.demo.committees import load_committees
from defector.ops.demo.directory import (
    ACCOUNTS,
    AGENCIES,
    COMPARTMENTS,
    DEMO_PASSWORD,
    GROUPS,
    POSTS,
    DemoAccount,
    DemoAgency,
    DemoPost,
    grouped,
    load_accounts,
    load_directory,
)
from defector.ops.demo.exploitation import load_exploitation
from defector.ops.demo.grants import DemoGrant
from defector.ops.demo.powers import load_powers
from defector.ops.demo.publicity import load_publicity
from defector.ops.demo.reports import load_reports
from defector.ops.demo.transfers import load_transfers

__all__ = [
    "ACCOUNTS",
    "AGENCIES",
    "CASES",
    "COMPARTMENTS",
    "DEMO_PASSWORD",
    "GROUPS",
    "POSTS",
    "DemoAccount",
    "DemoAgency",
    "DemoCase",
    "DemoGrant",
    "DemoPost",
    "grouped",
    "load",
]


@transaction.atomic
def load() -> tuple[DemoAccount, ...]:
    """Create whatever demo data is missing; return the demo accounts."""
    load_accounts()
    load_directory()
    load_committees()
    load_powers()
    load_cases()
    load_exploitation()
    load_transfers()
    load_publicity()
    load_reports()
    return ACCOUNTS
