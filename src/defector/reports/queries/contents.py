"""A status report's contents, generated from the case (``6d``): never typed twice.

:func:`generate` reads the case as the acting official may see it and answers plain JSON:
the case by cryptonym, its post, stage, categories, status determination, bona fides, its
obligations open and overdue, its exploitation per requirement and overall (the exploitation
app's summaries), the publicity proposals before Washington (the publicity app's), and the
period of the ``6d`` obligation the report answers. Only cryptonyms, codes, labels, counts and
times (UTC): no sealed field is read, so no true name can be in it. The snapshot stored with
a report is this JSON; :func:`same_contents` tells whether the case still reads the same.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from django.utils import timezone

from defector.cases.choices import (
    BonaFidesVerdictKind,
    CaseOutcome,
    IntakeKind,
    ObligationStatus,
    Stage,
    StatusDecision,
)
from defector.cases.models import BonaFidesVerdict, Case, Obligation, StatusDetermination
from defector.core.access import Action, restrict
from defector.core.users import AnyUser
from defector.exploitation.queries import intelligence_report_count, summaries
from defector.policy.citations import clause
from defector.policy.definitions import CATEGORY_CLAUSE
from defector.policy.obligations import ObligationId
from defector.publicity.queries import awaiting_decision

#: The version of the contents' shape (kept in each snapshot).
SCHEMA: Final = 1
#: The keys that do not count when deciding whether the case changed since a draft.
VOLATILE: Final = frozenset({"as_of"})


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat() if moment is not None else None


def _label(value: str, choices: Any) -> str:
    return str(choices(value).label) if value in choices.values else value


def _status(user: AnyUser, case: Case) -> dict[str, Any] | None:
    latest = (
        restrict(user, Action.VIEW, StatusDetermination.objects.filter(case=case))
        .order_by("-decided_at", "-pk")
        .first()
    )
    if latest is None:
        return None
    return {
        "decision": latest.decision,
        "label": _label(latest.decision, StatusDecision),
        "decided_at": _iso(latest.decided_at),
    }


def _bona_fides(user: AnyUser, case: Case) -> dict[str, Any]:
    current = (
        restrict(user, Action.VIEW, BonaFidesVerdict.objects.filter(case=case))
        .filter(superseded_at__isnull=True)
        .first()
    )
    if current is None:
        return {"state": "none", "label": "No verdict yet"}
    return {
        "state": current.verdict,
        "label": _label(current.verdict, BonaFidesVerdictKind),
        "recorded_at": _iso(current.recorded_at),
    }


def _obligations(user: AnyUser, case: Case, now: dt.datetime) -> dict[str, Any]:
    rows = restrict(
        user,
        Action.VIEW,
        Obligation.objects.filter(case=case, status=ObligationStatus.OPEN),
    ).order_by("due_at", "period", "pk")
    items = [
        {
            "title": row.title,
            "clause": row.clause,
            "period": row.period,
            "due_at": _iso(row.due_at),
            "overdue": row.due_at is not None and row.due_at < now,
        }
        for row in rows
    ]
    return {
        "open": len(items),
        "overdue": sum(1 for item in items if item["overdue"]),
        "items": items,
    }


def answering_period(case: Case) -> Obligation | None:
    """The ``6d`` period a report sent now answers: the case's oldest open one (an overdue
    period is reported before the current one)."""
    return (
        Obligation.objects.filter(
            case=case, identifier=ObligationId.REPORT_TO_IDC, status=ObligationStatus.OPEN
        )
        .order_by("period", "arose_at", "pk")
        .first()
    )


def generate(user: AnyUser, case: Case, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """The contents of a status report on ``case`` as ``user`` sees it (the caller has read
    the case with access): plain JSON, cryptonyms and codes only."""
    moment = now or timezone.now()
    exploitation = summaries(user, [case.pk]).get(case.pk)
    lines = exploitation.lines if exploitation is not None else ()
    period = answering_period(case)
    return {
        "schema": SCHEMA,
        "as_of": _iso(moment),
        "case": {
            "id": case.pk,
            "cryptonym": case.cryptonym,
            "post": case.post.code,
            "post_name": case.post.name,
            "country": case.post.country,
            "kind": case.kind,
            "kind_label": _label(case.kind, IntakeKind),
            "stage": case.stage,
            "stage_label": _label(case.stage, Stage),
            "outcome": case.outcome,
            "outcome_label": _label(case.outcome, CaseOutcome) if case.outcome else "",
            "sensitivity": case.sensitivity,
            "received_at": _iso(case.received_at),
            "categories": [
                {
                    "code": category,
                    "label": _category_label(category),
                    "clause": CATEGORY_CLAUSE.get(category, ""),
                }
                for category in case.categories
            ],
        },
        "status": _status(user, case),
        "bona_fides": _bona_fides(user, case),
        "obligations": _obligations(user, case, moment),
        "exploitation": {
            "overall": exploitation.overall if exploitation is not None else "no_requirements",
            "overall_label": (
                exploitation.overall_label if exploitation is not None else "No requirements yet"
            ),
            "requirements": [
                {
                    "code": line.code,
                    "title": line.title,
                    "agency": line.agency,
                    "priority": line.priority,
                    "status": line.status,
                    "status_label": line.status_label,
                }
                for line in lines
            ],
        },
        # The intelligence reports drawn from the case (4a) that the reader may see.
        "intelligence_reports": intelligence_report_count(user, case),
        "publicity": {"awaiting_decision": awaiting_decision(user, [case.pk]).get(case.pk, 0)},
        "period": (
            {"number": period.period, "due_at": _iso(period.due_at)} if period is not None else None
        ),
    }


def _category_label(category: str) -> str:
    """A category in the directive's words: the title of the clause defining it ("Walk-in")."""
    key = CATEGORY_CLAUSE.get(category)  # type: ignore[call-overload]
    return clause(key).title if key else category.replace("_", " ")


def comparable(contents: dict[str, Any]) -> dict[str, Any]:
    """The contents without what changes by itself (the moment they were made)."""
    return {key: value for key, value in contents.items() if key not in VOLATILE}


def same_contents(stored: dict[str, Any], fresh: dict[str, Any]) -> bool:
    """Whether the case reads as it did when ``stored`` was generated."""
    return comparable(stored) == comparable(fresh)
