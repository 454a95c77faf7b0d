"""Free text never names the subject (``6b(1)``): the pure normaliser and matcher.

Rows are (names, text, whether the text names the subject).
"""

from __future__ import annotations

import pytest

from defector.policy.gates import free_text

NAME = "Ivan Sergeyevich Petrov"

NORMALISE_ROWS = {
    "case is folded": ("PETROV", "petrov"),
    "diacritics are stripped": ("Pétröv", "petrov"),
    "compatibility forms are folded (full-width letters)": ("ＰＥＴＲＯＶ", "petrov"),
    "runs of spaces collapse to one": ("Ivan   \t Petrov", "ivan petrov"),
    "punctuation separates words": ("Petrov,Ivan!", "petrov ivan"),
    "hyphens and apostrophes separate words": ("Smith-O'Neil", "smith o neil"),
    "the sharp s folds to ss": ("Straße", "strasse"),
    "cyrillic is kept and folded": ("ИВАН Петров", "иван петров"),
    "the short i loses its breve as the name does": ("Андрей", "андреи"),
    "nothing but punctuation is empty": (" -- , ", ""),
}


@pytest.mark.parametrize(("text", "expected"), NORMALISE_ROWS.values(), ids=NORMALISE_ROWS)
def test_normalise(text: str, expected: str) -> None:
    assert free_text.normalise(text) == expected


MATCH_ROWS = {
    "the whole name is found": ((NAME,), "Met Ivan Sergeyevich Petrov today.", True),
    "the whole name in another case is found": ((NAME,), "met IVAN SERGEYEVICH PETROV", True),
    "the surname alone is found": ((NAME,), "Petrov came again.", True),
    "the given name alone is found": ((NAME,), "ivan was nervous", True),
    "the name with diacritics added is found": ((NAME,), "Pétrov was calm", True),
    "the name with diacritics stripped is found": (("José Núñez",), "jose nunez said", True),
    "the name with extra spaces is found": ((NAME,), "Ivan     Petrov said", True),
    "the name split by punctuation is found": ((NAME,), "PETROV,IVAN", True),
    "a full-width name is found": ((NAME,), "ＰＥＴＲＯＶ", True),
    "a cyrillic name is found in another case": (("Иван Петров",), "пришёл ПЕТРОВ", True),
    "an alias on its own line is found": ((NAME, "Vanya\nThe Fox"), "vanya called", True),
    "a two-word alias is found whole": ((NAME, "The Fox"), "the fox called", True),
    "an alias after a semicolon is found": (("Vanya; Ivanushka",), "Ivanushka", True),
    "a name inside a longer word is not found": ((NAME,), "Petrovsky Prospekt", False),
    "a name part inside a word is not found": ((NAME,), "Ivanhoe was read", False),
    "a short name part alone is not looked for": (("Li Bo",), "li is a word here", False),
    "a short name is found whole": (("Li Bo",), "saw li bo", True),
    "a name particle alone is not looked for": (("Ludwig van Beethoven",), "a van", False),
    "a cryptonym is accepted": ((NAME,), "AEBOXER reported on time.", False),
    "no names find nothing": ((), "Petrov", False),
    "empty names find nothing": (("", " \n "), "anything", False),
}


@pytest.mark.parametrize(("names", "text", "found"), MATCH_ROWS.values(), ids=MATCH_ROWS)
def test_names_in(names: tuple[str, ...], text: str, found: bool) -> None:
    assert free_text.names_in(text, free_text.name_terms(names)) is found


def test_a_text_naming_the_subject_is_refused_citing_6b1_without_quoting_the_name() -> None:
    decision = free_text.check_free_text("Petrov came", [NAME])
    assert not decision.allowed
    assert decision.clauses == ("6b(1)",)
    assert "petrov" not in decision.reason.casefold()


def test_a_text_without_a_name_is_allowed_citing_6b1() -> None:
    decision = free_text.check_free_text("AEBOXER came", [NAME])
    assert decision.allowed
    assert decision.clauses == ("6b(1)",)
