"""Threat information on a case (``6b(3)(a)``): the banner at the top of its page, the marker on
the case list, and the case a report is issued from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

from django.urls import reverse
from django.utils import timezone

from defector.cases import queries as cases_queries
from defector.cases.choices import ObligationStatus
from defector.cases.models import Assessment, Case, Obligation
from defector.core.access import Action, can, get_for
from defector.core.errors import NotFound
from defector.core.users import AnyUser
from defector.dissemination.queries.common import CLAUSE, THREAT, row_id

# --- threat information on a case -------------------------------------------------------------


def has_threat_information(case: Case) -> bool:
    """Whether the case holds threat information: its latest assessment says so, or the
    obligation to disseminate it is open."""
    open_threat = Obligation.objects.filter(
        case=case, identifier=THREAT, status=ObligationStatus.OPEN
    )
    if open_threat.exists():
        return True
    facts = (
        Assessment.objects.filter(case=case).order_by("-number").values_list("facts", flat=True)
    ).first()
    return bool(isinstance(facts, dict) and facts.get("threat_information"))


def wait_text(due_at: dt.datetime, now: dt.datetime) -> str:
    """The time left to ``due_at`` in words, or how long it is overdue."""
    seconds = int((due_at - now).total_seconds())
    span = abs(seconds)
    hours, rest = divmod(span, 3600)
    minutes, secs = divmod(rest, 60)
    parts = ([f"{hours} h"] if hours else []) + [f"{minutes} min", f"{secs:02d} s"]
    words = " ".join(parts)
    return f"{words} left" if seconds >= 0 else f"overdue by {words}"


@dataclass(frozen=True, slots=True)
class Undisseminated:
    """A case whose threat information is not yet disseminated, and its clock."""

    case_id: int
    cryptonym: str
    post: str
    due_at: dt.datetime | None
    overdue: bool
    wait: str


def banner_data(user: AnyUser, case: Case) -> dict[str, Any] | None:
    """The red banner at the top of the case page while its threat information is not yet
    disseminated (``6b(3)(a)``); ``None`` otherwise."""
    now = timezone.now()
    obligation = min(
        (
            item
            for item in cases_queries.obligations_of(user, case, now=now)
            if item.identifier == THREAT and item.is_open
        ),
        key=lambda item: item.id,
        default=None,
    )
    if obligation is None:
        return None
    due = obligation.due_at
    return {
        "item": Undisseminated(
            case_id=case.pk,
            cryptonym=case.cryptonym,
            post=case.post.code,
            due_at=due,
            overdue=due is not None and due < now,
            wait=wait_text(due, now) if due is not None else "",
        ),
        "can_issue": can(user, Action.CHANGE, case),
        "issue_url": reverse("dissemination:issue", args=[case.pk]),
        "clause": CLAUSE,
    }


#: The list's marker shows at most this many cases.
LIST_BANNER_ROWS: Final = cases_queries.THREATS_SHOWN


def list_banner_data(user: AnyUser) -> dict[str, Any] | None:
    """The marker at the top of the case list: the cases the user sees whose threat
    information is not yet disseminated, soonest due first; ``None`` when there is none.
    Read with the list's choices (``cases.queries.list_choices``: within the list's reading,
    from the cases it finds once)."""
    now = timezone.now()
    items = [
        Undisseminated(
            case_id=threat.case_id,
            cryptonym=threat.cryptonym,
            post=threat.post,
            due_at=threat.due_at,
            overdue=threat.due_at is not None and threat.due_at < now,
            wait=wait_text(threat.due_at, now) if threat.due_at is not None else "",
        )
        for threat in cases_queries.list_choices(user).threats
    ]
    if not items:
        return None
    return {"items": items, "clause": CLAUSE}


# --- the pages ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssueTarget:
    """The case a report is issued from, as the issue page shows it."""

    case_id: int
    cryptonym: str
    post: str
    can_issue: bool
    threat_information: bool


def issue_target(user: AnyUser, case_id: int) -> IssueTarget:
    """The case the user would issue a report from (:class:`NotFound` when hidden)."""
    number = row_id(case_id)
    if number is None:
        raise NotFound("no such case")
    case = get_for(user, Action.VIEW, Case.objects.select_related("post"), number, what="case")
    return IssueTarget(
        case_id=case.pk,
        cryptonym=case.cryptonym,
        post=case.post.code,
        can_issue=can(user, Action.CHANGE, case),
        threat_information=has_threat_information(case),
    )
