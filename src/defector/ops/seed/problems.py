"""The seed's mutual problems (``6c``): at every post, problems its committee raised about a few
of its cases — one still open and overdue, one open and due later — each with its
``escalations.problem.raise`` audit event, as ``escalations.actions.raise_problem`` writes
them (without the notices: the seed writes no notices)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Final

from django.db import transaction

from defector.cases.models import Case
from defector.directory.choices import Role
from defector.escalations.choices import ProblemStatus
from defector.escalations.models import Problem
from defector.ops.seed.directory import Staff
from defector.ops.seed.ledger import Ledger

#: Problems raised at each post (each one audit event).
PROBLEMS_PER_POST: Final = 2
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
    rng: random.Random, *, staff: list[Staff], anchor: dt.datetime, ledger: Ledger
) -> None:
    """Every post's problems, one transaction per ``POST_BATCH`` posts."""
    for start in range(0, len(staff), POST_BATCH):
        with transaction.atomic():
            for one in staff[start : start + POST_BATCH]:
                _post_problems(rng, one, anchor, ledger)
            ledger.flush()


def _post_problems(rng: random.Random, staff: Staff, anchor: dt.datetime, ledger: Ledger) -> None:
    raiser = staff.first(Role.COMMITTEE_CHAIR)
    cases = list(Case.objects.filter(post=staff.post).order_by("pk").values_list("pk", "cryptonym"))
    for number in range(PROBLEMS_PER_POST):
        raised_at = anchor - dt.timedelta(days=rng.randrange(20, 60), hours=rng.randrange(8))
        # The first is overdue, the second due after the anchor.
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
