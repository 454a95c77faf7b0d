"""Free text never names the subject: a pure matcher of sealed names in unsealed text.

``6b(1)``: walk-ins are received and handled securely, so a subject's true name, aliases and
other identifying data are sealed, and everything unsealed — notes, tasks, reasons, findings,
minutes, agenda items, problems — calls the person by the case's cryptonym. Unsealed text is
read and searched by everyone who sees the case (or the committee, or the problem), so a
name written there would escape the seal. This gate finds one: it normalises both the text
and the names the same way (Unicode NFKC, case folded, diacritics stripped, every run of
punctuation and spacing one space) and looks for each whole name, and each part of a name of
at least :data:`MIN_PART_LENGTH` letters, as whole words — so "Petrov" is found in
"met PETROV, again" and "Pétrov", but not in "Petrovsky Prospekt".

Plain Python: no Django, no I/O. The names come in as plain strings, opened in memory by the
caller; the decision never quotes them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Final

from defector.policy.citations import cite
from defector.policy.decisions import Decision

CLAUSE: Final = cite("6b(1)")
#: The shortest part of a name (in letters) looked for on its own; shorter parts ("Li", "Bo")
#: are looked for only within the whole name, as they would match ordinary words.
MIN_PART_LENGTH: Final = 3
#: Particles of names that are ordinary words on their own and are never looked for alone.
PARTICLES: Final = frozenset(
    {
        "abu",
        "bin",
        "binti",
        "da",
        "das",
        "de",
        "del",
        "della",
        "den",
        "der",
        "des",
        "di",
        "dos",
        "du",
        "el",
        "ibn",
        "la",
        "le",
        "van",
        "von",
    }
)
#: Where a list of names is split into names (aliases are given one a line).
NAME_SEPARATORS: Final = ("\n", ";")


def normalise(text: str) -> str:
    """``text`` compared as names are: NFKC, case folded, without diacritics, its words
    separated by single spaces (every other character is a separator)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFKD", folded)
    words: list[str] = []
    word: list[str] = []
    for char in decomposed:
        if unicodedata.category(char).startswith("M"):
            continue  # a combining mark: the accent of a letter
        if char.isalnum():
            word.append(char)
        elif word:
            words.append("".join(word))
            word = []
    if word:
        words.append("".join(word))
    return unicodedata.normalize("NFC", " ".join(words))


def split_names(value: str) -> list[str]:
    """The names in a sealed value: one a line (or separated by semicolons)."""
    names = [value]
    for separator in NAME_SEPARATORS:
        names = [part for name in names for part in name.split(separator)]
    return [name for name in names if name.strip()]


def name_terms(names: Iterable[str]) -> frozenset[str]:
    """What is looked for: each whole name, and each of its parts of at least
    :data:`MIN_PART_LENGTH` letters that is not a particle, normalised."""
    terms: set[str] = set()
    for value in names:
        for name in split_names(value):
            whole = normalise(name)
            if not whole:
                continue
            terms.add(whole)
            terms.update(
                part
                for part in whole.split(" ")
                if len(part) >= MIN_PART_LENGTH and part not in PARTICLES
            )
    return frozenset(terms)


def names_in(text: str, terms: Iterable[str]) -> bool:
    """Whether ``text`` holds any of ``terms`` (from :func:`name_terms`) as whole words."""
    padded = f" {normalise(text)} "
    return any(f" {term} " in padded for term in terms if term)


def check_free_text(text: str, names: Iterable[str]) -> Decision:
    """Whether ``text`` may be stored unsealed: not when it names a subject (``6b(1)``)."""
    if names_in(text, name_terms(names)):
        return Decision.deny(
            CLAUSE,
            reason=(
                "the text names the subject: the true name and aliases are sealed in the "
                "subject's identity and shown only on reveal; call the person by the cryptonym"
            ),
        )
    return Decision.allow(CLAUSE, reason="the text names no subject of the case")
