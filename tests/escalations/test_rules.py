"""The transition table of ``6c`` (``escalations.rules``): plain Python, one row per status and
step, every answer citing ``6c``."""

from __future__ import annotations

import ast
import datetime as dt
import itertools
from pathlib import Path

import pytest

from defector.policy.gates import escalations as rules

R, RR, REF, AW, DSR, DIDC, RL = (
    rules.RAISED,
    rules.REFERRAL_REQUESTED,
    rules.REFERRED,
    rules.AWAITING_SENIOR_REP,
    rules.DECIDED_BY_SENIOR_REP,
    rules.DECIDED_BY_IDC,
    rules.RESOLVED_LOCALLY,
)

#: (status, step) -> the status after it; every pair not listed is refused.
ALLOWED: dict[tuple[str, str], str] = {
    (R, rules.RESOLVE_LOCALLY): RL,
    (R, rules.REQUEST_REFERRAL): RR,
    (R, rules.SUBMIT_TO_SENIOR_REP): AW,
    (RR, rules.TRANSMIT_REFERRAL): REF,
    (RR, rules.NOTE_COMMUNICATION): RR,
    (RR, rules.RESOLVE_LOCALLY): RL,
    (RR, rules.SUBMIT_TO_SENIOR_REP): AW,
    (REF, rules.NOTE_COMMUNICATION): REF,
    (REF, rules.IDC_ACKNOWLEDGE): REF,
    (REF, rules.IDC_DECIDE): DIDC,
    (AW, rules.SENIOR_REP_DECIDE): DSR,
    (DSR, rules.IDC_ACKNOWLEDGE_INFORMATION): DSR,
}

#: How the test ids name a problem in each status.
A_PROBLEM = {
    R: "a raised problem",
    RR: "a problem whose referral is requested",
    REF: "a problem referred to the IDC",
    AW: "a problem awaiting the senior representative",
    DSR: "a problem decided by the senior representative",
    DIDC: "a problem decided by the IDC",
    RL: "a problem resolved locally",
}


def _cell_id(status: str, step: str) -> str:
    after = ALLOWED.get((status, step))
    if after is None:
        return f"{A_PROBLEM[status]} may not be {rules.STEPS[step]}"
    then = "" if after == status else f", and is then {rules.STATUSES[after][:1].lower()}"
    then += rules.STATUSES[after][1:] if after != status else ""
    return f"{A_PROBLEM[status]} may be {rules.STEPS[step]}{then}"


CELLS = [
    pytest.param(status, step, ALLOWED.get((status, step)), id=_cell_id(status, step))
    for status, step in itertools.product(rules.STATUSES, rules.STEPS)
]


@pytest.mark.parametrize(("status", "step", "after"), CELLS)
def test_the_transition_table(status: str, step: str, after: str | None) -> None:
    decision = rules.decide(status, step)
    assert decision.clauses == ("6c",)
    assert decision.reason
    assert decision.allowed == (after is not None)
    if after is None:
        with pytest.raises(ValueError, match="cannot be"):
            rules.next_status(status, step)
    else:
        assert rules.next_status(status, step) == after


def test_the_table_has_exactly_the_rows_the_test_expects() -> None:
    assert {pair: t.to for pair, t in rules.TRANSITIONS.items()} == ALLOWED


def test_a_refusal_says_what_may_be_done_instead() -> None:
    decision = rules.decide(rules.REFERRED, rules.SUBMIT_TO_SENIOR_REP)
    assert not decision.allowed
    assert decision.reason == (
        "a problem that is referred to the IDC cannot be submitted to the senior US "
        "representative; it may now be noted with a member's direct communication with "
        "Washington, acknowledged by the IDC or decided by the IDC"
    )


def test_a_settled_problem_says_nothing_more_is_done_with_it() -> None:
    reason = rules.decide(rules.RESOLVED_LOCALLY, rules.REQUEST_REFERRAL).reason
    assert reason.endswith("nothing more is done with it")


@pytest.mark.parametrize(
    ("status", "step"),
    [("lost", rules.RESOLVE_LOCALLY), (rules.RAISED, "forget")],
    ids=["an unknown status is refused citing 6c", "an unknown step is refused citing 6c"],
)
def test_unknown_statuses_and_steps_are_refused(status: str, step: str) -> None:
    decision = rules.decide(status, step)
    assert not decision.allowed
    assert decision.clauses == ("6c",)


def test_every_step_has_someone_to_take_it() -> None:
    assert set(rules.ACTORS) == set(rules.STEPS)
    assert set(rules.ACTORS.values()) <= {
        "member",
        "participant",
        "cia_member",
        "senior_representative",
        "idc",
    }


def test_only_the_cia_member_transmits_and_only_the_idc_decides_a_referral() -> None:
    assert rules.ACTORS[rules.TRANSMIT_REFERRAL] == "cia_member"
    assert rules.ACTORS[rules.IDC_DECIDE] == "idc"
    assert rules.ACTORS[rules.SENIOR_REP_DECIDE] == "senior_representative"


def test_open_and_closed_statuses_split_the_statuses() -> None:
    assert set(rules.STATUSES) == rules.OPEN_STATUSES | rules.CLOSED_STATUSES
    assert not rules.OPEN_STATUSES & rules.CLOSED_STATUSES
    assert {DSR, DIDC, RL} == rules.CLOSED_STATUSES


TODAY = dt.date(2026, 11, 30)


@pytest.mark.parametrize(
    ("status", "due", "overdue"),
    [
        (R, dt.date(2026, 11, 29), True),
        (R, TODAY, False),
        (REF, dt.date(2026, 11, 1), True),
        (RL, dt.date(2026, 11, 1), False),
        (R, None, False),
    ],
    ids=[
        "an open problem due yesterday is overdue",
        "an open problem due today is not overdue yet",
        "a referred problem past its due date is overdue at the post",
        "a settled problem is never overdue",
        "a problem without a due date is never overdue",
    ],
)
def test_overdue_at_the_post(status: str, due: dt.date | None, overdue: bool) -> None:
    assert rules.is_overdue(status, due, TODAY) is overdue


@pytest.mark.parametrize(
    ("status", "referral_acknowledged", "information_acknowledged", "idc"),
    [
        (R, False, False, rules.IDC_NOT_INVOLVED),
        (RR, False, False, rules.IDC_NOT_INVOLVED),
        (AW, False, False, rules.IDC_NOT_INVOLVED),
        (REF, False, False, rules.IDC_TO_ACKNOWLEDGE),
        (REF, True, False, rules.IDC_TO_DECIDE),
        (DIDC, True, False, rules.IDC_DECIDED),
        (DSR, False, False, rules.IDC_INFORMATION_TO_ACKNOWLEDGE),
        (DSR, False, True, rules.IDC_INFORMED),
        (RL, False, False, rules.IDC_NOT_INVOLVED),
    ],
    ids=[
        "a raised problem is not before the IDC",
        "a referral not yet transmitted is not before the IDC",
        "a problem awaiting the senior representative is not before the IDC yet",
        "a transmitted referral waits for the IDC's acknowledgement",
        "an acknowledged referral waits for the IDC's decision",
        "a decided referral is decided for the IDC too",
        "a senior representative's decision waits for the IDC's acknowledgement",
        "an acknowledged information copy leaves the IDC informed",
        "a problem resolved locally never reaches the IDC",
    ],
)
def test_where_the_problem_stands_for_the_idc(
    status: str, referral_acknowledged: bool, information_acknowledged: bool, idc: str
) -> None:
    found = rules.idc_status(
        status,
        referral_acknowledged=referral_acknowledged,
        information_acknowledged=information_acknowledged,
    )
    assert found == idc
    assert rules.idc_is_waiting(found) == (
        idc in {rules.IDC_TO_ACKNOWLEDGE, rules.IDC_TO_DECIDE, rules.IDC_INFORMATION_TO_ACKNOWLEDGE}
    )


def test_the_statuses_are_the_models_choices() -> None:
    from defector.escalations.choices import ProblemStatus

    assert dict(ProblemStatus.choices) == rules.STATUSES


def test_the_rules_module_imports_no_framework() -> None:
    tree = ast.parse(Path(rules.__file__).read_text(encoding="utf-8"))
    imported = {
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert all(
        name == "__future__"
        or name.split(".")[0] in {"datetime", "dataclasses", "typing"}
        or name.startswith("defector.policy")
        for name in imported
    ), imported
