"""The gate of a bona fides verdict (``6b(3)(b)``): plain values in, a decision out.

Every verdict rests on at least one check, and only on completed ones (a pending check has
found nothing yet); "established" further needs that none of the checks it cites found the
person's account inconsistent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from defector.policy.citations import cite
from defector.policy.decisions import Decision

BONA_FIDES_CLAUSE: Final = cite("6b(3)(b)")


class CheckResult(StrEnum):
    """What a bona fides check found; every result but pending completes the check."""

    PENDING = "pending"
    CONSISTENT = "consistent"
    INCONSISTENT = "inconsistent"
    INCONCLUSIVE = "inconclusive"


class VerdictKind(StrEnum):
    """The verdict on the person's bona fides, resting on completed checks."""

    ESTABLISHED = "established"
    DOUBTFUL = "doubtful"
    REFUTED = "refuted"


VERDICT_LABELS: Final[dict[str, str]] = {
    VerdictKind.ESTABLISHED: "Established",
    VerdictKind.DOUBTFUL: "Doubtful",
    VerdictKind.REFUTED: "Refuted",
}


@dataclass(frozen=True, slots=True)
class CitedCheck:
    """A check a verdict cites, as the rule sees it: how to name it, and its result."""

    name: str
    result: str


def verdict_rule(verdict: str, cited: Sequence[CitedCheck]) -> Decision:
    """Whether a bona fides verdict may rest on the ``cited`` checks (``6b(3)(b)``)."""
    clause = BONA_FIDES_CLAUSE
    if verdict not in VERDICT_LABELS:
        return Decision.deny(clause, reason=f"the verdict must be one of {', '.join(VerdictKind)}")
    if not cited:
        return Decision.deny(clause, reason="a verdict must cite at least one completed check")
    pending = [check.name for check in cited if check.result == CheckResult.PENDING]
    if pending:
        return Decision.deny(
            clause,
            reason=f"a verdict rests on completed checks only; still pending: {', '.join(pending)}",
        )
    inconsistent = [check.name for check in cited if check.result == CheckResult.INCONSISTENT]
    if verdict == VerdictKind.ESTABLISHED and inconsistent:
        return Decision.deny(
            clause,
            reason="bona fides cannot be established on checks that found inconsistencies: "
            + ", ".join(inconsistent),
        )
    return Decision.allow(
        clause,
        reason=f"{VERDICT_LABELS[verdict].lower()} on {len(cited)} completed "
        f"check{'s' if len(cited) != 1 else ''}",
    )
