"""The preview of an intake (``6b(1)``): what the directive will say of the facts ticked so
far — the categories (``2a``-``2f``), the scope (``1``, ``3``), the obligations that will
follow with their clocks — and, for a walk-in, which facts keep the person from being one
(``2e``). The same defaults and the same pure ``policy.assess`` as the intake itself; a read
only: nothing is written and nothing audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from django.utils import timezone

from defector import policy
from defector.cases import clocks
from defector.cases.choices import IntakeKind
from defector.cases.queries.intake import default_post, posts_for_intake
from defector.cases.validation import CLOCK_SKEW
from defector.core.inputs import moment_problem
from defector.core.users import AnyUser
from defector.directory.models import Post
from defector.policy.citations import CLAUSES
from defector.policy.definitions import CATEGORY_CLAUSE, WALK_IN_FACTS, walk_in_missing
from defector.policy.gates.cases import intake_date_gate
from defector.policy.obligations import OBLIGATIONS_BY_ID

#: What each fact a walk-in needs says, as its control on the intake form says it, and the
#: clause that asks for it.
WALK_IN_FACT_LABELS: Final[Mapping[str, tuple[str, str]]] = {
    "nationalities": ("A nationality of a country named in 2a (or a DCI determination, 3)", "2a"),
    "dissatisfied": ("Dissatisfied or potentially estranged in allegiance", "2c"),
    "susceptible": ("May be susceptible to defection or recruitment in place", "2c"),
    "special_value": ("A ground of special value", "2a"),
    "willing_to_defect": ("Has indicated willingness or desire to defect", "2d"),
    "at_us_installation": ("Presented themselves to a US installation", "2e"),
    "location": ("In a foreign country, not the US or its territories and possessions", "2e"),
    "requests": ("Asked for asylum or assistance in escaping", "2e"),
}


#: The largest row id a database holds (a larger one names no post).
MAX_ROW_ID: Final = 2**63 - 1


@dataclass(frozen=True, slots=True)
class Cited:
    """One line of the preview, with the clause that decides it."""

    label: str
    clause: str
    detail: str = ""
    #: The identifier of what it names: a category, an obligation, a fact of the contract.
    key: str = ""


@dataclass(frozen=True, slots=True)
class ScopeLine:
    clause: str
    title: str
    holds: bool
    because: str


@dataclass(frozen=True, slots=True)
class IntakePreview:
    """What the directive will say of an intake's facts, before the case is opened."""

    kind: str
    #: Whether the facts could be assessed (a nationality is ticked and every field is valid).
    assessed: bool = False
    #: Why they could not be (each a sentence).
    problems: tuple[str, ...] = ()
    applies: bool = False
    categories: tuple[Cited, ...] = ()
    scope: tuple[ScopeLine, ...] = ()
    obligations: tuple[Cited, ...] = ()
    #: For a walk-in: the facts that keep the person from being one (``2e``).
    missing: tuple[Cited, ...] = ()
    #: The refusal of the reception's day (``1``), when it is refused.
    date_refusal: str = ""
    location: str = ""
    as_of: dt.date | None = None

    @property
    def walk_in(self) -> bool:
        return self.kind == IntakeKind.WALK_IN

    @property
    def is_walk_in(self) -> bool:
        """The facts make a walk-in (``2e``)."""
        return any(category.clause == "2e" for category in self.categories)


def intake_defaults(kind: str, post: Post | None, received_at: dt.datetime) -> dict[str, Any]:
    """The facts an intake need not ask: where the person is (the post's country), the day
    (that of the reception), and for a walk-in that they came to a US installation."""
    defaults: dict[str, Any] = {"as_of": timezone.localdate(received_at).isoformat()}
    if post is not None:
        defaults["location"] = post.country
    if kind == IntakeKind.WALK_IN:
        defaults["at_us_installation"] = True
    return defaults


def _duration(limit: dt.timedelta) -> str:
    minutes = int(limit.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} minutes"
    if minutes < 48 * 60:
        return f"{minutes // 60} hours"
    return f"{minutes // (24 * 60)} days"


def _obligations(outcome: policy.Outcome, post: Post | None) -> tuple[Cited, ...]:
    post_clocks = clocks.clocks_for(post)
    lines = []
    for identifier in outcome.obligations:
        rule = OBLIGATIONS_BY_ID[identifier]
        limit = post_clocks.limit(identifier)
        due = ""
        if limit is not None:
            start = "reception" if identifier in clocks.ANCHORS_AT_RECEPTION else "opening"
            due = f"Due within {_duration(limit)} of the {start}"
        lines.append(Cited(rule.title, rule.clause, due, str(identifier)))
    return tuple(lines)


def _missing_unassessed(facts: Mapping[str, Any]) -> tuple[Cited, ...]:
    """The facts a walk-in needs that the form leaves unticked, when no nationality is."""
    names = [name for name in WALK_IN_FACTS if name != "location" and not facts.get(name)]
    return tuple(_missing(name) for name in names)


def _missing(name: str) -> Cited:
    label, clause = WALK_IN_FACT_LABELS[name]
    return Cited(label, clause, key=name)


def intake_preview(
    user: AnyUser,
    *,
    kind: str,
    facts: Mapping[str, Any],
    post_id: int | None = None,
    received_at: dt.datetime | None = None,
    confirm_before_directive: bool = False,
) -> IntakePreview:
    """What the directive will say of ``facts`` (the assessment contract's object, the
    intake's defaults filled in: the post's country, the reception's day, a walk-in at a US
    installation) for an intake of ``kind`` at the post ``post_id`` (default: the user's)."""
    now = timezone.now()
    post = None
    if post_id is not None and 0 < post_id <= MAX_ROW_ID:
        post = posts_for_intake(user).filter(pk=post_id).first()
    if post is None:
        post = default_post(user)
    received = received_at or now
    problem = moment_problem(received)
    if problem:
        received, date_refusal = now, f"The time received {problem}"
    else:
        date = intake_date_gate(
            timezone.localdate(received),
            today=timezone.localdate(now + CLOCK_SKEW),
            confirmed=confirm_before_directive,
        )
        date_refusal = "" if date.allowed else f"{date.reason} ({', '.join(date.clauses)})"
    given = {**intake_defaults(kind, post, received), **facts}
    try:
        parsed = policy.parse_facts(given, today=timezone.localdate(now))
    except policy.FactsInvalid as exc:
        problems = {
            error.field: "Tick a nationality to see the assessment."
            if error.field == "nationalities"
            else f"{error.field}: {error.message}"
            for error in exc.errors
        }
        return IntakePreview(
            kind=kind,
            problems=tuple(problems.values()),
            missing=_missing_unassessed(given) if kind == IntakeKind.WALK_IN else (),
            date_refusal=date_refusal,
        )
    if "as_of" in facts and not date_refusal:
        date = intake_date_gate(
            parsed.as_of,
            today=timezone.localdate(now + CLOCK_SKEW),
            confirmed=confirm_before_directive,
        )
        if not date.allowed:
            date_refusal = f"The date of the facts: {date.reason} ({', '.join(date.clauses)})"
    outcome = policy.assess(parsed)
    categories = tuple(
        Cited(CLAUSES[CATEGORY_CLAUSE[c]].title, CATEGORY_CLAUSE[c], key=str(c))
        for c in outcome.categories
    )
    scope = tuple(
        ScopeLine(f.clause, CLAUSES[f.clause].title, f.holds, f.because)
        for f in outcome.findings
        if f.clause in ("1", "3")
    )
    missing: tuple[Cited, ...] = ()
    if kind == IntakeKind.WALK_IN:
        missing = tuple(_missing(name) for name in walk_in_missing(parsed))
    return IntakePreview(
        kind=kind,
        assessed=True,
        applies=outcome.applies,
        categories=categories,
        scope=scope,
        obligations=_obligations(outcome, post),
        missing=missing,
        date_refusal=date_refusal,
        location=parsed.location,
        as_of=parsed.as_of,
    )


__all__ = [
    "WALK_IN_FACT_LABELS",
    "Cited",
    "IntakePreview",
    "ScopeLine",
    "intake_defaults",
    "intake_preview",
]
