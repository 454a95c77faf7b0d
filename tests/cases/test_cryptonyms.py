"""Cryptonyms (``6b(1)``): digraph + word, from configurable lists, random, unique."""

from __future__ import annotations

import inspect
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from defector.cases import cryptonyms
from defector.cases.apps import check_cryptonym_lists

SHAPE = re.compile(r"[A-Z]{2}[A-Z]{3,24}")


def write_words(tmp_path: Path, *lines: str) -> str:
    path = tmp_path / "words.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_the_embedded_word_list_has_about_three_hundred_distinct_words() -> None:
    words = cryptonyms.words()
    assert 280 <= len(words) <= 400
    assert len(set(words)) == len(words)
    assert all(re.fullmatch(r"[A-Z]{3,24}", word) for word in words)


def test_the_default_digraphs_are_a_dozen_pairs_of_letters() -> None:
    assert len(cryptonyms.digraphs()) == 12
    assert all(re.fullmatch(r"[A-Z]{2}", digraph) for digraph in cryptonyms.digraphs())


def test_a_cryptonym_is_a_configured_digraph_followed_by_a_configured_word() -> None:
    for _ in range(50):
        name = cryptonyms.draw()
        assert SHAPE.fullmatch(name)
        assert name[:2] in cryptonyms.digraphs()
        assert name[2:] in cryptonyms.words()


def test_a_cryptonym_fits_the_case_column() -> None:
    from defector.cases.models import Case

    longest = max(len(word) for word in cryptonyms.words()) + 2
    assert longest <= (Case._meta.get_field("cryptonym").max_length or 0)


def test_drawing_a_cryptonym_takes_nothing_about_the_person() -> None:
    for function in (cryptonyms.draw, cryptonyms.new_cryptonym):
        assert list(inspect.signature(function).parameters) == []


def test_cryptonyms_are_drawn_with_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    picks = iter(["ZR", "LANTERN"])
    monkeypatch.setattr(cryptonyms.secrets, "choice", lambda options: next(picks))
    assert cryptonyms.draw() == "ZRLANTERN"


def test_drawn_cryptonyms_vary() -> None:
    drawn = {cryptonyms.draw() for _ in range(200)}
    assert len(drawn) > 150


def test_the_word_list_comes_from_the_configured_file(settings: Any, tmp_path: Path) -> None:
    settings.DEFECTOR_CRYPTONYM_WORDS = write_words(
        tmp_path, "# a comment", "", "lantern", "  harbor  ", "LANTERN"
    )
    assert cryptonyms.words() == ("LANTERN", "HARBOR")
    settings.DEFECTOR_CRYPTONYM_DIGRAPHS = "ae, zr"
    assert set(cryptonyms.every()) == {"AELANTERN", "AEHARBOR", "ZRLANTERN", "ZRHARBOR"}
    assert cryptonyms.space_size() == 4


def test_an_edited_word_list_is_read_again(settings: Any, tmp_path: Path) -> None:
    path = write_words(tmp_path, "LANTERN")
    settings.DEFECTOR_CRYPTONYM_WORDS = path
    assert cryptonyms.words() == ("LANTERN",)
    Path(path).write_text("HARBOR\nMEADOW\n", encoding="utf-8")
    stat = os.stat(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert cryptonyms.words() == ("HARBOR", "MEADOW")


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (("LANTERN", "two words"), "line 2"),
        (("LANTERN", "NO"), "3 to 24 letters"),
        (("ÄPFEL",), "3 to 24 letters"),
        (("# only a comment", ""), "holds no cryptonym words"),
    ],
    ids=[
        "a line with two words is refused, naming its line",
        "a word under three letters is refused",
        "a word with letters outside A-Z is refused",
        "a list without words is refused",
    ],
)
def test_a_bad_word_list_fails_clearly(
    settings: Any, tmp_path: Path, lines: tuple[str, ...], message: str
) -> None:
    settings.DEFECTOR_CRYPTONYM_WORDS = write_words(tmp_path, *lines)
    with pytest.raises(ImproperlyConfigured, match=message):
        cryptonyms.words()


def test_a_missing_word_list_fails_clearly(settings: Any, tmp_path: Path) -> None:
    settings.DEFECTOR_CRYPTONYM_WORDS = str(tmp_path / "missing.txt")
    with pytest.raises(ImproperlyConfigured, match="DEFECTOR_CRYPTONYM_WORDS: cannot read"):
        cryptonyms.words()


@pytest.mark.parametrize("digraphs", [["A"], ["AE", "A1"], [], "  "])
def test_bad_digraphs_fail_clearly(settings: Any, digraphs: object) -> None:
    settings.DEFECTOR_CRYPTONYM_DIGRAPHS = digraphs
    with pytest.raises(ImproperlyConfigured, match="DEFECTOR_CRYPTONYM_DIGRAPHS"):
        cryptonyms.digraphs()


def test_the_system_check_reports_a_bad_list(settings: Any, tmp_path: Path) -> None:
    assert check_cryptonym_lists() == []
    settings.DEFECTOR_CRYPTONYM_WORDS = str(tmp_path / "missing.txt")
    settings.DEFECTOR_CRYPTONYM_DIGRAPHS = ["A"]
    problems = check_cryptonym_lists()
    assert [problem.id for problem in problems] == ["cases.E001", "cases.E001"]


def test_a_cryptonym_in_use_is_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    draws = iter(["AELANTERN", "AELANTERN", "ZRHARBOR"])
    monkeypatch.setattr(cryptonyms, "draw", lambda: next(draws))
    taken = {"AELANTERN"}
    assert cryptonyms.unused(taken.__contains__, lambda: taken) == "ZRHARBOR"


def test_a_nearly_full_space_still_finds_the_free_cryptonym(settings: Any, tmp_path: Path) -> None:
    settings.DEFECTOR_CRYPTONYM_WORDS = write_words(tmp_path, *[f"W{c}X" for c in "ABCDEFGHIJ"])
    settings.DEFECTOR_CRYPTONYM_DIGRAPHS = ["AE", "ZR"]
    every = list(cryptonyms.every())
    taken = set(every) - {"ZRWJX"}
    assert cryptonyms.unused(taken.__contains__, lambda: taken) == "ZRWJX"


def test_an_exhausted_space_fails_clearly(settings: Any, tmp_path: Path) -> None:
    settings.DEFECTOR_CRYPTONYM_WORDS = write_words(tmp_path, "LANTERN", "HARBOR")
    settings.DEFECTOR_CRYPTONYM_DIGRAPHS = ["AE"]
    taken = set(cryptonyms.every())
    with pytest.raises(cryptonyms.CryptonymsExhausted, match="all 2 cryptonyms are in use") as err:
        cryptonyms.unused(taken.__contains__, lambda: taken)
    assert "DEFECTOR_CRYPTONYM_WORDS" in err.value.message


@pytest.mark.django_db
def test_new_cryptonyms_avoid_those_of_existing_cases(
    settings: Any, tmp_path: Path, open_case: Any
) -> None:
    settings.DEFECTOR_CRYPTONYM_WORDS = write_words(tmp_path, "LANTERN", "HARBOR", "MEADOW")
    settings.DEFECTOR_CRYPTONYM_DIGRAPHS = ["AE"]
    opened = {open_case().cryptonym for _ in range(3)}
    assert opened == {"AELANTERN", "AEHARBOR", "AEMEADOW"}
    with pytest.raises(cryptonyms.CryptonymsExhausted):
        open_case()


@pytest.mark.django_db
def test_the_same_name_gets_different_cryptonyms_that_do_not_contain_it(
    open_case: Any, identity: dict[str, str]
) -> None:
    first, second = open_case(), open_case()
    assert first.cryptonym != second.cryptonym
    for case in (first, second):
        for part in identity["true_name"].upper().split():
            assert part not in case.cryptonym
