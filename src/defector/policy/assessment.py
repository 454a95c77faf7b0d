"""The assessment: the one pure function behind ``defector assess``, the API and the web page.

``assess(facts)`` decides the categories (``2a``-``2f``), the scope (``1``, ``3``) and the
obligations, and returns an :class:`Outcome` whose ``to_dict()`` is the contract's JSON object
(``contracts/assessment.md``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from defector.policy import definitions, scope, versions
from defector.policy.decisions import Finding
from defector.policy.definitions import Category
from defector.policy.facts import Facts
from defector.policy.obligations import ObligationId, obligations_for


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the directive says about one person's facts."""

    directive: str
    effective: dt.date
    in_force: bool
    covered: bool
    applies: bool
    categories: tuple[Category, ...]
    obligations: tuple[ObligationId, ...]
    findings: tuple[Finding, ...]
    policy_version: str = versions.POLICY_VERSION

    def to_dict(self) -> dict[str, Any]:
        """The contract's outcome object (``policy_version`` is kept out of it)."""
        return {
            "directive": self.directive,
            "effective": self.effective.isoformat(),
            "in_force": self.in_force,
            "covered": self.covered,
            "applies": self.applies,
            "categories": [str(category) for category in self.categories],
            "obligations": [str(obligation) for obligation in self.obligations],
            "findings": [finding.to_dict() for finding in self.findings],
        }

    def finding(self, clause: str) -> Finding:
        for finding in self.findings:
            if finding.clause == clause:
                return finding
        raise KeyError(clause)


def assess(facts: Facts) -> Outcome:
    """Decide categories, scope and obligations for ``facts`` under DCID 4/21."""
    is_defector = definitions.defector(facts)
    potential = definitions.potential_defector(facts)
    disaffected = definitions.disaffected_person(facts)
    walk_in = definitions.walk_in(facts)
    refugee = definitions.refugee(facts, is_defector=is_defector.holds)
    purpose = scope.purpose(facts)
    findings = (
        purpose,
        is_defector,
        definitions.inducement(facts),
        potential,
        disaffected,
        walk_in,
        refugee,
        scope.other_nationals(facts),
    )
    held = {
        Category.DEFECTOR: is_defector.holds,
        Category.POTENTIAL_DEFECTOR: potential.holds,
        Category.DISAFFECTED_PERSON: disaffected.holds,
        Category.WALK_IN: walk_in.holds,
        Category.REFUGEE: refugee.holds,
    }
    categories = tuple(category for category in Category if held[category])
    covered = definitions.is_covered(facts)
    applies = purpose.holds and covered
    obligations = obligations_for(set(categories), facts) if applies else ()
    return Outcome(
        directive=versions.CURRENT.name,
        effective=versions.CURRENT.effective,
        in_force=scope.in_force(facts),
        covered=covered,
        applies=applies,
        categories=categories,
        obligations=obligations,
        findings=findings,
    )
