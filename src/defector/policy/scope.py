"""Where and when the directive applies (``1``, ``2a``, ``3``) and the dates it is in force."""

from __future__ import annotations

from defector.policy import countries, versions
from defector.policy.decisions import Finding
from defector.policy.definitions import is_covered
from defector.policy.facts import Facts


def in_force(facts: Facts) -> bool:
    """The directive was in force on ``as_of`` (effective 1976-05-18)."""
    return versions.CURRENT.in_force_on(facts.as_of)


def in_us(facts: Facts) -> bool:
    """The person is in the US or one of its territories or possessions on ``as_of``."""
    return countries.is_us(facts.location, facts.as_of)


def purpose(facts: Facts) -> Finding:
    """``1``: in force, outside the US, not in an active war theater, not excluded."""
    reasons: list[str] = []
    current = versions.CURRENT
    if in_force(facts):
        reasons.append(f"{current.name} in force on {facts.as_of.isoformat()}")
    else:
        earlier = versions.version_on(facts.as_of)
        was = f" ({earlier.name} was in force)" if earlier else ""
        reasons.append(
            f"{facts.as_of.isoformat()} is before {current.name} took effect on "
            f"{current.effective.isoformat()}{was}"
        )
    if in_us(facts):
        reasons.append(f"in the US, its territories or possessions ({facts.location})")
    else:
        reasons.append(f"outside the US, its territories and possessions (in {facts.location})")
    if facts.active_war_theater:
        reasons.append("in an active theater of war where US forces are engaged")
    if facts.presidential_exclusion:
        reasons.append("the President has directed that the directive not apply")
    holds = (
        in_force(facts)
        and not in_us(facts)
        and not facts.active_war_theater
        and not facts.presidential_exclusion
    )
    return Finding("1", holds, "; ".join(reasons))


def other_nationals(facts: Facts) -> Finding:
    """``3``: a DCI determination extends the directive to a national of another country."""
    if facts.dci_extension:
        return Finding("3", True, "the DCI has determined that the directive extends to them")
    return Finding("3", False, "no DCI determination under 3")


def applies(facts: Facts) -> bool:
    """The directive applies: in force, covered, not in the US, no war theater or exclusion."""
    return purpose(facts).holds and is_covered(facts)
