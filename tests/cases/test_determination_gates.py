"""The pure gates of the determinations (``cases.gates``): tables of plain values in, a
decision out that names every missing clause — no database, no Django."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

from defector.policy import Decision
from defector.policy.gates import cases as gates

YES = {
    "2a": Decision.allow("2a", reason="a defector"),
    "6b(3)(b)": Decision.allow("6b(3)(b)", reason="bona fides established"),
    "6b(3)(c)": Decision.allow("6b(3)(c)", reason="statement on file"),
    "7a": Decision.allow("7a", reason="risk determined"),
    "5a(1)": Decision.allow("5a(1)", reason="considered"),
}
NO = {
    "2a": Decision.deny("2a", reason="not a defector"),
    "6b(3)(b)": Decision.deny("6b(3)(b)", reason="bona fides: no verdict yet"),
    "6b(3)(c)": Decision.deny("6b(3)(c)", reason="no signed voluntary statement is on file"),
    "7a": Decision.deny("7a", reason="no 7a determination"),
    "5a(1)": Decision.deny("5a(1)", reason="not considered"),
}
GRANT_CLAUSES = ("2a", "6b(3)(b)", "6b(3)(c)", "7a")


def grant(missing: set[str], risk_level: str = "low") -> Decision:
    def answer(key: str) -> Decision:
        return NO[key] if key in missing else YES[key]

    return gates.grant_gate(
        defector=answer("2a"),
        bona_fides=answer("6b(3)(b)"),
        signed_statement=answer("6b(3)(c)"),
        political_risk=answer("7a"),
        risk_level=risk_level,
    )


MISSING_SETS = [
    set(combination)
    for size in range(len(GRANT_CLAUSES) + 1)
    for combination in itertools.combinations(GRANT_CLAUSES, size)
]


@pytest.mark.parametrize(
    "missing",
    MISSING_SETS,
    ids=[f"missing {', '.join(sorted(m)) or 'nothing'}" for m in MISSING_SETS],
)
def test_the_grant_gate_names_every_missing_clause_and_only_those(missing: set[str]) -> None:
    decision = grant(missing)
    assert decision.allowed is (not missing)
    if missing:
        assert decision.clauses == tuple(key for key in GRANT_CLAUSES if key in missing)
        for key in missing:
            assert NO[key].reason in decision.reason
            assert f"({key})" in decision.reason
    else:
        assert set(GRANT_CLAUSES) <= set(decision.clauses)
        assert "6b(2)" in decision.clauses


def test_a_prohibitive_political_risk_refuses_a_grant_under_7a() -> None:
    decision = grant(set(), risk_level="prohibitive")
    assert not decision.allowed
    assert decision.clauses == ("7a",)
    assert "prohibitive" in decision.reason


def test_a_prohibitive_risk_is_named_once_with_the_other_missing_clauses() -> None:
    decision = grant({"2a"}, risk_level="prohibitive")
    assert decision.clauses == ("2a", "7a")


@pytest.mark.parametrize("level", ["none", "low", "moderate", "high"])
def test_any_level_short_of_prohibitive_lets_a_grant_through(level: str) -> None:
    assert grant(set(), risk_level=level).allowed


@pytest.mark.parametrize(
    ("categories", "allowed"),
    [
        (None, False),
        ([], False),
        (["potential_defector", "walk_in"], False),
        (["defector", "walk_in"], True),
    ],
    ids=[
        "no assessment finds no defector",
        "an assessment with no category finds no defector",
        "a walk-in who is not a defector",
        "an assessment that finds a defector",
    ],
)
def test_finds_defector_reads_the_latest_categories(
    categories: list[str] | None, allowed: bool
) -> None:
    decision = gates.finds_defector(categories)
    assert decision.allowed is allowed
    assert decision.clauses == ("2a",)


PLAN_CASES = [
    # considered, 7a, level, group size, max -> refused clauses
    (True, True, "low", 1, 3, ()),
    (True, True, "low", 3, 3, ()),
    (False, True, "low", 1, 3, ("5a(1)",)),
    (True, False, "", 1, 3, ("7a",)),
    (True, True, "low", 4, 3, ("5a(4)",)),
    (True, True, "prohibitive", 1, 3, ("7a",)),
    (False, False, "", 1, 3, ("5a(1)", "7a")),
    (False, False, "", 40, 3, ("5a(1)", "7a", "5a(4)")),
    (True, True, "high", 2, 1, ("5a(4)",)),
]


@pytest.mark.parametrize(
    ("considered", "determined", "level", "size", "maximum", "refused"),
    PLAN_CASES,
    ids=[
        "considered, determined, one person: allowed",
        "a group at the limit: allowed",
        "recruitment in place not considered: 5a(1)",
        "no 7a determination: 7a",
        "a group over the limit: 5a(4)",
        "inducement determined prohibitive: 7a",
        "neither considered nor determined: 5a(1) and 7a",
        "nothing and a crowd: 5a(1), 7a and 5a(4)",
        "a limit of one refuses a couple: 5a(4)",
    ],
)
def test_the_inducement_plan_gate_names_every_missing_clause(
    considered: bool,
    determined: bool,
    level: str,
    size: int,
    maximum: int,
    refused: tuple[str, ...],
) -> None:
    decision = gates.inducement_plan_gate(
        recruitment=YES["5a(1)"] if considered else NO["5a(1)"],
        political_risk=YES["7a"] if determined else NO["7a"],
        risk_level=level,
        group_size=size,
        max_group_size=maximum,
    )
    assert decision.allowed is (not refused)
    if refused:
        assert decision.clauses == refused
    else:
        assert set(decision.clauses) == {"2b", "5a(1)", "7a", "5a(4)"}


@pytest.mark.parametrize(
    ("conclusion", "allowed", "says"),
    [
        (None, False, "has not been considered"),
        ("recruit_in_place", False, "'recruit in place'"),
        ("neither", False, "'neither'"),
        ("induce_defection", True, "induce defection"),
    ],
    ids=[
        "no consideration recorded",
        "recruitment in place would serve better",
        "neither",
        "induce defection",
    ],
)
def test_only_a_consideration_concluding_to_induce_lets_a_plan_rest_on_it(
    conclusion: str | None, allowed: bool, says: str
) -> None:
    decision = gates.recruitment_considered(conclusion)
    assert decision.allowed is allowed
    assert decision.clauses == ("5a(1)",)
    assert says in decision.reason


def test_the_gates_module_imports_nothing_from_django_or_the_database() -> None:
    source = Path(gates.__file__).read_text(encoding="utf-8")
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    assert not {name for name in imported if name.split(".")[0] == "django"}
    assert not {name for name in imported if name.startswith("defector.") and "policy" not in name}
