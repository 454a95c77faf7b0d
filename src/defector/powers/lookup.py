"""How the powers app names cases without importing the case system above it.

The cases app registers its finder in its ``ready()`` (:func:`register_case_finder`): given
the acting user, the cryptonyms a record names and its free texts, it answers the cases'
ids (by cryptonym) and the field errors (an unknown or hidden cryptonym; a text that names
one of the cases' subjects). Without a finder no case can be named.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from defector.core.users import AnyUser

#: (acting user, cryptonyms, texts by field) → (case id by cryptonym, field errors).
CaseFinder = Callable[
    [AnyUser, Sequence[str], Mapping[str, str]],
    tuple[dict[str, int], list[dict[str, str]]],
]

_FINDERS: list[CaseFinder] = []


def register_case_finder(finder: CaseFinder) -> None:
    """Use ``finder`` to name cases (the last registered wins)."""
    _FINDERS[:] = [finder]


def find_cases(
    user: AnyUser, cryptonyms: Sequence[str], texts: Mapping[str, str]
) -> tuple[dict[str, int], list[dict[str, str]]]:
    if not _FINDERS:
        if cryptonyms:
            return {}, [{"field": "cases", "message": "no case can be named here"}]
        return {}, []
    return _FINDERS[0](user, cryptonyms, texts)
