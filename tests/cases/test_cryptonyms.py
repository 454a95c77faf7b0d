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
#: The dozen digraphs of the first list, and the space they made with its 304 words (issue 10).
OLD_DIGRAPHS = ("AE", "BE", "CA", "DI", "GA", "KU", "LI", "MH", "QK", "RY", "ST", "ZR")
OLD_SPACE = 12 * 304
#: Given names, nationalities and peoples, and this program's own terms: none is a cryptonym word.
NOT_WORDS = {
    *[
        "ROBIN",
        "HAZEL",
        "HEATHER",
        "HOLLY",
        "VIOLET",
        "JASPER",
        "ROSE",
        "LILY",
        "DAISY",
        "RUBY",
        "PEARL",
        "JADE",
        "IRIS",
    ],
    *["MARTIN", "TIMOTHY", "PHOEBE", "JASMINE", "CLEMENTINE", "ARCHER"],
    *[
        "RUSSIAN",
        "SOVIET",
        "AMERICAN",
        "GERMAN",
        "FRENCH",
        "POLISH",
        "CHINA",
        "TURKEY",
        "JAPAN",
        "MANDARIN",
        "CHINOOK",
    ],
    *[
        "CASE",
        "SEAL",
        "TOKEN",
        "DATE",
        "REFUGE",
        "SANCTUARY",
        "FRONTIER",
        "CROSSING",
        "COURIER",
        "MOLE",
        "RED",
        "NAVY",
        "BUREAU",
    ],
}


def write_words(tmp_path: Path, *lines: str) -> str:
    path = tmp_path / "words.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_the_embedded_word_list_has_thousands_of_distinct_short_words() -> None:
    words = cryptonyms.words()
    assert 2_500 <= len(words) <= 5_000
    assert len(set(words)) == len(words)
    assert all(re.fullmatch(r"[A-Z]{3,11}", word) for word in words)


def test_the_embedded_digraphs_are_hundreds_of_pairs_of_letters_the_old_dozen_among_them() -> None:
    digraphs = cryptonyms.digraphs()
    assert 500 <= len(digraphs) <= 676
    assert len(set(digraphs)) == len(digraphs)
    assert all(re.fullmatch(r"[A-Z]{2}", digraph) for digraph in digraphs)
    assert set(OLD_DIGRAPHS) <= set(digraphs)


def test_the_embedded_lists_make_well_over_a_million_cryptonyms() -> None:
    assert cryptonyms.space_size() >= 1_000_000
    assert cryptonyms.space_size() > 400 * OLD_SPACE


def test_the_embedded_digraphs_leave_out_doubled_look_alike_offensive_and_loaded_pairs() -> None:
    digraphs = set(cryptonyms.digraphs())
    assert not {letter * 2 for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"} & digraphs
    assert not {"OQ", "QO", "UV", "VU", "IJ", "JI", "MN", "NM"} & digraphs
    assert not {"SS", "SA", "KZ", "NS", "KK", "FU", "WC", "US", "SU", "UN", "OK", "NO"} & digraphs


def test_the_embedded_words_name_no_person_nationality_or_thing_this_program_means_otherwise() -> (
    None
):
    words = set(cryptonyms.words())
    assert not NOT_WORDS & words


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


def test_a_digraph_never_runs_into_its_word_to_spell_something_offensive(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DEFECTOR_CRYPTONYM_WORDS = write_words(tmp_path, "PEACH", "LANTERN")
    settings.DEFECTOR_CRYPTONYM_DIGRAPHS = ["RA", "AE"]
    assert set(cryptonyms.every()) == {"RALANTERN", "AEPEACH", "AELANTERN"}
    assert cryptonyms.space_size() == 3
    picks = iter(["RA", "PEACH", "RA", "LANTERN"])
    monkeypatch.setattr(cryptonyms.secrets, "choice", lambda options: next(picks))
    assert cryptonyms.draw() == "RALANTERN"


def test_the_bad_joins_are_counted_as_every_pair_would_find_them() -> None:
    prefixes, vocabulary = cryptonyms.digraphs(), cryptonyms.words()
    slow = sum(
        1
        for digraph in prefixes[:80]
        for word in vocabulary
        if cryptonyms.joins_badly(digraph, word)
    )
    fast = cryptonyms._bad_pairs(prefixes[:80], vocabulary)
    assert slow == len(fast) > 0
    assert all(cryptonyms.joins_badly(name[:2], name[2:]) for name in fast)


def test_twice_the_old_space_is_drawn_from_the_real_lists_without_a_storm_of_redraws() -> None:
    taken: set[str] = set()
    checks = 0

    def in_use(candidate: str) -> bool:
        nonlocal checks
        checks += 1
        return candidate in taken

    for _ in range(2 * OLD_SPACE):
        taken.add(cryptonyms.unused(in_use, lambda: taken))
    assert len(taken) == 2 * OLD_SPACE
    assert all(SHAPE.fullmatch(name) for name in taken)
    # Each draw is almost always free at once: drawing n of a space of N redraws about
    # n²/2N times (birthday bound; about 15 here), never a storm. The bound is four times
    # that plus ten, which a fair draw exceeds with a probability below 1e-15.
    drawn = 2 * OLD_SPACE
    expected_redraws = drawn * (drawn - 1) / (2 * cryptonyms.space_size())
    assert checks - drawn < 4 * expected_redraws + 10


@pytest.mark.django_db
def test_a_case_opens_when_more_cases_exist_than_the_old_space_could_name(
    open_case: Any,
) -> None:
    from defector.cases.models import Case

    template = open_case()
    fields = [
        field.attname
        for field in Case._meta.concrete_fields
        if not field.primary_key and field.name != "cryptonym"
    ]
    # Every cryptonym the old lists could make (its dozen digraphs × 304 words) is in use.
    old = [digraph + word for digraph in OLD_DIGRAPHS for word in cryptonyms.words()[:304]]
    Case.objects.bulk_create(
        Case(cryptonym=name, **{attname: getattr(template, attname) for attname in fields})
        for name in old
        if name != template.cryptonym
    )
    assert Case.objects.count() >= OLD_SPACE
    opened = {open_case().cryptonym for _ in range(3)}
    assert len(opened) == 3
    assert not opened & set(old)
    assert Case.objects.count() >= OLD_SPACE + 3


def rival_then_real(rival: str, real: Any = None) -> Any:
    """A draw that first returns ``rival`` (as though the check had not seen it: a concurrent
    intake holds it, uncommitted), then draws as usual (``real``: default ``new_cryptonym``)."""
    real = real or cryptonyms.new_cryptonym
    draws = iter([rival])
    return lambda: next(draws, None) or real()


@pytest.mark.django_db
def test_an_intake_whose_cryptonym_another_took_meanwhile_draws_again_and_opens_the_case(
    open_case: Any, counts: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = counts()
    rival = open_case().cryptonym
    middle = counts()
    # The intake's first draw (``draw``, unchecked), then those among the free ones.
    monkeypatch.setattr(cryptonyms, "draw", rival_then_real(rival, cryptonyms.draw))
    monkeypatch.setattr(cryptonyms, "new_cryptonym", rival_then_real(rival))
    case = open_case()
    assert case.cryptonym != rival
    assert [b - m for b, m in zip(counts(), middle, strict=True)] == [
        m - b for m, b in zip(middle, before, strict=True)
    ]


@pytest.mark.django_db
def test_a_clash_found_only_by_the_insert_writes_nothing_and_is_drawn_again(
    open_case: Any, counts: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rival that commits the same cryptonym after the draw's check (on PostgreSQL, while
    this transaction's insert waits for it): the insert writes nothing (``ON CONFLICT …
    DO NOTHING``, whatever this transaction's snapshot shows), and the cryptonym is drawn
    again."""
    from defector.cases.actions import opening

    insert = opening.CASES.write_unless_taken
    clashes = iter([False])

    def racing_insert(ready: Any) -> bool:
        if next(clashes, True):
            return insert(ready)
        return False

    monkeypatch.setattr(opening.CASES, "write_unless_taken", racing_insert)
    before = counts()
    case = open_case()
    assert case.pk is not None
    assert counts()[:2] == (before[0] + 1, before[1] + 1)


@pytest.mark.django_db
def test_an_intake_whose_every_draw_clashes_fails_clearly_and_saves_nothing(
    open_case: Any, counts: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from defector.cases import actions

    rival = open_case().cryptonym
    draws = 0

    def always_rival() -> str:
        nonlocal draws
        draws += 1
        return rival

    monkeypatch.setattr(cryptonyms, "draw", always_rival)
    monkeypatch.setattr(cryptonyms, "new_cryptonym", always_rival)
    before = counts()
    with pytest.raises(cryptonyms.CryptonymsBusy, match="try again") as err:
        open_case()
    assert err.value.status == 503
    assert draws == actions.CRYPTONYM_SAVE_ATTEMPTS
    assert counts() == before


@pytest.mark.django_db
def test_an_integrity_error_not_about_the_cryptonym_is_not_drawn_again(
    open_case: Any, counts: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import IntegrityError

    from defector.cases.actions import opening

    draws = 0
    real = cryptonyms.draw

    def counted() -> str:
        nonlocal draws
        draws += 1
        return real()

    def failing_insert(ready: Any) -> bool:
        raise IntegrityError("NOT NULL constraint failed: cases_case.post_id")

    monkeypatch.setattr(cryptonyms, "draw", counted)  # the intake's first draw
    monkeypatch.setattr(cryptonyms, "new_cryptonym", counted)
    monkeypatch.setattr(opening.CASES, "write_unless_taken", failing_insert)
    before = counts()
    with pytest.raises(IntegrityError):
        open_case()
    assert draws == 1
    assert counts() == before
