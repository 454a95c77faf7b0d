"""Bona fides (6b(3)(b)): a checklist of checks, each completed once with its result; a clock
from the reception against the post's target; a verdict that cites completed checks — never
"established" on an inconsistent one — and discharges the obligation; a new verdict
supersedes the old, which is kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases import actions
from defector.cases import actions as actions_handling
from defector.cases import queries as queries_handling
from defector.cases.models import (
    BonaFidesCheck,
    BonaFidesVerdict,
    Case,
    Obligation,
    TimelineEntry,
)
from defector.cases.queries import CitedCheck, verdict_rule
from defector.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, PolicyRefusal
from defector.core.models import AuditEvent
from defector.directory.models import Official

pytestmark = pytest.mark.django_db

RECEIVED = dt.datetime(2026, 3, 2, 8, 30, tzinfo=dt.UTC)
AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


# --- the rule, as a table -----------------------------------------------------------------------

OK, BAD, UNSURE, WAIT = "consistent", "inconsistent", "inconclusive", "pending"


@pytest.mark.parametrize(
    ("verdict", "results", "allowed", "because"),
    [
        ("established", [OK], True, "established on 1 completed check"),
        ("established", [OK, OK, UNSURE], True, "established on 3 completed checks"),
        ("established", [OK, BAD], False, "found inconsistencies: check 2"),
        ("established", [BAD], False, "found inconsistencies: check 1"),
        ("established", [OK, WAIT], False, "still pending: check 2"),
        ("established", [], False, "at least one completed check"),
        ("doubtful", [OK, BAD], True, "doubtful on 2 completed checks"),
        ("doubtful", [UNSURE], True, "doubtful on 1 completed check"),
        ("doubtful", [WAIT], False, "still pending: check 1"),
        ("refuted", [BAD], True, "refuted on 1 completed check"),
        ("refuted", [], False, "at least one completed check"),
        ("granted", [OK], False, "must be one of established, doubtful, refuted"),
    ],
    ids=[
        "established on one consistent check is allowed",
        "established on consistent and inconclusive checks is allowed",
        "established with an inconsistent check among them is refused",
        "established on an inconsistent check alone is refused",
        "no verdict rests on a pending check",
        "no verdict without a check",
        "doubtful may rest on an inconsistent check",
        "doubtful may rest on an inconclusive check",
        "doubtful may not rest on a pending check",
        "refuted may rest on an inconsistent check",
        "refuted needs a check too",
        "an unknown verdict is refused",
    ],
)
def test_the_verdict_rule(verdict: str, results: list[str], allowed: bool, because: str) -> None:
    cited = [CitedCheck(f"check {n}", result) for n, result in enumerate(results, start=1)]
    decision = verdict_rule(verdict, cited)
    assert decision.allowed is allowed
    assert decision.clauses == ("6b(3)(b)",)
    assert because in decision.reason


# --- helpers ------------------------------------------------------------------------------------


@pytest.fixture
def case(open_case: Any, walk_in_facts: dict[str, Any]) -> Case:
    return open_case(facts=walk_in_facts, received_at=RECEIVED, at=AT)


def version(case: Case) -> int:
    case.refresh_from_db()
    return case.version


def official_of(user: User) -> Official:
    return Official.objects.get(user=user)


AddCheck = Callable[..., BonaFidesCheck]


@pytest.fixture
def add_check(case: Case, officer: User) -> AddCheck:
    def add(kind: str = "name_traces", result: str = "consistent", **extra: Any) -> BonaFidesCheck:
        arguments: dict[str, Any] = {
            "acting_user": officer,
            "case_id": case.pk,
            "expected_version": version(case),
            "kind": kind,
            "analyst_id": official_of(officer).pk,
            "result": result,
            "at": AT,
        }
        if result != "pending":
            arguments |= {"checked_on": "2026-03-02", "finding": "Traces match AEBEACON's account."}
        return actions_handling.add_bona_fides_check(**(arguments | extra))

    return add


def verdict(case: Case, user: User, kind: str, checks: list[BonaFidesCheck], **extra: Any) -> Any:
    return actions_handling.record_bona_fides_verdict(
        acting_user=user,
        case_id=case.pk,
        expected_version=version(case),
        verdict=kind,
        check_ids=[check.pk for check in checks],
        rationale="The checks agree with what the person said.",
        **extra,
    )


def obligation(case: Case, identifier: str = "establish_bona_fides") -> Obligation:
    return Obligation.objects.filter(case=case, identifier=identifier).latest("pk")


# --- the checklist ------------------------------------------------------------------------------


def test_a_pending_check_is_added_with_its_analyst_and_audited(
    case: Case, add_check: AddCheck, member: User
) -> None:
    check = add_check("interview_or_polygraph", "pending")
    assert check.result == "pending"
    assert check.completed_at is None
    assert check.analyst == official_of(case.officers.get().user)
    event = AuditEvent.objects.filter(action="cases.bonafidescheck.add").get()
    assert event.cryptonym == case.cryptonym
    line = TimelineEntry.objects.filter(kind="cases.bonafidescheck.add").get()
    assert "interview or polygraph" in line.summary
    assert "(pending)" in line.summary


def test_a_pending_check_gets_its_result_once_and_is_then_final(
    case: Case, add_check: AddCheck, officer: User
) -> None:
    check = add_check("name_traces", "pending")
    done = actions_handling.record_check_result(
        acting_user=officer,
        case_id=case.pk,
        check_id=check.pk,
        expected_version=version(case),
        result="inconclusive",
        checked_on=dt.date(2026, 3, 2),
        finding="Two partial hits; none conclusive.",
        at=AT,
    )
    assert (done.result, done.checked_on, done.completed_at) == (
        "inconclusive",
        dt.date(2026, 3, 2),
        AT,
    )
    with pytest.raises(InvalidInput, match="the check is final"):
        actions_handling.record_check_result(
            acting_user=officer,
            case_id=case.pk,
            check_id=check.pk,
            expected_version=version(case),
            result="consistent",
            checked_on="2026-03-02",
            finding="Second look.",
            at=AT,
        )


def test_a_result_needs_its_date_and_finding_and_nothing_partial_is_saved(
    case: Case, officer: User, counts: Callable[[], tuple[int, ...]]
) -> None:
    before = counts(), BonaFidesCheck.objects.count(), version(case)
    with pytest.raises(InvalidInput) as refused:
        actions_handling.add_bona_fides_check(
            acting_user=officer,
            case_id=case.pk,
            expected_version=version(case),
            kind="palm_reading",
            analyst_id=999_999,
            result="consistent",
            checked_on="2999-01-01",
            finding="",
        )
    fields = {error["field"] for error in refused.value.errors}
    assert fields == {"kind", "analyst_id", "checked_on", "finding"}
    assert (counts(), BonaFidesCheck.objects.count(), version(case)) == before


def test_the_analyst_must_see_the_case(case: Case, officer: User, officer_in_bonn: User) -> None:
    with pytest.raises(InvalidInput, match="may not see this case"):
        actions_handling.add_bona_fides_check(
            acting_user=officer,
            case_id=case.pk,
            expected_version=version(case),
            kind="name_traces",
            analyst_id=official_of(officer_in_bonn).pk,
        )


def test_those_who_may_only_see_the_case_add_no_checks(case: Case, idc: User) -> None:
    with pytest.raises(PermissionDenied):
        actions_handling.add_bona_fides_check(
            acting_user=idc,
            case_id=case.pk,
            expected_version=version(case),
            kind="name_traces",
            analyst_id=official_of(idc).pk,
        )


def test_those_who_may_not_see_the_case_are_told_it_does_not_exist(
    case: Case, officer_in_bonn: User
) -> None:
    with pytest.raises(NotFound):
        actions_handling.add_bona_fides_check(
            acting_user=officer_in_bonn,
            case_id=case.pk,
            expected_version=version(case),
            kind="name_traces",
            analyst_id=official_of(officer_in_bonn).pk,
        )


def test_a_stale_version_is_refused_with_409_and_nothing_saved(
    case: Case, officer: User, add_check: AddCheck
) -> None:
    stale = version(case)
    add_check()
    with pytest.raises(Conflict, match="since you opened it"):
        actions_handling.add_bona_fides_check(
            acting_user=officer,
            case_id=case.pk,
            expected_version=stale,
            kind="liaison_traces",
            analyst_id=official_of(officer).pk,
        )
    assert BonaFidesCheck.objects.count() == 1


# --- verdicts -----------------------------------------------------------------------------------


def test_established_discharges_the_obligation_with_the_verdict_as_evidence(
    case: Case, add_check: AddCheck, officer: User
) -> None:
    assert obligation(case).status == "open"
    checks = [add_check("identity_documents"), add_check("name_traces", "inconclusive")]
    row = verdict(case, officer, "established", checks)
    assert row.number == 1
    assert set(row.checks.all()) == set(checks)
    assert row.basis[0] == {
        "id": checks[0].pk,
        "kind": "identity_documents",
        "result": "consistent",
    }
    done = obligation(case)
    assert done.status == "done"
    assert (done.evidence_label, done.evidence_id) == ("cases.bonafidesverdict", str(row.pk))
    assert "identity documents" in done.evidence
    assert queries_handling.bona_fides_established(case).allowed
    event = AuditEvent.objects.filter(action="cases.bonafidesverdict.record").get()
    assert event.decision == {
        "allowed": True,
        "clauses": ["6b(3)(b)"],
        "reason": "established on 2 completed checks",
    }


def test_established_on_an_inconsistent_check_is_refused_naming_the_clause(
    case: Case, add_check: AddCheck, officer: User
) -> None:
    checks = [add_check("identity_documents"), add_check("debriefing_consistency", "inconsistent")]
    before = version(case)
    with pytest.raises(PolicyRefusal) as refused:
        verdict(case, officer, "established", checks)
    assert refused.value.clauses == ("6b(3)(b)",)
    assert "debriefing consistency" in refused.value.message
    assert BonaFidesVerdict.objects.count() == 0
    assert version(case) == before
    assert obligation(case).status == "open"


def test_a_verdict_on_a_pending_check_or_none_is_refused(
    case: Case, add_check: AddCheck, officer: User
) -> None:
    with pytest.raises(PolicyRefusal, match="still pending"):
        verdict(case, officer, "doubtful", [add_check(result="pending")])
    with pytest.raises(PolicyRefusal, match="at least one completed check"):
        verdict(case, officer, "doubtful", [])


def test_a_verdict_cites_only_checks_of_its_case(
    case: Case, add_check: AddCheck, officer: User, open_case: Any, walk_in_facts: Any
) -> None:
    other = open_case(facts=walk_in_facts)
    theirs = actions_handling.add_bona_fides_check(
        acting_user=officer,
        case_id=other.pk,
        expected_version=version(other),
        kind="name_traces",
        analyst_id=official_of(officer).pk,
        result="consistent",
        checked_on="2026-03-02",
        finding="Fine.",
    )
    with pytest.raises(InvalidInput) as refused:
        verdict(case, officer, "doubtful", [theirs])
    assert refused.value.errors == [
        {"field": "check_ids", "message": f"there is no check {theirs.pk} on this case"}
    ]


def test_a_new_verdict_supersedes_the_old_which_is_kept(
    case: Case, add_check: AddCheck, officer: User, chair: User
) -> None:
    first = verdict(case, officer, "doubtful", [add_check("name_traces", "inconclusive")])
    second = verdict(case, chair, "established", [add_check("liaison_traces")])
    first.refresh_from_db()
    assert first.superseded_at is not None
    assert second.superseded_at is None
    assert second.number == 2
    history = queries_handling.verdicts_of(chair, case)
    assert [v.number for v in history] == [2, 1]
    assert history[0].current
    assert not history[1].current
    assert queries_handling.bona_fides_established(case).allowed


def test_a_later_doubtful_verdict_opens_the_obligation_again(
    case: Case, add_check: AddCheck, officer: User
) -> None:
    verdict(case, officer, "established", [add_check()])
    assert obligation(case).status == "done"
    verdict(case, officer, "doubtful", [add_check("debriefing_consistency", "inconsistent")])
    reopened = obligation(case)
    assert reopened.status == "open"
    assert reopened.due_at == RECEIVED + dt.timedelta(days=30)
    assert Obligation.objects.filter(case=case, identifier="establish_bona_fides").count() == 2
    gate = queries_handling.bona_fides_established(case)
    assert not gate.allowed
    assert gate.reason == "bona fides: verdict 2 is doubtful"
    assert TimelineEntry.objects.filter(summary__startswith="Obligation open again").exists()


def test_the_gate_says_why_bona_fides_is_not_established(case: Case) -> None:
    gate = queries_handling.bona_fides_established(case)
    assert (gate.allowed, gate.clauses, gate.reason) == (
        False,
        ("6b(3)(b)",),
        "bona fides: no verdict yet",
    )


def test_nothing_is_added_to_a_closed_case(case: Case, officer: User, add_check: AddCheck) -> None:
    actions.move_case(
        acting_user=officer,
        case_id=case.pk,
        expected_version=version(case),
        to="closed",
        outcome="withdrew",
    )
    with pytest.raises(InvalidInput, match="the case is closed"):
        add_check()


# --- the clock ----------------------------------------------------------------------------------


def test_the_clock_counts_days_from_the_reception_against_the_post_target(
    case: Case, officer: User
) -> None:
    view = queries_handling.bona_fides_of(
        officer, case, now=RECEIVED + dt.timedelta(days=11, hours=2)
    )
    assert view.clock.text == "day 12 of 30"
    assert view.clock.due_at == RECEIVED + dt.timedelta(days=30)
    assert not view.clock.overdue


def test_the_clock_is_overdue_after_the_target(case: Case, officer: User) -> None:
    clock = queries_handling.bona_fides_of(
        officer, case, now=RECEIVED + dt.timedelta(days=30, minutes=1)
    ).clock
    assert clock.overdue
    assert clock.text == "day 31 of 30 (overdue)"


def test_the_clock_follows_the_post_setting(case: Case, officer: User, settings: Any) -> None:
    settings.DEFECTOR_CASE_CLOCKS = {"establish_bona_fides": {"days": 21}}
    clock = queries_handling.bona_fides_clock(case, now=RECEIVED + dt.timedelta(days=21, hours=1))
    assert (clock.text, clock.overdue, clock.source) == ("day 22 of 21 (overdue)", True, "setting")


def test_an_established_verdict_stops_the_clock(
    case: Case, add_check: AddCheck, officer: User
) -> None:
    check = add_check()
    actions_handling.record_bona_fides_verdict(
        acting_user=officer,
        case_id=case.pk,
        expected_version=version(case),
        verdict="established",
        check_ids=[check.pk],
        rationale="Identity and traces agree.",
        at=RECEIVED + dt.timedelta(days=8, hours=3),
    )
    clock = queries_handling.bona_fides_of(
        officer, case, now=RECEIVED + dt.timedelta(days=40)
    ).clock
    assert clock.text == "established on day 9 of 30"
    assert not clock.overdue


def test_a_check_recorded_by_one_official_is_not_announced_as_done_by_its_analyst(
    case: Case, add_check: AddCheck, officer: User, member: User
) -> None:
    analyst = official_of(member)
    add_check("name_traces", "consistent", analyst_id=analyst.pk)
    pending = add_check("identity_documents", "pending", analyst_id=analyst.pk)
    actions_handling.record_check_result(
        acting_user=officer,
        case_id=case.pk,
        check_id=pending.pk,
        expected_version=version(case),
        result="consistent",
        checked_on="2026-03-02",
        finding="The passport is genuine.",
        at=AT,
    )
    said = list(
        TimelineEntry.objects.filter(case=case, kind__startswith="cases.bonafidescheck")
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    recorder = str(official_of(officer))
    assert said[0].endswith(f"made by {analyst} and recorded by {recorder}: consistent")
    assert said[1].endswith(f"to be made by {analyst} (pending)")
    assert said[2].endswith(f"consistent, recorded by {recorder} for {analyst}")
