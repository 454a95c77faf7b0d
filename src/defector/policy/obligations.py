"""The obligations table: what the directive requires once it applies to a person.

Each row names the obligation, the clause that imposes it, and when it arises. The order of
the rows is the order of the contract (``contracts/assessment.md``), which is the order of the
``obligations`` list in every outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Set
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from defector.policy.citations import cite
from defector.policy.definitions import Category
from defector.policy.facts import Facts, SpecialValue

Categories = Set[Category]


class ObligationId(StrEnum):
    """Stable identifiers of the obligations (part of the assessment contract)."""

    DISSEMINATE_THREAT_INFORMATION = "disseminate_threat_information"
    SECURE_RECEPTION = "secure_reception"
    CONSIDER_DEFECTOR_STATUS = "consider_defector_status"
    POLITICAL_RISK_DETERMINATION = "political_risk_determination"
    ESTABLISH_BONA_FIDES = "establish_bona_fides"
    OBTAIN_VOLUNTARY_STATEMENT = "obtain_voluntary_statement"
    REPORT_TO_IDC = "report_to_idc"
    CONSIDER_RECRUITMENT_IN_PLACE = "consider_recruitment_in_place"


@dataclass(frozen=True, slots=True)
class ObligationRule:
    """One row of the obligations table."""

    identifier: ObligationId
    clause: str
    title: str
    #: When the obligation arises, in words (shown beside the rule).
    when: str
    arises: Callable[[Categories, Facts], bool]

    def __post_init__(self) -> None:
        cite(self.clause)


D = Category.DEFECTOR
P = Category.POTENTIAL_DEFECTOR
A = Category.DISAFFECTED_PERSON
W = Category.WALK_IN

OBLIGATIONS: Final[tuple[ObligationRule, ...]] = (
    ObligationRule(
        ObligationId.DISSEMINATE_THREAT_INFORMATION,
        "6b(3)(a)",
        "Disseminate threat information as a matter of immediate priority",
        "the person holds information on imminence of hostilities or threats to US personnel "
        "or installations",
        lambda cats, facts: facts.threat_information,
    ),
    ObligationRule(
        ObligationId.SECURE_RECEPTION,
        "6b(1)",
        "Receive and handle the person securely and expeditiously",
        "a walk-in or disaffected person",
        lambda cats, facts: W in cats or A in cats,
    ),
    ObligationRule(
        ObligationId.CONSIDER_DEFECTOR_STATUS,
        "6b(2)",
        "Consider defector status, balancing special value against political risk",
        "a defector",
        lambda cats, facts: D in cats,
    ),
    ObligationRule(
        ObligationId.POLITICAL_RISK_DETERMINATION,
        "7a",
        "Senior US Representative determines the effect on political and diplomatic interests",
        "a defector or disaffected person",
        lambda cats, facts: D in cats or A in cats,
    ),
    ObligationRule(
        ObligationId.ESTABLISH_BONA_FIDES,
        "6b(3)(b)",
        "Establish bona fides as expeditiously as possible",
        "a defector or walk-in",
        lambda cats, facts: D in cats or W in cats,
    ),
    ObligationRule(
        ObligationId.OBTAIN_VOLUNTARY_STATEMENT,
        "6b(3)(c)",
        "Obtain a signed statement that the defection is voluntary and asylum is requested",
        "a defector",
        lambda cats, facts: D in cats,
    ),
    ObligationRule(
        ObligationId.REPORT_TO_IDC,
        "6d",
        "Keep the Interagency Defector Committee informed",
        "a defector, or a disaffected person of potential intelligence interest",
        lambda cats, facts: (
            D in cats or (A in cats and SpecialValue.INFORMATION in facts.special_value)
        ),
    ),
    ObligationRule(
        ObligationId.CONSIDER_RECRUITMENT_IN_PLACE,
        "5a(1)",
        "Consider whether recruitment in place would better serve US interests",
        "a potential defector who has not escaped control",
        lambda cats, facts: P in cats and not facts.escaped_control,
    ),
)

#: The rows by identifier.
OBLIGATIONS_BY_ID: Final = {rule.identifier: rule for rule in OBLIGATIONS}


def obligations_for(categories: Categories, facts: Facts) -> tuple[ObligationId, ...]:
    """The obligations that arise, in table order. Call only when the directive applies."""
    return tuple(rule.identifier for rule in OBLIGATIONS if rule.arises(categories, facts))
