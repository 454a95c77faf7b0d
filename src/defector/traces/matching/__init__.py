"""Name matching for traces (``6b(3)(b)``): pure functions, no Django and no I/O.

The traces app stores only keyed hashes of :func:`blocking_keys` (the blind index), finds
candidates through them, opens them in memory and ranks them with :func:`score` (or
:func:`rank`), keeping those at or above :data:`THRESHOLD`.

How it works, the libraries it uses and its limits: ``docs/name-matching.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from defector.traces.matching import attributes
from defector.traces.matching.analysis import analyse
from defector.traces.matching.keys import analysis_keys
from defector.traces.matching.scoring import compare_names

__all__ = [
    "THRESHOLD",
    "Identity",
    "Score",
    "blocking_keys",
    "identity_keys",
    "rank",
    "score",
]

#: A hit scoring below this is not reported.
THRESHOLD: Final = 0.7


@dataclass(frozen=True)
class Identity:
    """What is known of a person to trace or of a candidate: the main name first, then the
    aliases; a date of birth as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; a country code."""

    names: tuple[str, ...]
    dob: str | None = None
    nationality: str | None = None


@dataclass(frozen=True)
class Score:
    """How well a candidate matches: a score in [0, 1], the candidate's name that scored best,
    and the reasons, short human-readable strings (never empty)."""

    score: float
    matched: str
    reasons: tuple[str, ...]


def blocking_keys(name: str) -> frozenset[str]:
    """The normalised and phonetic keys of a name under which it is indexed; two names that
    may be the same person share at least one key."""
    return analysis_keys(analyse(name))


def identity_keys(identity: Identity) -> frozenset[str]:
    """The blocking keys of every name of an identity."""
    keys: set[str] = set()
    for name in identity.names:
        keys.update(blocking_keys(name))
    return frozenset(keys)


def score(query: Identity, candidate: Identity) -> Score:
    """Score ``candidate`` against ``query``: the best pair of their names, then raised or
    lowered by the date of birth and the nationality."""
    best_value = -1.0
    best_name = candidate.names[0] if candidate.names else ""
    best_reasons: tuple[str, ...] = ()
    for wanted in query.names:
        mine = analyse(wanted)
        for name in candidate.names:
            found = compare_names(mine, analyse(name))
            if found.value > best_value:
                best_value, best_name, best_reasons = found.value, name, found.reasons
    value = max(best_value, 0.0)
    reasons = list(best_reasons)
    if value >= 0.999 and not reasons:
        reasons.append("same name")
    elif not reasons:
        reasons.append("no name in common")
    value, said = attributes.date_of_birth(value, query.dob, candidate.dob)
    if said:
        reasons.append(said)
    value, said = attributes.nationality(value, query.nationality, candidate.nationality)
    if said:
        reasons.append(said)
    return Score(round(min(max(value, 0.0), 1.0), 4), best_name, tuple(reasons))


def rank(
    query: Identity,
    candidates: Iterable[Identity],
    limit: int | None = 10,
    threshold: float = THRESHOLD,
) -> list[tuple[int, Score]]:
    """Score every candidate and return ``(position, score)`` of the best, highest first,
    only those at or above ``threshold``, at most ``limit`` of them."""
    scored = [
        (position, found)
        for position, candidate in enumerate(candidates)
        if (found := score(query, candidate)).score >= threshold
    ]
    scored.sort(key=lambda item: (-item[1].score, item[0]))
    return scored if limit is None else scored[:limit]


def names_of(identities: Sequence[Identity]) -> list[str]:
    """Every name of the identities, in order (for building an index)."""
    return [name for identity in identities for name in identity.names]
