"""The directive's definitions of the categories of persons (``2a``-``2f``).

Each definition is a function of the facts that returns a :class:`Finding`: whether the
definition holds and, in one line, why. The definitions hold whatever the scope (``1``):
whether the directive *applies* is decided separately in :mod:`defector.policy.scope`.
"""

from __future__ import annotations

from enum import StrEnum

from defector.policy import countries
from defector.policy.decisions import Finding
from defector.policy.facts import Facts


class Category(StrEnum):
    """The categories of persons, in the contract's order."""

    DEFECTOR = "defector"
    POTENTIAL_DEFECTOR = "potential_defector"
    DISAFFECTED_PERSON = "disaffected_person"
    WALK_IN = "walk_in"
    REFUGEE = "refugee"


#: The clause that defines each category.
CATEGORY_CLAUSE = {
    Category.DEFECTOR: "2a",
    Category.POTENTIAL_DEFECTOR: "2c",
    Category.DISAFFECTED_PERSON: "2d",
    Category.WALK_IN: "2e",
    Category.REFUGEE: "2f",
}


def _codes(codes: tuple[str, ...]) -> str:
    return ", ".join(codes)


def _because(reasons: list[str]) -> str:
    return "; ".join(reasons)


def national_of_2a_country(facts: Facts) -> tuple[str, ...]:
    """The person's nationalities that are countries named in ``2a``."""
    return tuple(code for code in facts.nationalities if countries.is_2a_country(code))


def is_covered(facts: Facts) -> bool:
    """A national of a ``2a`` country, or brought in by a DCI determination under ``3``."""
    return bool(national_of_2a_country(facts)) or facts.dci_extension


def _coverage_reason(facts: Facts) -> str:
    named = national_of_2a_country(facts)
    if named:
        return f"national of {_codes(named)}"
    if facts.dci_extension:
        return f"national of {_codes(facts.nationalities)}, extended by the DCI under 3"
    return f"national of {_codes(facts.nationalities)}: not a 2a country and no DCI extension"


def _special_value_reason(facts: Facts) -> str:
    if facts.special_value:
        return "special value: " + ", ".join(facts.special_value)
    return "no ground of special value"


def is_outside(facts: Facts) -> bool:
    """The person is outside every country of their nationality."""
    return facts.location not in facts.nationalities


def defector(facts: Facts) -> Finding:
    """``2a``: covered; escaped control, or outside and unwilling to return; of special value."""
    covered = is_covered(facts)
    outside_unwilling = is_outside(facts) and facts.unwilling_to_return
    left = facts.escaped_control or outside_unwilling
    holds = covered and left and bool(facts.special_value)
    if facts.escaped_control:
        control = "escaped control"
    elif outside_unwilling:
        control = f"outside their country (in {facts.location}) and unwilling to return"
    elif facts.unwilling_to_return:
        control = f"unwilling to return but still in their country ({facts.location})"
    else:
        control = "has neither escaped control nor refused to return"
    return Finding(
        "2a", holds, _because([_coverage_reason(facts), control, _special_value_reason(facts)])
    )


def inducement(facts: Facts) -> Finding:
    """``2b``: whether the willingness to defect followed an inducement (recorded only)."""
    if facts.induced:
        return Finding(
            "2b", True, "willingness to defect followed an inducement (no effect on categories)"
        )
    return Finding("2b", False, "no inducement recorded")


def _potential(facts: Facts) -> tuple[bool, list[str]]:
    reasons = [_coverage_reason(facts)]
    reasons.append(
        "dissatisfied or estranged in allegiance"
        if facts.dissatisfied
        else "not dissatisfied or estranged in allegiance"
    )
    reasons.append(
        "susceptible to defection or recruitment in place"
        if facts.susceptible
        else "not susceptible to defection or recruitment in place"
    )
    reasons.append(_special_value_reason(facts))
    holds = (
        is_covered(facts) and facts.dissatisfied and facts.susceptible and bool(facts.special_value)
    )
    return holds, reasons


def potential_defector(facts: Facts) -> Finding:
    """``2c``: covered, dissatisfied, susceptible, and of special value."""
    holds, reasons = _potential(facts)
    return Finding("2c", holds, _because(reasons))


def disaffected_person(facts: Facts) -> Finding:
    """``2d``: a potential defector who has indicated willingness or desire to defect."""
    potential, _ = _potential(facts)
    reasons = ["a potential defector (2c)" if potential else "not a potential defector (2c)"]
    if facts.willing_to_defect:
        how = "after an inducement" if facts.induced else "by their own action"
        reasons.append(f"has indicated willingness to defect {how}")
    else:
        reasons.append("has not indicated willingness to defect")
    return Finding("2d", potential and facts.willing_to_defect, _because(reasons))


def walk_in(facts: Facts) -> Finding:
    """``2e``: a disaffected person at a US installation abroad asking for asylum or escape."""
    disaffected = disaffected_person(facts).holds
    in_us = countries.is_us(facts.location, facts.as_of)
    reasons = [
        "a disaffected person (2d)" if disaffected else "not a disaffected person (2d)",
        "presented themselves to a US installation"
        if facts.at_us_installation
        else "did not present themselves to a US installation",
        f"in the US, its territories or possessions ({facts.location})"
        if in_us
        else f"in a foreign country ({facts.location})",
        "requested " + " and ".join(r.replace("_", " ") for r in facts.requests)
        if facts.requests
        else "requested neither asylum nor escape assistance",
    ]
    holds = disaffected and facts.at_us_installation and not in_us and bool(facts.requests)
    return Finding("2e", holds, _because(reasons))


#: The facts a walk-in (``2e``) needs, in the order of its definition: a disaffected person
#: (``2d``: a potential defector, ``2c``, of a ``2a`` country, who said they would defect) who
#: presents themselves to a US installation in a foreign country and asks for asylum or
#: assistance in escaping.
WALK_IN_FACTS: tuple[str, ...] = (
    "nationalities",
    "dissatisfied",
    "susceptible",
    "special_value",
    "willing_to_defect",
    "at_us_installation",
    "location",
    "requests",
)


def walk_in_missing(facts: Facts) -> tuple[str, ...]:
    """The facts (of :data:`WALK_IN_FACTS`) that keep the person from being a walk-in
    (``2e``); empty when they are one. ``nationalities`` is missing when none is of a ``2a``
    country and no DCI determination extends the directive (``3``); ``location`` when it is
    the US, its territories or possessions."""
    held = {
        "nationalities": is_covered(facts),
        "dissatisfied": facts.dissatisfied,
        "susceptible": facts.susceptible,
        "special_value": bool(facts.special_value),
        "willing_to_defect": facts.willing_to_defect,
        "at_us_installation": facts.at_us_installation,
        "location": not countries.is_us(facts.location, facts.as_of),
        "requests": bool(facts.requests),
    }
    return tuple(name for name in WALK_IN_FACTS if not held[name])


def refugee(facts: Facts, *, is_defector: bool) -> Finding:
    """``2f``: outside home, unwilling to return for fear of persecution, no other protection."""
    home = set(facts.nationalities) | {facts.habitual_residence}
    away = facts.location not in home
    reasons = [
        f"outside their countries of nationality and residence (in {facts.location})"
        if away
        else f"in a country of nationality or habitual residence ({facts.location})",
        "unwilling to return" if facts.unwilling_to_return else "not unwilling to return",
        "fears persecution for " + ", ".join(g.replace("_", " ") for g in facts.persecution_grounds)
        if facts.persecution_grounds
        else "no ground of persecution",
    ]
    if facts.other_citizenship:
        reasons.append("possesses another citizenship")
    if facts.resident_status:
        reasons.append("has acquired resident status where domiciled")
    if is_defector:
        reasons.append("is a defector (2a)")
    holds = (
        away
        and facts.unwilling_to_return
        and bool(facts.persecution_grounds)
        and not facts.other_citizenship
        and not facts.resident_status
        and not is_defector
    )
    return Finding("2f", holds, _because(reasons))
