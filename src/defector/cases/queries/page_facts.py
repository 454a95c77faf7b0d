"""What the case page shows of a case's records around it, read with the case's own row: the
latest assessment's categories (the header), the counts on the tabs (open tasks, open
obligations), and the inputs of the grant gate the Overview lists (the standing status
determination, the current bona fides verdict, the voluntary statements, the ``7a``
determination in force on the case) — each a subquery of the case's row, by its key alone:
they are case content, whose rule is the case's own (``cases.access.CASE_CONTENT``, as
``case_rows`` relies on), read only once the case itself is decided.

The values are raw (the decisions are made from them in ``overview``, by the same functions
that make them from the rows); they are remembered for the page (:func:`case_facts`), and
the counts and categories under the keys the tabs' badges and the header read them by.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any, Final

from django.db.models import F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery

from defector.cases.choices import OPEN_TASK_STATUSES, ObligationStatus, RiskSubject
from defector.cases.models import (
    Assessment,
    BonaFidesVerdict,
    Case,
    CaseTask,
    Obligation,
    PoliticalRiskDetermination,
    StatusDetermination,
    VoluntaryStatement,
)
from defector.core.access import remember, remembered
from defector.core.prepared import Param, Prepared
from defector.core.users import AnyUser

#: The prefix of the facts' columns in a read of the case.
PREFIX: Final = "fact_"


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """The case's records around it, as the case page reads them with the case."""

    #: The latest assessment's categories; ``None`` when no facts were assessed yet.
    categories: list[str] | None
    open_tasks: int
    open_obligations: int
    #: The decision of the status determination that stands (the latest), or ``None``.
    status: str | None
    #: The current bona fides verdict (not superseded): its kind, number and time.
    verdict: str | None
    verdict_number: int | None
    verdict_at: dt.datetime | None
    #: The newest voluntary statement that counts (signed, witnessed, not withdrawn).
    counting_statement: int | None
    statements: int
    #: How many statements are not withdrawn.
    standing_statements: int
    #: The ``7a`` determination in force on the case: its level and time.
    risk_level: str | None
    risk_at: dt.datetime | None


def _first(queryset: QuerySet[Any], column: str) -> Subquery:
    return Subquery(queryset.values(column)[:1])


def _count(queryset: QuerySet[Any]) -> Subquery:
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())


def facts_columns() -> dict[str, Any]:
    """The facts as columns of a read of ``Case`` (each named with :data:`PREFIX`)."""
    case = OuterRef("pk")
    latest_status = StatusDetermination.objects.filter(case=case).order_by("-decided_at", "-pk")
    verdict = BonaFidesVerdict.objects.filter(case=case, superseded_at__isnull=True).order_by(
        "recorded_at", "pk"
    )
    statements = VoluntaryStatement.objects.filter(case=case)
    counting = statements.filter(
        Q(witnessed_at__isnull=False, withdrawn_at__isnull=True) & ~Q(sha256="")
    ).order_by("-pk")
    risk = PoliticalRiskDetermination.objects.filter(
        case=case, subject=RiskSubject.CASE, superseded_at__isnull=True
    ).order_by("-determined_at", "-pk")
    columns = {
        "categories": _first(
            Assessment.objects.filter(case=case).order_by("-number"), "categories"
        ),
        "open_tasks": _count(CaseTask.objects.filter(case=case, status__in=OPEN_TASK_STATUSES)),
        "open_obligations": _count(
            Obligation.objects.filter(case=case, status=ObligationStatus.OPEN)
        ),
        "status": _first(latest_status, "decision"),
        "verdict": _first(verdict, "verdict"),
        "verdict_number": _first(verdict, "number"),
        "verdict_at": _first(verdict, "recorded_at"),
        "counting_statement": _first(counting, "pk"),
        "statements": _count(statements),
        "standing_statements": _count(statements.filter(withdrawn_at__isnull=True)),
        "risk_level": _first(risk, "level"),
        "risk_at": _first(risk, "determined_at"),
    }
    return {f"{PREFIX}{name}": column for name, column in columns.items()}


_FACTS: Final = Prepared(
    lambda: Case.objects.filter(pk=Param("case")).order_by().values(**facts_columns())
)


_NAMES: Final = tuple(field.name for field in fields(CaseFacts))


def facts_from(row: dict[str, Any]) -> CaseFacts:
    """The facts of a row read with :func:`facts_columns`."""
    return CaseFacts(**{name: row[f"{PREFIX}{name}"] for name in _NAMES})


def remember_facts(user: AnyUser, case_id: int, facts: CaseFacts) -> None:
    """Let the page's reads of these facts answer from ``facts`` (the case being decided
    visible to ``user``): the facts themselves, the header's categories and the tabs'
    counts."""
    remember(("cases.case_facts", case_id), facts)
    remember(("cases.latest_categories", case_id), facts.categories)
    remember(("cases.open_tasks", getattr(user, "pk", None), case_id), facts.open_tasks)
    remember(("cases.open_obligations", getattr(user, "pk", None), case_id), facts.open_obligations)


def case_facts(case: Case) -> CaseFacts:
    """The facts of ``case`` (which the caller may see): from the page's read of the case, or
    read now."""

    def read() -> CaseFacts:
        row = _FACTS.one(case=case.pk)
        assert row is not None, "the case was read"  # noqa: S101
        return facts_from(row)

    return remembered(("cases.case_facts", case.pk), read)
