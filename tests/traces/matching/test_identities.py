"""What a date of birth and a nationality do to a name's score, and the shape of the
matcher's answers (scores in [0, 1], the matched name, reasons never empty)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from defector.traces import matching
from defector.traces.matching import THRESHOLD, Identity, blocking_keys, identity_keys, rank, score

NOSENKO = ("Юрий Иванович Носенко", "Yuri Nosenko")


@pytest.mark.parametrize(
    ("query_dob", "candidate_dob", "effect", "reason"),
    [
        ("1927-10-30", "1927-10-30", "raises", "date of birth agrees: 1927-10-30"),
        ("1927", "1927-10-30", "raises", "date of birth agrees: 1927-10-30"),
        ("1927-10", "1927-10-30", "raises", "date of birth agrees"),
        ("1927-10-30", "1927-03-02", "lowers", "date of birth differs (same year)"),
        ("1927-10-30", "1928-10-30", "lowers", "date of birth differs by a year"),
        ("1927-10-30", "1951-01-01", "lowers", "date of birth differs: 1951-01-01"),
        (None, "1927-10-30", "keeps", None),
        ("1927-10-30", None, "keeps", None),
    ],
)
def test_a_date_of_birth_raises_or_lowers_the_score(
    query_dob: str | None, candidate_dob: str | None, effect: str, reason: str | None
) -> None:
    plain = score(Identity(("Iurii Nossenko",)), Identity(NOSENKO))
    found = score(Identity(("Iurii Nossenko",), dob=query_dob), Identity(NOSENKO, candidate_dob))
    assert {
        "raises": found.score > plain.score,
        "lowers": found.score < plain.score,
        "keeps": found.score == plain.score,
    }[effect]
    if reason is None:
        assert not any("date of birth" in said for said in found.reasons)
    else:
        assert any(said.startswith(reason) for said in found.reasons), found.reasons


@pytest.mark.parametrize(
    ("query_country", "candidate_country", "effect", "reason"),
    [
        ("SU", "SU", "raises", "nationality agrees: SU"),
        ("RU", "SU", "raises", "nationality compatible: SU ~ RU"),
        ("SU", "UA", "raises", "nationality compatible: UA ~ SU"),
        ("CZ", "CS", "raises", "nationality compatible"),
        ("HR", "YU", "raises", "nationality compatible"),
        ("SU", "CN", "lowers", "nationality differs: CN"),
        (None, "SU", "keeps", None),
    ],
)
def test_a_nationality_raises_or_lowers_the_score(
    query_country: str | None, candidate_country: str | None, effect: str, reason: str | None
) -> None:
    plain = score(Identity(("Yura Nosenko",)), Identity(NOSENKO))
    found = score(
        Identity(("Yura Nosenko",), nationality=query_country),
        Identity(NOSENKO, nationality=candidate_country),
    )
    assert {
        "raises": found.score > plain.score,
        "lowers": found.score < plain.score,
        "keeps": found.score == plain.score,
    }[effect]
    if reason is not None:
        assert any(said.startswith(reason) for said in found.reasons), found.reasons


def test_a_date_of_birth_that_differs_puts_a_namesake_below_the_true_person() -> None:
    query = Identity(("Yuriy Nosenko",), dob="1927-10-30", nationality="SU")
    namesake = Identity(("Юрий Носенко",), dob="1964-05-01", nationality="SU")
    truth = Identity(("Iurii Nossenko",), dob="1927-10-30")
    ranked = rank(query, [namesake, truth], limit=None, threshold=0.0)
    assert [position for position, _ in ranked] == [1, 0]


def test_the_best_name_of_an_identity_is_the_one_reported_as_matched() -> None:
    candidate = Identity(("Aleksei Petrov", "Юрий Носенко", "Yuriy Nosenko"))
    found = score(Identity(("Yuriy Nosenko",)), candidate)
    assert found.matched == "Yuriy Nosenko"
    assert found.score >= THRESHOLD


@pytest.mark.parametrize(
    ("query", "candidate"),
    [
        ("Yuriy Nosenko", "Yuriy Nosenko"),
        ("Yuriy Nosenko", "毛泽东"),
        ("Yuriy Nosenko", ""),
        ("", ""),
        ("!!!", "Yuriy Nosenko"),
        ("Ivan", "Ivan Ivanov"),
    ],
)
def test_every_score_is_in_the_unit_interval_with_reasons(query: str, candidate: str) -> None:
    found = score(Identity((query,)), Identity((candidate,)))
    assert 0.0 <= found.score <= 1.0
    assert found.reasons
    assert all(isinstance(said, str) and said for said in found.reasons)


def test_an_identity_is_keyed_under_every_one_of_its_names() -> None:
    identity = Identity(("Юрий Носенко", "毛泽东"))
    keys = identity_keys(identity)
    assert blocking_keys("Юрий Носенко") <= keys
    assert blocking_keys("毛泽东") <= keys


def test_a_name_of_one_word_still_has_keys() -> None:
    assert blocking_keys("Nosenko") & blocking_keys("Nossenko")


@pytest.mark.parametrize(
    "name",
    ["Yuriy Nosenko", "Юрий Иванович Носенко", "毛泽东", "Jiří Dvořák", "Mao Tse-tung"],
)
def test_a_name_has_few_keys_and_none_is_a_single_common_word(name: str) -> None:
    keys = blocking_keys(name)
    assert 0 < len(keys) <= 60
    assert not any(key.count(">") != 1 for key in keys if key.startswith("n:"))
    assert all(key.startswith(("n:", "z:")) for key in keys)


def test_the_matcher_is_pure_it_imports_neither_django_nor_anything_doing_io() -> None:
    package = Path(matching.__file__).parent
    forbidden = {"django", "os", "io", "pathlib", "socket", "sqlite3", "requests"}
    for module in package.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            assert not roots & forbidden, f"{module.name} imports {roots & forbidden}"
        assert len(module.read_text(encoding="utf-8").splitlines()) <= 500, module.name
