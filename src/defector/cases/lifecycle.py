"""The lifecycle's runtime registry of guards, and the pure rules re-exported.

The rules — which stage may follow which, the endings, refusals, ``needs_reason``,
``decision`` — are the pure gate :mod:`defector.policy.gates.lifecycle`. The action that
moves a case asks them, then asks the guards other parts of the system register here for a
move (:func:`register_guard`), which may read the database; e.g. "a case moves to
exploitation only once defector status is granted", registered in ``CasesConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from defector.policy import Decision
from defector.policy.gates.lifecycle import (
    ENDINGS,
    ENDINGS_BY_OUTCOME,
    TRANSITIONS,
    Ending,
    Transition,
    allowed,
    decision,
    ending_refusal,
    endings_from,
    needs_reason,
    next_stages,
    refusal,
    stage_label,
    transition,
)

if TYPE_CHECKING:
    from defector.cases.models import Case

__all__ = [
    "ENDINGS",
    "ENDINGS_BY_OUTCOME",
    "TRANSITIONS",
    "Ending",
    "Guard",
    "Transition",
    "allowed",
    "decision",
    "ending_refusal",
    "endings_from",
    "guards_for",
    "needs_reason",
    "next_stages",
    "refusal",
    "register_guard",
    "stage_label",
    "transition",
    "unregister_guard",
]

#: A guard says whether a particular case may make a move: ``None`` when it has no objection,
#: or a refusing :class:`~defector.policy.Decision` that names the clause.
Guard = Callable[["Case"], Decision | None]
_GUARDS: dict[tuple[str, str], list[Guard]] = {}


def register_guard(source: str, target: str, guard: Guard) -> None:
    """Add a check that runs (in the moving action's transaction) before ``source`` →
    ``target``; e.g. the status determination registers one for determination → exploitation
    in its ``AppConfig.ready``. Registering the same guard twice has no effect."""
    guards = _GUARDS.setdefault((source, target), [])
    if guard not in guards:
        guards.append(guard)


def guards_for(source: str, target: str) -> tuple[Guard, ...]:
    return tuple(_GUARDS.get((source, target), ()))


def unregister_guard(source: str, target: str, guard: Guard) -> None:
    """Remove a guard (tests)."""
    guards = _GUARDS.get((source, target), [])
    if guard in guards:
        guards.remove(guard)
