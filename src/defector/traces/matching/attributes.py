"""What a date of birth and a nationality add to a name's score.

Agreement moves a score part of the way towards 1; disagreement scales it down. Dates are
compared at the precision both have (``1927`` agrees with ``1927-10-30``). Nationalities are
compared through the historical codes the directive uses: a Soviet national (``SU``) may be
recorded as Russian, Ukrainian, Belarusian… today, and likewise ``YU``, ``CS`` and ``DD``.
"""

from __future__ import annotations

from typing import Final

#: Historical codes → the present-day countries that succeeded them.
SUCCESSORS: Final[dict[str, frozenset[str]]] = {
    "SU": frozenset(
        {"RU", "UA", "BY", "MD", "GE", "AM", "AZ", "KZ", "KG", "TJ", "TM", "UZ", "EE", "LV", "LT"}
    ),
    "YU": frozenset({"RS", "HR", "BA", "SI", "MK", "ME", "XK", "CS"}),
    "CS": frozenset({"CZ", "SK"}),
    "DD": frozenset({"DE"}),
}

DOB_AGREES: Final = 0.3
DOB_SAME_YEAR: Final = 0.9
DOB_NEAR_YEAR: Final = 0.85
DOB_DIFFERS: Final = 0.7
NATIONALITY_AGREES: Final = 0.1
NATIONALITY_DIFFERS: Final = 0.9


def _parts(value: str) -> tuple[int, ...] | None:
    try:
        return tuple(int(part) for part in value.strip().split("-") if part)
    except ValueError:
        return None


def date_of_birth(value: float, wanted: str | None, found: str | None) -> tuple[float, str | None]:
    if not wanted or not found:
        return value, None
    mine, theirs = _parts(wanted), _parts(found)
    if not mine or not theirs:
        return value, None
    common = min(len(mine), len(theirs))
    if mine[:common] == theirs[:common]:
        return value + (1 - value) * DOB_AGREES, f"date of birth agrees: {found}"
    if mine[0] == theirs[0]:
        return value * DOB_SAME_YEAR, f"date of birth differs (same year): {found}"
    if abs(mine[0] - theirs[0]) == 1:
        return value * DOB_NEAR_YEAR, f"date of birth differs by a year: {found}"
    return value * DOB_DIFFERS, f"date of birth differs: {found}"


def _related(left: str, right: str) -> bool:
    return right in SUCCESSORS.get(left, frozenset()) or left in SUCCESSORS.get(right, frozenset())


def nationality(value: float, wanted: str | None, found: str | None) -> tuple[float, str | None]:
    if not wanted or not found:
        return value, None
    mine, theirs = wanted.strip().upper(), found.strip().upper()
    if mine == theirs:
        return value + (1 - value) * NATIONALITY_AGREES, f"nationality agrees: {theirs}"
    if _related(mine, theirs):
        return (
            value + (1 - value) * NATIONALITY_AGREES,
            f"nationality compatible: {theirs} ~ {mine}",
        )
    return value * NATIONALITY_DIFFERS, f"nationality differs: {theirs}"
