"""What becomes of a seeded case after its opening, in the other apps: its voluntary statement
(``6b(3)(c)``, the texts and the signature file sealed), the exploitation of a defector
(``4``, ``4a``–``4c``: the plan, the requirements it pursues with their statuses, debriefing
sessions with sealed notes, intelligence reports), the status reports to the IDC (``6d``:
drafted, sent, acknowledged; the next period of the obligation open, often overdue) and a few
publicity proposals (``5a(6)``, ``6f``).

Drawn first (:func:`plan_later`, no writes) so that the audit events are counted before
anything is written, then written in each batch of cases (:class:`LaterWriter`) with the audit
events the apps' actions write (the same actions, object types and snapshots), in the batch's
transaction.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from django.db import transaction

from defector.cases import signatures
from defector.cases.choices import Stage
from defector.cases.models import Case, Obligation, TimelineEntry, VoluntaryStatement
from defector.directory.choices import Role
from defector.directory.models import Agency, Official, Post, RoleAssignment
from defector.exploitation.choices import Status
from defector.exploitation.models import (
    Requirement,
)
from defector.ops.seed import exploitation, idc, transfers
from defector.ops.seed import statements as statements_
from defector.ops.seed.directory import Staff
from defector.ops.seed.ledger import Ledger
from defector.ops.seed.plans import REACHED, CasePlan
from defector.ops.seed.washington import CATALOGUE

PROPOSAL_SHARE: Final = 0.04
#: Of the open cases past determination: share with a proposed move.
TRANSFER_SHARE: Final = 0.03


@dataclass(slots=True)
class Later:
    """What a case gets in the other apps; each count is audit events."""

    #: 0: no statement; 1: recorded, awaiting its witness; 2: recorded and witnessed.
    statement: int = 0
    #: (catalogue index, status) of the requirements the case pursues.
    requirements: list[tuple[int, str]] = field(default_factory=list)
    sessions: int = 0
    reports: int = 0
    #: Status reports to the IDC: 0 none; 2 drafted and sent; 3 also acknowledged.
    status_report: int = 0
    #: A second report drafted for the next period, not yet sent.
    second_draft: bool = False
    #: The next period of ``report_to_idc`` opened (``compliance.obligation.recur``).
    next_period: bool = False
    proposal: bool = False
    #: A move to another post or to Washington: 0 none; 1 proposed, awaiting the receiving
    #: side; 2 proposed and declined.
    transfer: int = 0

    @property
    def events(self) -> int:
        exploitation = 1 if self.requirements else 0
        moved = sum(status != Status.NOT_STARTED for _, status in self.requirements)
        return (
            self.statement
            + exploitation
            + len(self.requirements)
            + moved
            + self.sessions
            + self.reports
            + self.status_report
            + self.second_draft
            + self.next_period
            + self.proposal
            + self.transfer
        )


def _reached(plan: CasePlan) -> int:
    return len([m for m in plan.moves if m != Stage.CLOSED])


def plan_later(rng: random.Random, plans: list[CasePlan]) -> int:
    """Decide each case's later records (``plan.later``); the audit events they need."""
    total, proposed, moved = 0, False, False
    for plan in plans:
        later = Later()
        done = dict(plan.obligations)
        reached = _reached(plan)
        closed = plan.stage == Stage.CLOSED
        if done.get("obtain_voluntary_statement"):
            later.statement = 2
        elif "obtain_voluntary_statement" in done and reached >= 1 and not closed:
            later.statement = 1 if rng.random() < 0.25 else 0
        if reached >= REACHED[Stage.EXPLOITATION]:
            picked = rng.sample(range(len(CATALOGUE)), k=rng.randint(1, 3))
            weights = (
                (1, 4, 4, 1) if plan.stage in (Stage.RESETTLEMENT, Stage.CLOSED) else (3, 5, 1, 1)
            )
            later.requirements = [
                (index, rng.choices(list(Status.values), weights=weights)[0]) for index in picked
            ]
            later.sessions = rng.randint(1, 3)
            later.reports = rng.randint(0, 1)
            # The first defector still in the program has one, so even a small seed shows one.
            if not closed and (rng.random() < PROPOSAL_SHARE or not proposed):
                later.proposal = proposed = True
        # A few open cases past determination are to move (exfiltration, resettlement).
        if (
            not closed
            and reached >= REACHED[Stage.DETERMINATION]
            and (rng.random() < TRANSFER_SHARE or not moved)
        ):
            later.transfer = 1 if rng.random() < 0.7 or not moved else 2
            moved = True
        if done.get("report_to_idc"):
            later.status_report = 3 if rng.random() < 0.7 else 2
            if not closed:
                later.next_period = True
                later.second_draft = rng.random() < 0.2
        plan.later = later
        total += later.events
    return total


class LaterWriter:
    """Writes the later records of each batch of cases (in the batch's transaction)."""

    def __init__(self, rng: random.Random, *, anchor: dt.datetime, ledger: Ledger) -> None:
        self.rng = rng
        self.anchor = anchor
        self.ledger = ledger
        self.catalogue = list(Requirement.objects.filter(code__in=[c for c, *_ in CATALOGUE]))
        by_code = {r.code: r for r in self.catalogue}
        self.catalogue = [by_code[code] for code, *_ in CATALOGUE]
        self.agencies = list(Agency.objects.order_by("code"))
        idc = RoleAssignment.objects.filter(role=Role.IDC_MEMBER, post__isnull=True)
        self.idc = list(
            Official.objects.filter(pk__in=idc.values("official_id"))
            .select_related("user")
            .order_by("pk")
        )
        self.storage = Path(signatures.statement_storage().location)
        self.posts = list(Post.objects.order_by("pk"))
        #: Every seeded post's staff (the case writer sets it).
        self.all_staff: list[Staff] = []
        self.serials: dict[str, int] = {}

    def write(
        self,
        cases: Sequence[Case],
        plans: Sequence[CasePlan],
        staff: Sequence[Staff],
        obligations: Sequence[Obligation],
        lines: list[TimelineEntry],
        line: object,
        timing: Sequence[list[dt.datetime]],
    ) -> None:
        """Write the batch's later records; their timeline lines go into ``lines`` (made by
        ``line``, the case writer's ``_line``)."""
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("the seed's records are written inside a transaction")
        own: dict[tuple[int, str], Obligation] = {}
        for obligation in obligations:
            own[(obligation.case_id, obligation.identifier)] = obligation
        self.line = line
        statements: list[tuple[Case, VoluntaryStatement, Obligation | None, int, Staff]] = []
        for case, plan, post_staff in zip(cases, plans, staff, strict=True):
            later: Later = plan.later
            if later.statement:
                ob = own.get((case.pk, "obtain_voluntary_statement"))
                made = statements_.statement_for(self, case, plan, ob)
                statements.append((case, made, ob, later.statement, post_staff))
        statements_.write_statements(self, statements, lines)
        exploitation.write_exploitation(self, cases, plans, staff, lines, timing)
        idc.write_reports(self, cases, plans, staff, own, lines)
        transfers.write_transfers(self, cases, plans, staff, lines, timing)

    def when(self, start: dt.datetime) -> dt.datetime:
        """A moment between ``start`` and the anchor."""
        room = max((self.anchor - start).total_seconds(), 60.0)
        return start + dt.timedelta(seconds=int(self.rng.random() * room * 0.9) + 30)

    @property
    def catalogue_by_pk(self) -> dict[int, Requirement]:
        return {r.pk: r for r in self.catalogue}
