"""The rules of priority dissemination (``6b(3)(a)``), as tables: who may issue a threat
report, and which steps of an escalation ladder have fallen due."""

from __future__ import annotations

import datetime as dt

import pytest

from defector.policy.gates import dissemination as gate

FLASH_LADDER = (
    (5, gate.RECIPIENTS),
    (10, gate.COMMITTEE_CHAIR),
    (15, gate.SENIOR_REPRESENTATIVE),
    (20, gate.IDC),
)


@pytest.mark.parametrize(
    ("threat_information", "may_work_case", "allowed"),
    [
        (True, True, True),
        (False, True, False),
        (True, False, False),
        (False, False, False),
    ],
)
def test_a_report_goes_out_from_a_threat_case_worked_by_the_issuer(
    threat_information: bool, may_work_case: bool, allowed: bool
) -> None:
    decision = gate.may_issue(threat_information=threat_information, may_work_case=may_work_case)
    assert decision.allowed is allowed
    assert decision.clauses == ("6b(3)(a)",)
    assert decision.reason


@pytest.mark.parametrize(
    ("elapsed_minutes", "due"),
    [
        (0, ()),
        (4.99, ()),
        (5, (1,)),
        (9, (1,)),
        (10, (1, 2)),
        (15, (1, 2, 3)),
        (20, (1, 2, 3, 4)),
        (600, (1, 2, 3, 4)),
    ],
)
def test_the_steps_due_are_those_whose_minutes_have_passed(
    elapsed_minutes: float, due: tuple[int, ...]
) -> None:
    assert gate.steps_due(FLASH_LADDER, dt.timedelta(minutes=elapsed_minutes)) == due


def test_a_ladder_without_steps_never_climbs() -> None:
    assert gate.steps_due((), dt.timedelta(days=1)) == ()


@pytest.mark.parametrize(
    ("ladder", "problems"),
    [
        (FLASH_LADDER, 0),
        (((5, gate.RECIPIENTS), (5, gate.IDC)), 1),
        (((0, gate.RECIPIENTS),), 1),
        (((5, "the press"),), 1),
    ],
)
def test_a_ladder_rises_and_names_known_targets(
    ladder: tuple[gate.Step, ...], problems: int
) -> None:
    assert len(gate.check_ladder(ladder)) == problems
