"""The rules of the status reports to the IDC (``6d``), as tables: who drafts, regenerates,
sends (the chair, four eyes, the case as it stands) and acknowledges (the IDC)."""

from __future__ import annotations

import pytest

from defector.policy.gates import reports as gate


@pytest.mark.parametrize(
    ("may_work_case", "case_closed", "allowed"),
    [
        (True, False, True),
        (True, True, False),
        (False, False, False),
        (False, True, False),
    ],
)
def test_a_report_is_drafted_from_an_open_case_by_one_who_works_it(
    may_work_case: bool, case_closed: bool, allowed: bool
) -> None:
    decision = gate.may_draft(may_work_case=may_work_case, case_closed=case_closed)
    assert decision.allowed is allowed
    assert decision.clauses == ("6d",)
    assert decision.reason


@pytest.mark.parametrize(
    ("status", "may_work_case", "allowed"),
    [
        ("drafted", True, True),
        ("drafted", False, False),
        ("sent", True, False),
        ("acknowledged", True, False),
    ],
)
def test_only_a_draft_is_regenerated(status: str, may_work_case: bool, allowed: bool) -> None:
    decision = gate.may_regenerate(status=status, may_work_case=may_work_case)
    assert decision.allowed is allowed
    assert decision.clauses == ("6d",)


@pytest.mark.parametrize(
    ("status", "is_chair", "prepared_it", "contents_current", "allowed", "says"),
    [
        ("drafted", True, False, True, True, "sends"),
        ("drafted", False, False, True, False, "only the committee's chair"),
        ("drafted", True, True, True, False, "four eyes"),
        ("drafted", True, False, False, False, "regenerate"),
        ("sent", True, False, True, False, "sent already"),
        ("acknowledged", True, False, True, False, "sent already"),
    ],
)
def test_the_chair_sends_a_current_draft_prepared_by_another(
    status: str, is_chair: bool, prepared_it: bool, contents_current: bool, allowed: bool, says: str
) -> None:
    decision = gate.may_send(
        status=status,
        is_chair=is_chair,
        prepared_it=prepared_it,
        contents_current=contents_current,
    )
    assert decision.allowed is allowed
    assert decision.clauses == ("6d",)
    assert says in decision.reason


@pytest.mark.parametrize(
    ("status", "is_idc", "allowed"),
    [
        ("sent", True, True),
        ("sent", False, False),
        ("drafted", True, False),
        ("acknowledged", True, False),
    ],
)
def test_a_member_of_the_idc_acknowledges_a_sent_report_once(
    status: str, is_idc: bool, allowed: bool
) -> None:
    decision = gate.may_acknowledge(status=status, is_idc=is_idc)
    assert decision.allowed is allowed
    assert decision.clauses == ("6d",)
