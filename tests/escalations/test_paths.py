"""The three paths of ``6c`` through the actions: resolved locally; referred to the IDC through
the post's CIA member, with members' direct communications noted; and, when time does not
permit referral, decided by the senior US representative with the IDC told afterwards."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from defector.core.access import can
from defector.core.errors import InvalidInput, NotFound, PermissionDenied, PolicyRefusal
from defector.core.models import AuditEvent
from defector.escalations import actions, queries
from defector.escalations.models import (
    DirectCommunication,
    Problem,
    Referral,
    Resolution,
    UrgentSubmission,
)
from defector.notifications.models import Notice
from defector.policy.gates import escalations as rules

pytestmark = pytest.mark.django_db


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def told(user: User) -> list[str]:
    """The summaries of the notices ``user`` got, oldest first."""
    return list(
        Notice.objects.filter(recipient__user=user).order_by("pk").values_list("summary", flat=True)
    )


# --- raising ---------------------------------------------------------------------------------


def test_a_member_raises_a_problem_about_cases_of_the_post(
    raise_problem: Any, open_case: Any, world: Any, committee: dict[str, User], committed: Any
) -> None:
    case = open_case()
    Notice.objects.all().delete()  # the opening's own notices
    with committed():
        problem = raise_problem(
            cryptonyms=[case.cryptonym.lower()],
            agencies=["state", "CIA"],
            due_date=timezone.localdate() + dt.timedelta(days=3),
        )
    assert problem.status == rules.RAISED
    assert problem.raised_by.user == committee["state_member"]
    assert [c.cryptonym for c in problem.cases.all()] == [case.cryptonym]
    assert sorted(a.code for a in problem.agencies.all()) == ["CIA", "STATE"]
    assert problem.due_date == timezone.localdate() + dt.timedelta(days=3)
    assert problem.idc_visible_from is None
    [event] = events("escalations.problem.raise")
    assert event.cryptonym == case.cryptonym
    assert event.decision is not None
    assert event.decision["clauses"] == ["6c"]
    assert event.after is not None
    assert event.after["cases"] == [case.cryptonym]
    # The committee is told, by cryptonym; the raiser, the invited representative and the IDC
    # are not.
    expected = f"Mutual problem {problem.pk} at VIENNA ({case.cryptonym}): raised, due "
    for seat in ("cia_member", "chair", "senior"):
        [summary] = told(committee[seat])
        assert summary.startswith(expected)
    for seat in ("state_member", "invited", "idc"):
        assert told(committee[seat]) == []


def test_a_problem_without_a_due_date_is_due_in_fourteen_days(raise_problem: Any) -> None:
    problem = raise_problem()
    assert problem.due_date == timezone.localdate() + dt.timedelta(days=14)


def test_raising_names_every_bad_field_and_saves_nothing(
    raise_problem: Any, world: Any, open_case: Any, make_official: Any
) -> None:
    bonn_case = open_case(
        acting_user=make_official("bonn.officer", ("case_officer", world.bonn)),
        post_id=world.bonn.pk,
    )
    before = (Problem.objects.count(), AuditEvent.objects.count())
    with pytest.raises(InvalidInput) as refused:
        raise_problem(
            title="  ",
            description="x" * 10_001,
            cryptonyms=["AENOSUCH", bonn_case.cryptonym],
            agencies=["NSA"],
            due_date="2001-01-01",
        )
    found = {(e["field"], e["message"]) for e in refused.value.errors}
    assert found == {
        ("title", "is required"),
        ("description", "must be at most 10000 characters"),
        ("cryptonyms", "there is no case AENOSUCH that you may see"),
        ("cryptonyms", f"there is no case {bonn_case.cryptonym} that you may see"),
        ("agencies", "there is no active agency NSA"),
        ("due_date", "is in the past"),
    }
    assert (Problem.objects.count(), AuditEvent.objects.count()) == before


def test_a_case_of_another_post_is_refused_by_name(
    world: Any, make_official: Any, open_case: Any, raise_problem: Any
) -> None:
    both = make_official(
        "two.posts",
        ("committee_member", world.vienna),
        ("committee_member", world.bonn),
        ("case_officer", world.bonn),
    )
    bonn_case = open_case(acting_user=both, post_id=world.bonn.pk)
    with pytest.raises(InvalidInput) as refused:
        raise_problem(acting_user=both, cryptonyms=[bonn_case.cryptonym])
    assert refused.value.errors == [
        {
            "field": "cryptonyms",
            "message": f"{bonn_case.cryptonym} is a case of BONN, not of VIENNA",
        }
    ]


def test_a_case_above_the_raisers_clearance_is_one_they_cannot_name(
    open_case: Any, raise_problem: Any
) -> None:
    secret = open_case(sensitivity="TOP SECRET")
    with pytest.raises(InvalidInput) as refused:
        raise_problem(cryptonyms=[secret.cryptonym])
    assert (
        refused.value.errors[0]["message"]
        == f"there is no case {secret.cryptonym} that you may see"
    )


@pytest.mark.parametrize("seat", ["officer", "idc", "auditor", "administrator", "bonn_member"])
def test_only_the_posts_committee_and_invited_representatives_raise_problems_there(
    seat: str, request: pytest.FixtureRequest, raise_problem: Any, world: Any
) -> None:
    user = request.getfixturevalue(seat)
    with pytest.raises((PermissionDenied, InvalidInput)) as refused:
        raise_problem(acting_user=user)
    if isinstance(refused.value, PermissionDenied):
        assert refused.value.clauses == ("6c",)
    else:
        assert refused.value.errors == [
            {"field": "post_id", "message": "is not a post where you may raise a problem"}
        ]


def test_an_invited_representative_raises_and_follows_only_their_own_problem(
    raise_problem: Any, invited: User, state_member: User
) -> None:
    theirs = raise_problem(acting_user=invited, title="Escort for the transfer")
    others = raise_problem()
    assert list(queries.problems_for(invited)) == [theirs]
    assert can(state_member, "view", theirs)
    assert not can(invited, "view", others)
    # They note their direct communications, but the committee's steps are the members'.
    with pytest.raises(PermissionDenied) as refused:
        actions.resolve_locally(acting_user=invited, problem_id=theirs.pk, text="Settled.")
    assert refused.value.clauses == ("6c",)


# --- (a) resolved locally ----------------------------------------------------------------------


def test_a_problem_resolved_locally_keeps_its_resolution_record(
    raise_problem: Any, chair: User, committee: dict[str, User], committed: Any
) -> None:
    problem = raise_problem()
    with committed():
        actions.resolve_locally(
            acting_user=chair, problem_id=problem.pk, text="  The CIA houses him; State escorts. "
        )
    problem.refresh_from_db()
    assert problem.status == rules.RESOLVED_LOCALLY
    assert problem.closed_at is not None
    resolution = Resolution.objects.get(problem=problem)
    assert resolution.text == "The CIA houses him; State escorts."
    assert resolution.decided_by.user == chair
    [event] = events("escalations.problem.resolve")
    assert event.before is not None
    assert event.before["status"] == "raised"
    assert event.after is not None
    assert event.after["status"] == "resolved_locally"
    assert event.decision == {
        "allowed": True,
        "clauses": ["6c"],
        "reason": "the committee considers and resolves mutual problems locally",
    }
    assert told(committee["state_member"]) == [
        f"Mutual problem {problem.pk} at VIENNA: resolved locally by the committee."
    ]
    assert told(committee["idc"]) == []
    assert list(queries.open_problems_for_post(chair, problem.post)) == []


def test_a_settled_problem_cannot_take_another_path(raise_problem: Any, chair: User) -> None:
    problem = raise_problem()
    actions.resolve_locally(acting_user=chair, problem_id=problem.pk, text="Settled.")
    with pytest.raises(PolicyRefusal) as refused:
        actions.submit_to_senior_representative(
            acting_user=chair, problem_id=problem.pk, reason="Urgent."
        )
    assert refused.value.clauses == ("6c",)
    assert "cannot be submitted to the senior US representative" in refused.value.message
    assert "(6c)" in refused.value.message


# --- (b) referred to the IDC through CIA channels ----------------------------------------------


def test_the_referral_path_through_the_cia_member_to_the_idc(
    raise_problem: Any,
    open_case: Any,
    committee: dict[str, User],
    second_idc: User,
    committed: Any,
) -> None:
    state, cia, idc = committee["state_member"], committee["cia_member"], committee["idc"]
    case = open_case()
    problem = raise_problem(cryptonyms=[case.cryptonym])

    # Any member requests the referral; the problem is not before the IDC yet.
    due = timezone.localdate() + dt.timedelta(days=5)
    with committed():
        actions.request_referral(
            acting_user=state,
            problem_id=problem.pk,
            summary="Decide who houses the walk-in.",
            decision_due=due,
        )
    problem.refresh_from_db()
    assert problem.status == rules.REFERRAL_REQUESTED
    assert not can(idc, "view", problem)
    with pytest.raises(NotFound):
        actions.idc_acknowledge_referral(acting_user=idc, problem_id=problem.pk)
    assert any("awaiting transmission by the CIA member" in s for s in told(cia))

    # Only the post's CIA member transmits it through CIA channels.
    with pytest.raises(PermissionDenied) as refused:
        actions.transmit_referral(acting_user=state, problem_id=problem.pk)
    assert refused.value.clauses == ("6c",)
    assert "CIA" in refused.value.message

    # Members note their direct communications with their principals in Washington.
    at = timezone.now() - dt.timedelta(minutes=30)
    actions.note_direct_communication(
        acting_user=state, problem_id=problem.pk, summary="Told the Desk at State.", at=at
    )

    with committed():
        actions.transmit_referral(
            acting_user=cia, problem_id=problem.pk, channel_reference="VIEN 4471"
        )
    problem.refresh_from_db()
    referral = Referral.objects.get(problem=problem)
    assert problem.status == rules.REFERRED
    assert referral.routed_by is not None
    assert referral.routed_by.user == cia
    assert referral.transmitted_at is not None
    assert referral.channel_reference == "VIEN 4471"
    assert referral.decision_due == due
    # The IDC sees it at once, and is told.
    assert problem.idc_visible_from == referral.transmitted_at
    assert list(queries.problems_for(idc)) == [problem]
    assert queries.idc_status_of(problem) == rules.IDC_TO_ACKNOWLEDGE
    summary = (
        f"Mutual problem {problem.pk} at VIENNA ({case.cryptonym}): referred to the IDC "
        f"through CIA channels; IDC decision due {due.isoformat()}."
    )
    assert told(idc) == [summary]
    assert told(second_idc) == [summary]

    actions.note_direct_communication(
        acting_user=cia, problem_id=problem.pk, summary="Cabled headquarters."
    )
    notes = list(DirectCommunication.objects.filter(referral=referral).order_by("at"))
    assert [(n.member.user, n.agency.code, n.summary) for n in notes] == [
        (state, "STATE", "Told the Desk at State."),
        (cia, "CIA", "Cabled headquarters."),
    ]
    assert notes[0].at == at

    actions.idc_acknowledge_referral(acting_user=idc, problem_id=problem.pk)
    assert queries.idc_status_of(Problem.objects.get(pk=problem.pk)) == rules.IDC_TO_DECIDE
    with pytest.raises(PolicyRefusal, match="already acknowledged"):
        actions.idc_acknowledge_referral(acting_user=second_idc, problem_id=problem.pk)

    # Only the IDC decides.
    with pytest.raises(PermissionDenied):
        actions.idc_decide(acting_user=committee["senior"], problem_id=problem.pk, decision="No.")
    with committed():
        actions.idc_decide(
            acting_user=second_idc, problem_id=problem.pk, decision="The CIA houses him."
        )
    problem.refresh_from_db()
    referral.refresh_from_db()
    assert problem.status == rules.DECIDED_BY_IDC
    assert problem.closed_at is not None
    assert referral.idc_decision == "The CIA houses him."
    assert referral.idc_decided_by is not None
    assert referral.idc_decided_by.user == second_idc
    assert referral.idc_acknowledged_by is not None
    assert referral.idc_acknowledged_by.user == idc
    assert queries.idc_status_of(Problem.objects.get(pk=problem.pk)) == rules.IDC_DECIDED
    assert (
        told(state)[-1]
        == f"Mutual problem {problem.pk} at VIENNA ({case.cryptonym}): decided by the IDC."
    )

    # Every step is in the audit chain with the table's decision citing 6c.
    for action in (
        "escalations.referral.request",
        "escalations.referral.note_communication",
        "escalations.referral.transmit",
        "escalations.referral.acknowledge",
        "escalations.referral.decide",
    ):
        recorded = events(action)
        assert recorded, action
        assert all(e.decision and e.decision["clauses"] == ["6c"] for e in recorded)
        assert all(e.cryptonym == case.cryptonym for e in recorded)


def test_the_idc_may_decide_without_acknowledging_first(
    raise_problem: Any, cia_member: User, idc: User
) -> None:
    problem = raise_problem()
    actions.request_referral(acting_user=cia_member, problem_id=problem.pk, summary="Decide.")
    actions.transmit_referral(acting_user=cia_member, problem_id=problem.pk)
    actions.idc_decide(acting_user=idc, problem_id=problem.pk, decision="Yes.")
    referral = Referral.objects.get(problem=problem)
    assert referral.idc_acknowledged_at == referral.idc_decided_at


def test_a_post_without_a_cia_member_cannot_refer_naming_6c(
    world: Any, tokyo_member: User, tokyo_senior: User, raise_problem: Any
) -> None:
    problem = raise_problem(acting_user=tokyo_member, post_id=world.tokyo.pk)
    count = AuditEvent.objects.count()
    with pytest.raises(PolicyRefusal) as refused:
        actions.request_referral(acting_user=tokyo_member, problem_id=problem.pk, summary="Decide.")
    assert refused.value.clauses == ("6c",)
    assert refused.value.message.startswith(
        "TOKYO has no committee member from the CIA: a referral to the IDC goes through CIA "
        "channels (6c)."
    )
    problem.refresh_from_db()
    assert problem.status == rules.RAISED
    assert AuditEvent.objects.count() == count
    assert not Referral.objects.exists()
    # The other paths remain.
    assert rules.SUBMIT_TO_SENIOR_REP in queries.steps_for(tokyo_member, problem)


def test_a_cia_official_who_is_not_on_the_committee_is_no_cia_channel(
    world: Any, tokyo_member: User, make_official: Any, raise_problem: Any
) -> None:
    make_official("cia.officer", ("case_officer", world.tokyo), agency=world.cia)
    problem = raise_problem(acting_user=tokyo_member, post_id=world.tokyo.pk)
    with pytest.raises(PolicyRefusal):
        actions.request_referral(acting_user=tokyo_member, problem_id=problem.pk, summary="x")


def test_a_referral_request_names_every_bad_field(raise_problem: Any, cia_member: User) -> None:
    problem = raise_problem()
    with pytest.raises(InvalidInput) as refused:
        actions.request_referral(
            acting_user=cia_member, problem_id=problem.pk, summary="", decision_due="soon"
        )
    assert refused.value.errors == [
        {"field": "summary", "message": "is required"},
        {"field": "decision_due", "message": "must be a date as YYYY-MM-DD"},
    ]


def test_a_communication_in_the_future_or_without_a_time_zone_is_refused(
    raise_problem: Any, cia_member: User
) -> None:
    problem = raise_problem()
    actions.request_referral(acting_user=cia_member, problem_id=problem.pk, summary="Decide.")
    for at, message in (
        (timezone.now() + dt.timedelta(hours=2), "is in the future"),
        (dt.datetime(2026, 1, 1, 12, 0), "must have a time zone (an offset such as +00:00)"),  # noqa: DTZ001
    ):
        with pytest.raises(InvalidInput) as refused:
            actions.note_direct_communication(
                acting_user=cia_member, problem_id=problem.pk, summary="Said so.", at=at
            )
        assert refused.value.errors == [{"field": "at", "message": message}]


def test_no_communication_is_noted_without_a_referral(raise_problem: Any, cia_member: User) -> None:
    problem = raise_problem()
    with pytest.raises(PolicyRefusal) as refused:
        actions.note_direct_communication(
            acting_user=cia_member, problem_id=problem.pk, summary="Said so."
        )
    assert refused.value.clauses == ("6c",)


# --- (c) time does not permit referral ------------------------------------------------------


def test_when_time_does_not_permit_the_senior_representative_decides_and_the_idc_is_told(
    raise_problem: Any, committee: dict[str, User], committed: Any
) -> None:
    state, senior, idc = committee["state_member"], committee["senior"], committee["idc"]
    problem = raise_problem()
    with committed():
        actions.submit_to_senior_representative(
            acting_user=state,
            problem_id=problem.pk,
            reason="The walk-in must be moved tonight; a cable would not come back in time.",
        )
    problem.refresh_from_db()
    assert problem.status == rules.AWAITING_SENIOR_REP
    submission = UrgentSubmission.objects.get(problem=problem)
    assert submission.submitted_by.user == state
    assert submission.reason.startswith("The walk-in must be moved tonight")
    assert told(senior)[-1] == (
        f"Mutual problem {problem.pk} at VIENNA: time does not permit referral: submitted to "
        "the senior US representative for decision."
    )
    # The IDC does not see it yet.
    assert not can(idc, "view", problem)

    # Only the senior representative decides.
    with pytest.raises(PermissionDenied) as refused:
        actions.senior_representative_decide(
            acting_user=committee["chair"], problem_id=problem.pk, decision="Move him."
        )
    assert refused.value.clauses == ("6c",)
    with committed():
        actions.senior_representative_decide(
            acting_user=senior, problem_id=problem.pk, decision="Move him to the residence."
        )
    problem.refresh_from_db()
    submission.refresh_from_db()
    assert problem.status == rules.DECIDED_BY_SENIOR_REP
    assert submission.decided_by is not None
    assert submission.decided_by.user == senior
    assert submission.decision == "Move him to the residence."
    # ... and the IDC is told afterwards: it sees the problem and its information copy.
    assert submission.idc_informed_at == submission.decided_at
    assert problem.idc_visible_from == submission.decided_at
    assert can(idc, "view", problem)
    assert queries.idc_status_of(problem) == rules.IDC_INFORMATION_TO_ACKNOWLEDGE
    assert told(idc) == [
        f"Mutual problem {problem.pk} at VIENNA: decided by the senior US representative "
        "(time did not permit referral); information copy sent to the IDC."
    ]
    assert list(queries.problems_for(idc, queries.ProblemFilters(idc_waiting=True))) == [problem]

    actions.idc_acknowledge_information(acting_user=idc, problem_id=problem.pk)
    submission.refresh_from_db()
    assert submission.idc_acknowledged_by is not None
    assert submission.idc_acknowledged_by.user == idc
    assert queries.idc_status_of(Problem.objects.get(pk=problem.pk)) == rules.IDC_INFORMED
    assert list(queries.problems_for(idc, queries.ProblemFilters(idc_waiting=True))) == []
    with pytest.raises(PolicyRefusal, match="already acknowledged"):
        actions.idc_acknowledge_information(acting_user=idc, problem_id=problem.pk)
    # The IDC does not decide what the senior representative decided.
    with pytest.raises(PolicyRefusal):
        actions.idc_decide(acting_user=idc, problem_id=problem.pk, decision="Other.")

    for action in (
        "escalations.problem.submit_to_senior_representative",
        "escalations.urgent.decide",
        "escalations.urgent.acknowledge",
    ):
        [event] = events(action)
        assert event.decision is not None
        assert event.decision["clauses"] == ["6c"]


def test_a_pending_referral_may_still_go_to_the_senior_representative(
    raise_problem: Any, cia_member: User, senior: User
) -> None:
    problem = raise_problem()
    actions.request_referral(acting_user=cia_member, problem_id=problem.pk, summary="Decide.")
    actions.submit_to_senior_representative(
        acting_user=cia_member, problem_id=problem.pk, reason="No time to wait for the cable."
    )
    problem.refresh_from_db()
    assert problem.status == rules.AWAITING_SENIOR_REP


def test_a_referred_problem_cannot_go_to_the_senior_representative(
    raise_problem: Any, cia_member: User, senior: User
) -> None:
    problem = raise_problem()
    actions.request_referral(acting_user=cia_member, problem_id=problem.pk, summary="Decide.")
    actions.transmit_referral(acting_user=cia_member, problem_id=problem.pk)
    with pytest.raises(PolicyRefusal) as refused:
        actions.submit_to_senior_representative(
            acting_user=cia_member, problem_id=problem.pk, reason="Now it is urgent."
        )
    assert refused.value.clauses == ("6c",)


def test_a_post_without_a_senior_representative_cannot_submit(
    world: Any, bonn_member: User, raise_problem: Any
) -> None:
    problem = raise_problem(acting_user=bonn_member, post_id=world.bonn.pk)
    with pytest.raises(PolicyRefusal) as refused:
        actions.submit_to_senior_representative(
            acting_user=bonn_member, problem_id=problem.pk, reason="No time."
        )
    assert refused.value.clauses == ("6c",)
    assert "BONN has no senior US representative" in refused.value.message


def test_time_does_not_permit_needs_its_reason(raise_problem: Any, senior: User) -> None:
    problem = raise_problem()
    with pytest.raises(InvalidInput) as refused:
        actions.submit_to_senior_representative(
            acting_user=senior, problem_id=problem.pk, reason=" "
        )
    assert refused.value.errors == [{"field": "reason", "message": "is required"}]


# --- the agenda's query, and due dates --------------------------------------------------------


def test_open_problems_for_the_post_are_those_still_open_soonest_due_first(
    raise_problem: Any, chair: User, world: Any, bonn_member: User
) -> None:
    today = timezone.localdate()
    later = raise_problem(title="Later", due_date=today + dt.timedelta(days=20))
    sooner = raise_problem(title="Sooner", due_date=today + dt.timedelta(days=2))
    settled = raise_problem(title="Settled")
    actions.resolve_locally(acting_user=chair, problem_id=settled.pk, text="Done.")
    raise_problem(acting_user=bonn_member, post_id=world.bonn.pk, title="Elsewhere")
    assert list(queries.open_problems_for_post(chair, world.vienna)) == [sooner, later]
    assert list(queries.open_problems_for_post(chair, world.vienna.pk)) == [sooner, later]
    assert str(sooner) == f"Sooner (problem {sooner.pk}, VIENNA)"


def test_due_dates_on_both_sides_are_flagged_when_passed(
    raise_problem: Any, cia_member: User, idc: User
) -> None:
    problem = raise_problem()
    actions.request_referral(acting_user=cia_member, problem_id=problem.pk, summary="Decide.")
    actions.transmit_referral(acting_user=cia_member, problem_id=problem.pk)
    past = timezone.localdate() - dt.timedelta(days=1)
    Problem.objects.filter(pk=problem.pk).update(due_date=past)
    Referral.objects.filter(problem=problem).update(decision_due=past)
    view = queries.describe(idc, queries.problem_detail(idc, problem.pk))
    assert view.overdue
    assert view.referral is not None
    assert view.referral.idc_overdue
    [row] = queries.rows(queries.problems_for(idc))
    assert row.overdue
    assert row.idc_overdue


def test_the_steps_offered_follow_the_seat_and_the_status(
    raise_problem: Any, committee: dict[str, User]
) -> None:
    problem = raise_problem()
    assert queries.steps_for(committee["state_member"], problem) == [
        rules.RESOLVE_LOCALLY,
        rules.REQUEST_REFERRAL,
        rules.SUBMIT_TO_SENIOR_REP,
    ]
    actions.request_referral(
        acting_user=committee["state_member"], problem_id=problem.pk, summary="Decide."
    )
    problem.refresh_from_db()
    assert rules.TRANSMIT_REFERRAL in queries.steps_for(committee["cia_member"], problem)
    assert rules.TRANSMIT_REFERRAL not in queries.steps_for(committee["state_member"], problem)
    assert queries.steps_for(committee["invited"], problem) == []


def test_an_invited_representative_is_told_of_their_own_problems_progress(
    raise_problem: Any, invited: User, chair: User, committed: Any
) -> None:
    problem = raise_problem(acting_user=invited)
    with committed():
        actions.resolve_locally(acting_user=chair, problem_id=problem.pk, text="Done.")
    assert told(invited) == [
        f"Mutual problem {problem.pk} at VIENNA: resolved locally by the committee."
    ]
