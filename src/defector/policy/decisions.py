"""Decisions that explain themselves: each carries the clauses that decided it and a reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from defector.policy.citations import cite


@dataclass(frozen=True, slots=True)
class Finding:
    """Whether one clause holds for the facts, and why, in one human-readable line."""

    clause: str
    holds: bool
    because: str

    def __post_init__(self) -> None:
        cite(self.clause)

    def to_dict(self) -> dict[str, Any]:
        return {"clause": self.clause, "holds": self.holds, "because": self.because}


@dataclass(frozen=True, slots=True)
class Decision:
    """A yes/no answer of a rule, with the clause keys behind it and a one-line reason.

    Later rules (gates on status, inducement, publicity) return these; ``allowed`` false with
    its clauses is what an action turns into a refusal that names the clause.
    """

    allowed: bool
    clauses: tuple[str, ...]
    reason: str

    def __post_init__(self) -> None:
        if not self.clauses:
            raise ValueError("a decision must cite at least one clause")
        for key in self.clauses:
            cite(key)

    @classmethod
    def allow(cls, *clauses: str, reason: str) -> Decision:
        return cls(allowed=True, clauses=clauses, reason=reason)

    @classmethod
    def deny(cls, *clauses: str, reason: str) -> Decision:
        return cls(allowed=False, clauses=clauses, reason=reason)

    def to_dict(self) -> dict[str, Any]:
        return {"allowed": self.allowed, "clauses": list(self.clauses), "reason": self.reason}
