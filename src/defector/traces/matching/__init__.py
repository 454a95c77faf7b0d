"""Name matching for traces (``6b(3)(b)``): pure functions, no Django and no I/O.

The traces app stores only keyed hashes of :func:`blocking_keys` (the blind index), finds
candidates through them, opens them in memory and ranks them with :func:`score`.

The interface is stable; the implementation here is the plain baseline (every name to ASCII,
then rapidfuzz's WRatio), to be replaced by the full matcher.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from anyascii import anyascii
from rapidfuzz import fuzz

#: A hit scoring below this is not reported.
THRESHOLD: Final = 0.6


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


def _ascii(name: str) -> str:
    return " ".join(anyascii(name).lower().split())


def blocking_keys(name: str) -> frozenset[str]:
    """The normalised and phonetic keys of a name under which it is indexed; two names that
    may be the same person share at least one key."""
    tokens = _ascii(name).split()
    return frozenset(f"t:{token[:3]}" for token in tokens if token)


def score(query: Identity, candidate: Identity) -> Score:
    """Score ``candidate`` against ``query``: the best pair of their names."""
    best = Score(0.0, candidate.names[0] if candidate.names else "", ("no name",))
    for wanted in query.names:
        for name in candidate.names:
            value = fuzz.WRatio(_ascii(wanted), _ascii(name)) / 100
            if value > best.score:
                best = Score(value, name, ("transliterated to ASCII, then compared",))
    return best
