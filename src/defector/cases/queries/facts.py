"""A case's assessments of the facts, as the page and the API show them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Final

from django.db.models import QuerySet

from defector.cases.models import Assessment, Case
from defector.cases.queries.common import OfficialRef, _ref, case_rows
from defector.core.access import Action, remember
from defector.core.users import AnyUser
from defector.policy.citations import CLAUSES
from defector.policy.definitions import CATEGORY_CLAUSE, Category
from defector.policy.obligations import OBLIGATIONS_BY_ID, ObligationId


@dataclass(frozen=True, slots=True)
class Cited:
    """Something an assessment lists, with the clause that decides it."""

    identifier: str
    label: str
    clause: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class FindingRow:
    clause: str
    title: str
    holds: bool
    because: str


#: How the page names the facts of 1 and 3 that Washington's records fill in.
POWER_FACT_LABELS: Final[dict[str, str]] = {
    "active_war_theater": "An active theater of war where US forces are engaged",
    "presidential_exclusion": "The President has directed that the directive not apply",
    "dci_extension": "A DCI determination extends the directive to the person",
}


@dataclass(frozen=True, slots=True)
class PowerRow:
    """Where one fact of ``1`` or ``3`` came from: Washington's records in force."""

    fact: str
    label: str
    clause: str
    holds: bool
    because: str
    records: list[str]


@dataclass(frozen=True, slots=True)
class OutcomeHeader:
    """What ``web/includes/outcome.html`` reads from ``outcome``."""

    directive: str
    effective: dt.date
    in_force: bool
    covered: bool
    applies: bool
    policy_version: str


@dataclass(frozen=True, slots=True)
class FactsHeader:
    as_of: dt.date


@dataclass(frozen=True, slots=True)
class AssessmentView:
    """One stored assessment, shaped for the Assess page's outcome block (reused on the case
    page) and for the API."""

    id: int
    number: int
    assessed_at: dt.datetime
    assessed_by: OfficialRef | None
    policy_version: str
    facts_data: dict[str, Any]
    outcome_data: dict[str, Any]
    outcome: OutcomeHeader
    facts: FactsHeader
    categories: list[Cited]
    obligations: list[Cited]
    findings: list[FindingRow]
    #: Where the facts of 1 and 3 came from (empty for assessments made before the records).
    powers: list[PowerRow]
    #: Every clause the assessment cites, with its text, in the directive's order.
    clauses: list[Any]

    @property
    def outcome_json(self) -> str:
        return json.dumps(self.outcome_data, indent=2, ensure_ascii=False)

    @property
    def facts_json(self) -> str:
        return json.dumps(self.facts_data, indent=2, ensure_ascii=False)

    @property
    def category_names(self) -> list[str]:
        return [c.identifier for c in self.categories]

    def template_context(self) -> dict[str, Any]:
        """The names ``web/includes/outcome.html`` expects."""
        return {
            "outcome": self.outcome,
            "facts": self.facts,
            "categories": self.categories,
            "obligations": self.obligations,
            "findings": self.findings,
            "outcome_json": self.outcome_json,
            "facts_json": self.facts_json,
        }


def categories_of(outcome: dict[str, Any]) -> list[str]:
    """The categories an assessment's outcome names (``2a``–``2f``), those still defined."""
    return [c for c in outcome.get("categories", []) if c in _CATEGORIES]


def obligation_rules_of(outcome: dict[str, Any]) -> list[Any]:
    """The obligations an assessment's outcome raises, as the policy's rules."""
    return [
        OBLIGATIONS_BY_ID[ObligationId(o)]
        for o in outcome.get("obligations", [])
        if o in _OBLIGATION_IDS
    ]


def power_rows_of(powers: list[dict[str, Any]] | None) -> list[PowerRow]:
    """Where the facts of ``1`` and ``3`` came from, as an assessment stored them."""
    return [
        PowerRow(
            fact=str(p.get("fact", "")),
            label=POWER_FACT_LABELS.get(str(p.get("fact", "")), str(p.get("fact", ""))),
            clause=str(p.get("clause", "")),
            holds=bool(p.get("holds")),
            because=str(p.get("because", "")),
            records=[str(r.get("label", "")) for r in p.get("records", [])],
        )
        for p in powers or []
        if p.get("clause") in CLAUSES
    ]


_CATEGORIES: Final = frozenset(x.value for x in Category)
_OBLIGATION_IDS: Final = frozenset(x.value for x in ObligationId)


def _assessment_view(assessment: Assessment) -> AssessmentView:
    data = assessment.outcome
    categories = [
        Cited(c, CLAUSES[CATEGORY_CLAUSE[Category(c)]].title, CATEGORY_CLAUSE[Category(c)])
        for c in categories_of(data)
    ]
    rules = obligation_rules_of(data)
    obligations = [Cited(str(r.identifier), r.title, r.clause, r.when) for r in rules]
    findings = [
        FindingRow(f["clause"], CLAUSES[f["clause"]].title, f["holds"], f["because"])
        for f in data.get("findings", [])
        if f.get("clause") in CLAUSES
    ]
    powers = power_rows_of(assessment.powers)
    cited = {c.clause for c in categories} | {o.clause for o in obligations}
    cited |= {f.clause for f in findings}
    return AssessmentView(
        id=assessment.pk,
        number=assessment.number,
        assessed_at=assessment.assessed_at,
        assessed_by=_ref(assessment.assessed_by) if assessment.assessed_by else None,
        policy_version=assessment.policy_version,
        facts_data=assessment.facts,
        outcome_data=data,
        outcome=OutcomeHeader(
            directive=data.get("directive", ""),
            effective=dt.date.fromisoformat(data.get("effective", "1976-05-18")),
            in_force=bool(data.get("in_force")),
            covered=bool(data.get("covered")),
            applies=bool(data.get("applies")),
            policy_version=assessment.policy_version,
        ),
        facts=FactsHeader(as_of=dt.date.fromisoformat(assessment.facts["as_of"])),
        categories=categories,
        obligations=obligations,
        findings=findings,
        powers=powers,
        clauses=[clause for key, clause in CLAUSES.items() if key in cited],
    )


def _assessments(user: AnyUser, case: Case) -> QuerySet[Assessment]:
    return case_rows(
        user, Action.VIEW, Assessment.objects.select_related("assessed_by__user"), case
    )


def latest_assessment(user: AnyUser, case: Case) -> AssessmentView | None:
    """The case's latest assessment, or ``None`` when no facts were given yet."""
    found = _assessments(user, case).order_by("-number").first()
    return _assessment_view(found) if found is not None else None


def assessments_of(user: AnyUser, case: Case) -> list[AssessmentView]:
    """Every assessment of the case, newest first."""
    found = list(_assessments(user, case).order_by("-number"))
    remember(("cases.latest_categories", case.pk), found[0].categories if found else None)
    return [_assessment_view(a) for a in found]


def facts_of(user: AnyUser, case: Case) -> dict[str, Any] | None:
    """The facts of the latest assessment (the facts form starts from them)."""
    found = _assessments(user, case).order_by("-number").values_list("facts", flat=True).first()
    return dict(found) if found is not None else None
