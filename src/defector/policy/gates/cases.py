"""The gates of the directive on the determinations of a case: pure functions, no Django.

Each takes plain values — booleans, numbers and :class:`~defector.policy.Decision` answers
gathered by ``cases.queries`` — and returns a :class:`~defector.policy.Decision`
that, when it refuses, names **every** clause that is missing (not only the first), with a
reason a person can read. The actions turn a refusal into
:class:`~defector.core.errors.PolicyRefusal` with those clauses.

- :func:`grant_gate` — defector status may be granted (``6b(2)``) only when the latest
  assessment finds a defector (``2a``), bona fides is established (``6b(3)(b)``), a signed
  voluntary statement is on file (``6b(3)(c)``) and the Senior US Representative's ``7a``
  determination for the case exists and does not find the risk prohibitive.
- :func:`intake_date_gate` — the day of an intake (its reception, or the date of its facts) may
  not be in the future, and is before the directive took effect (``1``: 18 May 1976) only
  when the officer confirms it.
- :func:`inducement_plan_gate` — an inducement plan may be recorded only after recruitment in
  place was considered and found not to serve better (``5a(1)``), after a ``7a``
  determination for inducement (or for the case) that does not find it prohibitive, and only
  when aimed at no more persons than allowed (``5a(4)``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Final

from defector.policy import Decision, versions

#: The level of a ``7a`` determination that rules the action out.
PROHIBITIVE: Final = "prohibitive"
#: The category of a defector in an assessment's outcome (``2a``).
DEFECTOR: Final = "defector"
#: The conclusion of a consideration of recruitment in place that lets inducement proceed.
INDUCE_DEFECTION: Final = "induce_defection"


def _combine(
    refusals: Sequence[Decision], *, allowed_clauses: tuple[str, ...], allowed_reason: str
) -> Decision:
    """Allowed when nothing refused; else a refusal naming each refused clause once, in order,
    with every reason followed by its clause."""
    if not refusals:
        return Decision.allow(*allowed_clauses, reason=allowed_reason)
    clauses: list[str] = []
    for refusal in refusals:
        clauses += [key for key in refusal.clauses if key not in clauses]
    reason = "; ".join(f"{refusal.reason} ({', '.join(refusal.clauses)})" for refusal in refusals)
    return Decision(allowed=False, clauses=tuple(clauses), reason=reason)


def finds_defector(categories: Iterable[str] | None) -> Decision:
    """Whether the latest assessment (its categories; ``None``: no assessment yet) finds the
    person a defector (``2a``)."""
    if categories is None:
        return Decision.deny("2a", reason="no assessment of the facts yet finds a defector")
    if DEFECTOR in set(categories):
        return Decision.allow("2a", reason="the latest assessment finds a defector")
    return Decision.deny("2a", reason="the latest assessment does not find a defector")


def _not_prohibitive(level: str, what: str) -> Decision | None:
    if level == PROHIBITIVE:
        return Decision.deny(
            "7a",
            reason=f"the Senior US Representative determined the political risk of {what} "
            "prohibitive",
        )
    return None


def grant_gate(
    *,
    defector: Decision,
    bona_fides: Decision,
    signed_statement: Decision,
    political_risk: Decision,
    risk_level: str = "",
) -> Decision:
    """May defector status be granted? ``defector`` (``2a``, see :func:`finds_defector`),
    ``bona_fides`` (``6b(3)(b)``), ``signed_statement`` (``6b(3)(c)``) and ``political_risk``
    (``7a``: a determination for the case exists) must each be allowed; ``risk_level`` is that
    determination's level, and ``prohibitive`` refuses under ``7a`` too."""
    refusals = [
        answer
        for answer in (defector, bona_fides, signed_statement, political_risk)
        if not answer.allowed
    ]
    if political_risk.allowed:
        prohibitive = _not_prohibitive(risk_level, "the case")
        if prohibitive is not None:
            refusals.append(prohibitive)
    return _combine(
        refusals,
        allowed_clauses=("6b(2)", "2a", "6b(3)(b)", "6b(3)(c)", "7a"),
        allowed_reason=(
            "a defector, bona fides established, a signed voluntary statement on file and the "
            "political risk determined"
        ),
    )


def group_size_gate(group_size: int, max_group_size: int) -> Decision:
    """A plan may aim at no more than ``max_group_size`` persons (``5a(4)``)."""
    if group_size > max_group_size:
        return Decision.deny(
            "5a(4)",
            reason=f"the plan aims at {group_size} persons; no action may encourage the "
            f"departure of large numbers, and this installation allows at most {max_group_size}",
        )
    return Decision.allow("5a(4)", reason=f"the plan aims at {group_size} of {max_group_size}")


def inducement_plan_gate(
    *,
    recruitment: Decision,
    political_risk: Decision,
    risk_level: str = "",
    group_size: int,
    max_group_size: int,
) -> Decision:
    """May an inducement plan be recorded? ``recruitment`` (``5a(1)``: recruitment in place
    was considered, and the latest consideration concluded to induce defection),
    ``political_risk`` (``7a``: a determination for inducement, or for the case, exists) and
    its ``risk_level`` (``prohibitive`` refuses), and the plan's ``group_size`` against
    ``max_group_size`` (``5a(4)``)."""
    refusals = [answer for answer in (recruitment, political_risk) if not answer.allowed]
    if political_risk.allowed:
        prohibitive = _not_prohibitive(risk_level, "inducement")
        if prohibitive is not None:
            refusals.append(prohibitive)
    size = group_size_gate(group_size, max_group_size)
    if not size.allowed:
        refusals.append(size)
    return _combine(
        refusals,
        allowed_clauses=("2b", "5a(1)", "7a", "5a(4)"),
        allowed_reason=(
            "recruitment in place considered, the political risk of inducement determined, "
            "and the plan aims at no large numbers"
        ),
    )


def recruitment_considered(conclusion: str | None) -> Decision:
    """What the latest consideration of recruitment in place (its ``conclusion``; ``None``:
    none recorded) means for an inducement plan (``5a(1)``)."""
    if conclusion is None:
        return Decision.deny(
            "5a(1)",
            reason="recruitment in place has not been considered: record the consideration "
            "before any action to induce defection",
        )
    if conclusion != INDUCE_DEFECTION:
        found = conclusion.replace("_", " ")
        return Decision.deny(
            "5a(1)",
            reason=f"the latest consideration of recruitment in place concluded {found!r}, "
            "not to induce defection",
        )
    return Decision.allow("5a(1)", reason="recruitment in place was considered: induce defection")


def intake_date_gate(day: dt.date, *, today: dt.date, confirmed: bool = False) -> Decision:
    """May an intake be recorded on ``day`` (its reception, or the date of its facts)?

    Not a day after ``today``: the directive is applied to what has happened. A day before
    DCID 4/21 took effect (18 May 1976, ``1``) only when ``confirmed``: the directive was not
    in force then (DCID 4/2 was, from 26 June 1959), which is more often a typing slip than
    an old case entered late."""
    current = versions.CURRENT
    if day > today:
        return Decision.deny(
            "1",
            reason=f"{day.isoformat()} is in the future: an intake records a reception that "
            "has happened",
        )
    if current.in_force_on(day):
        return Decision.allow("1", reason=f"{current.name} in force on {day.isoformat()}")
    earlier = versions.version_on(day)
    was = f"{earlier.name} was" if earlier is not None else "no directive on defectors was"
    if confirmed:
        return Decision.allow(
            "1",
            reason=f"{day.isoformat()} is before {current.name} took effect; confirmed by the "
            f"officer ({was} in force)",
        )
    return Decision.deny(
        "1",
        reason=f"{day.isoformat()} is before {current.name} took effect on "
        f"{current.effective:%d %B %Y}: the directive was not in force, {was}; confirm the "
        "date to record it",
    )
