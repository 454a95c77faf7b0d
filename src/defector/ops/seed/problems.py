"""The seed's mutual problems (``6c``): at every post, problems its committee raised about a few
of its cases — one still open and overdue, one open and due later, one referred to the IDC
through CIA channels and awaiting its decision, one the IDC decided — each step with the audit
event ``escalations.actions`` writes (``escalations.problem.raise``,
``escalations.referral.request``, ``…transmit``, ``…acknowledge``, ``…decide``; without the
notices: the seed writes no notices)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Final

from django.db import transaction

from defector.cases.models import Case
from defector.core import audit
from defector.directory.choices import Role
from defector.directory.models import Official
from defector.escalations.choices import ProblemStatus
from defector.escalations.models import Problem, Referral
from defector.ops.seed.directory import Staff
from defector.ops.seed.ledger import Ledger

#: Problems raised at each post: two open at the post, two referred to the IDC.
PROBLEMS_PER_POST: Final = 4
#: The audit events of a post's problems: each raised; the third referred (requested,
#: transmitted); the fourth also acknowledged and decided by the IDC.
PROBLEM_EVENTS_PER_POST: Final = 4 + 2 + 4
PROBLEM_FIELDS: Final = [
    "post",
    "raised_by",
    "title",
    "description",
    "raised_at",
    "due_date",
    "status",
    "idc_visible_from",
    "closed_at",
]
DECISIONS: Final = (
    "The IDC asks the agencies to share the debriefing; CIA leads.",
    "Funds committed from the program's reserve; the post proceeds.",
)
#: Posts per transaction.
POST_BATCH: Final = 50

TITLES: Final = (
    "Agencies disagree on who debriefs",
    "Resettlement funds not yet committed",
    "Host-country liaison asks about the case",
    "Interpreter cleared for one agency only",
    "Safe-house lease ends before the interview",
)


def seed_problems(
    rng: random.Random,
    *,
    staff: list[Staff],
    anchor: dt.datetime,
    ledger: Ledger,
    idc: list[Official],
) -> None:
    """Every post's problems, one transaction per ``POST_BATCH`` posts (``idc``: the IDC's
    members, who acknowledge and decide referrals)."""
    for start in range(0, len(staff), POST_BATCH):
        with transaction.atomic():
            for one in staff[start : start + POST_BATCH]:
                _post_problems(rng, one, anchor, ledger, idc)
            ledger.flush()


def _post_problems(
    rng: random.Random, staff: Staff, anchor: dt.datetime, ledger: Ledger, idc: list[Official]
) -> None:
    raiser = staff.first(Role.COMMITTEE_CHAIR)
    cases = list(Case.objects.filter(post=staff.post).order_by("pk").values_list("pk", "cryptonym"))
    for number in range(PROBLEMS_PER_POST):
        raised_at = anchor - dt.timedelta(days=rng.randrange(20, 60), hours=rng.randrange(8))
        # The first is overdue, the others due after the anchor.
        due = (anchor + dt.timedelta(days=(-5 if number == 0 else 14))).date()
        about = rng.sample(cases, k=min(len(cases), rng.randint(1, 2))) if cases else []
        problem = Problem.objects.create(
            post=staff.post,
            raised_by=raiser,
            title=rng.choice(TITLES),
            description="Raised at the committee's meeting; the members concerned consult.",
            raised_at=raised_at,
            due_date=due,
            status=ProblemStatus.RAISED,
        )
        problem.cases.set([pk for pk, _ in about])
        ledger.add(
            at=raised_at,
            actor=raiser.user,
            action="escalations.problem.raise",
            object_type="escalations.problem",
            object_id=problem.pk,
            cryptonym=",".join(sorted(cryptonym for _, cryptonym in about))[:200],
            after={
                "post": staff.post.pk,
                "raised_by": raiser.pk,
                "title": problem.title,
                "description": problem.description,
                "raised_at": raised_at,
                "due_date": due,
                "status": ProblemStatus.RAISED,
                "idc_visible_from": None,
                "closed_at": None,
                "cases": sorted(cryptonym for _, cryptonym in about),
                "agencies": [],
            },
        )
        if number >= 2:
            _refer(rng, problem, staff, ledger, idc, decided=number == 3, about=about)


def _refer(
    rng: random.Random,
    problem: Problem,
    staff: Staff,
    ledger: Ledger,
    idc: list[Official],
    *,
    decided: bool,
    about: list[tuple[int, str]],
) -> None:
    """Refer ``problem`` to the IDC through CIA channels (``6c``), and with ``decided`` have
    the IDC acknowledge and decide it; each step with its event, as ``escalations.actions.
    referrals`` writes them."""
    chair = staff.first(Role.COMMITTEE_CHAIR)
    cryptonym = ",".join(sorted(c for _, c in about))[:200]
    requested = problem.raised_at + dt.timedelta(days=rng.randrange(2, 6))
    transmitted = requested + dt.timedelta(hours=rng.randrange(2, 30))
    referral = Referral(
        problem=problem,
        requested_by=chair,
        requested_at=requested,
        summary="The members concerned could not agree at the post; the IDC is asked to decide.",
        decision_due=problem.due_date,
    )
    steps: list[tuple[str, dt.datetime, Official, list[str]]] = [
        ("request", requested, chair, ["requested_by", "requested_at", "summary", "decision_due"]),
        ("transmit", transmitted, chair, ["routed_by", "transmitted_at", "channel_reference"]),
    ]
    referral.routed_by, referral.transmitted_at = chair, transmitted
    referral.channel_reference = f"CIA-{problem.post.code}-{problem.pk:05}"
    problem.status = ProblemStatus.REFERRED
    problem.idc_visible_from = transmitted
    if decided and idc:
        member = rng.choice(idc)
        acknowledged = transmitted + dt.timedelta(days=rng.randrange(1, 4))
        decided_at = acknowledged + dt.timedelta(days=rng.randrange(2, 8))
        referral.idc_acknowledged_by, referral.idc_acknowledged_at = member, acknowledged
        referral.idc_decision = rng.choice(DECISIONS)
        referral.idc_decided_by, referral.idc_decided_at = member, decided_at
        steps.append(
            ("acknowledge", acknowledged, member, ["idc_acknowledged_by", "idc_acknowledged_at"])
        )
        steps.append(
            ("decide", decided_at, member, ["idc_decision", "idc_decided_by", "idc_decided_at"])
        )
    referral.save()
    status = ProblemStatus.RAISED
    state = {**audit.snapshot(problem, PROBLEM_FIELDS), "status": status, "idc_visible_from": None}
    for verb, at, who, shown in steps:
        before = dict(state)
        if verb == "request":
            state["status"] = ProblemStatus.REFERRAL_REQUESTED
        elif verb == "transmit":
            state["status"] = ProblemStatus.REFERRED
            state["idc_visible_from"] = audit.jsonable(transmitted)
        elif verb == "decide":
            state["status"] = ProblemStatus.DECIDED_BY_IDC
            state["closed_at"] = audit.jsonable(at)
        after = {"referral": audit.snapshot(referral, shown)}
        if verb != "acknowledge":
            after = {**state, **after}
        ledger.add(
            at=at,
            actor=who.user,
            action=f"escalations.referral.{verb}",
            object_type="escalations.problem",
            object_id=problem.pk,
            cryptonym=cryptonym,
            before=before if verb != "acknowledge" else None,
            after=after,
        )
    if decided and idc:
        problem.status = ProblemStatus.DECIDED_BY_IDC
        problem.closed_at = referral.idc_decided_at
    problem.save(update_fields=["status", "idc_visible_from", "closed_at"])
