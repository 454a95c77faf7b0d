"""Demo data for ``make demo``: a realistic directory — agencies, posts, compartments, and an
official for every role at Vienna and Tokyo, in Washington and in oversight — and a handful
of cases at Vienna and Tokyo at different stages (fictional people), one record of each
of Washington's powers (1, 3), a move of a Vienna case to Tokyo awaiting Tokyo's answer,
and a report to the IDC sent and acknowledged, and one overdue; the committees' procedures,
guidance, briefing register and meetings with their minutes (6a, 6b, 7b, 7c), Vienna's threat
distribution and a threat report (6b(3)(a)), a watch list and a name trace (6b(3)(b)),
inducement (2b, 5a(1)), a refugee declined status and referred (2f), and mutual problems on
each path of 6c: every kind of record the system keeps, but those made by use or by the worker
(``tests/ops/test_demo_records.py``).

Everything is created through the apps' own actions (by the demo officials, or with
``acting_user=None``: an operator at the console), so the demo is audited like any other
change. Idempotent: running it again adds only what is missing and changes nothing that is
already there.
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
from defector.ops.demo.dissemination import DemoThreat, load_distribution
from defector.ops.demo.exploitation import load_exploitation
from defector.ops.demo.grants import DemoGrant
from defector.ops.demo.inducement import load_inducement
from defector.ops.demo.meetings import load_meetings
from defector.ops.demo.powers import load_powers
from defector.ops.demo.problems import load_problems
from defector.ops.demo.publicity import load_publicity
from defector.ops.demo.refugees import load_refugees
from defector.ops.demo.reports import load_reports
from defector.ops.demo.traces import load_traces
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
    "DemoThreat",
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
    load_distribution()
    load_cases()
    load_exploitation()
    load_transfers()
    load_publicity()
    load_reports()
    load_traces()
    load_inducement()
    load_refugees()
    load_problems()
    load_meetings()
    return ACCOUNTS
