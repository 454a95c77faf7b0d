"""A signed-in official's own work on cases, for the home page ("My work"): the open
obligations they own (a committee chair: those of their posts' cases), the open tasks given to
them or their agency (``6b(3)(d)``) and the statements they may witness (``6b(3)(c)``).

Each read is one SQL query however many rows there are (the rows' cases are joined), with
access control applied as for the case pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from django.db.models import F, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from defector.cases import clocks
from defector.cases.choices import OPEN_TASK_STATUSES, ObligationStatus, Stage
from defector.cases.models import CaseTask, Obligation, VoluntaryStatement
from defector.core.access import Action, principal_for, restrict
from defector.core.users import AnyUser
from defector.directory.choices import Role
from defector.directory.models import Official

#: At most this many of each kind are listed (the case lists show the rest).
WORK_LIMIT: Final = 50


@dataclass(frozen=True, slots=True)
class WorkItem:
    """One thing to do on a case, and where it is done."""

    title: str
    clause: str
    case_id: int
    cryptonym: str
    #: When it falls due (``None``: no clock; ``due_text`` says when instead).
    due_at: dt.datetime | None
    due_text: str
    overdue: bool
    #: Where it is done (the obligation's, task's or statement's page).
    link: str

    @property
    def case_link(self) -> str:
        return reverse("cases:detail", args=[self.case_id])


def my_obligations(user: AnyUser, *, now: dt.datetime | None = None) -> list[WorkItem]:
    """The open obligations of open cases that ``user`` owns, and for a committee chair every
    open obligation of their posts' cases: soonest due first, those without a clock last."""
    principal = principal_for(user)
    if principal.official_id is None:
        return []
    now = now or timezone.now()
    mine = Q(owner_id=principal.official_id)
    chaired = principal.posts_with(Role.COMMITTEE_CHAIR)
    if chaired:
        mine |= Q(case__post_id__in=chaired)
    rows = (
        restrict(user, Action.VIEW, Obligation.objects.filter(mine, status=ObligationStatus.OPEN))
        .exclude(case__stage=Stage.CLOSED)
        .select_related("case")
        .order_by(F("due_at").asc(nulls_last=True), "arose_at", "pk")[:WORK_LIMIT]
    )
    return [
        WorkItem(
            title=row.title,
            clause=row.clause,
            case_id=row.case_id,
            cryptonym=row.case.cryptonym,
            due_at=row.due_at,
            due_text=""
            if row.due_at is not None
            else clocks.NO_CLOCK_DUE.get(row.identifier, "no time set"),
            overdue=row.is_overdue(now),
            link=reverse("cases:obligation", args=[row.case_id, row.pk]),
        )
        for row in rows
    ]


def my_tasks(user: AnyUser, *, now: dt.datetime | None = None) -> list[WorkItem]:
    """The open tasks (assigned or accepted) given to ``user`` or to their agency
    (``6b(3)(d)``), soonest due first."""
    principal = principal_for(user)
    if principal.official_id is None:
        return []
    today = timezone.localdate(now or timezone.now())
    agency = Official.objects.filter(pk=principal.official_id).values("agency_id")[:1]
    rows = (
        restrict(
            user,
            Action.VIEW,
            CaseTask.objects.filter(
                Q(official_id=principal.official_id) | Q(agency_id=Subquery(agency)),
                status__in=OPEN_TASK_STATUSES,
            ),
        )
        .exclude(case__stage=Stage.CLOSED)
        .select_related("case")
        .order_by("due_on", "pk")[:WORK_LIMIT]
    )
    return [
        WorkItem(
            title=row.title,
            clause="6b(3)(d)",
            case_id=row.case_id,
            cryptonym=row.case.cryptonym,
            due_at=dt.datetime.combine(row.due_on, dt.time.max, tzinfo=dt.UTC),
            due_text="",
            overdue=row.is_overdue(today),
            link=reverse("cases:task", args=[row.case_id, row.pk]),
        )
        for row in rows
    ]


def statements_to_witness(user: AnyUser) -> list[WorkItem]:
    """The voluntary statements (``6b(3)(c)``) of open cases at ``user``'s posts that await a
    witness and that ``user`` did not record (the witness is a second official of the post,
    ``cases.queries.witness_problem``), oldest first."""
    principal = principal_for(user)
    posts = {post for post, _ in principal.post_roles}
    if principal.official_id is None or not posts:
        return []
    rows = (
        restrict(
            user,
            Action.VIEW,
            VoluntaryStatement.objects.filter(
                case__post_id__in=posts, witnessed_at__isnull=True, withdrawn_at__isnull=True
            ),
        )
        .exclude(case__stage=Stage.CLOSED)
        .exclude(recorded_by_id=principal.official_id)
        .select_related("case")
        .order_by("recorded_at", "pk")[:WORK_LIMIT]
    )
    return [
        WorkItem(
            title=f"Statement {row.number}, signed "
            f"{timezone.localtime(row.signed_at, dt.UTC):%-d %b %Y %H:%M} UTC",
            clause="6b(3)(c)",
            case_id=row.case_id,
            cryptonym=row.case.cryptonym,
            due_at=None,
            due_text="",
            overdue=False,
            link=reverse("cases:statement", args=[row.case_id, row.pk]),
        )
        for row in rows
    ]
