"""Meetings (``6a``) through the actions: scheduling, agenda drawn from the post's open cases,
attendance, minutes drafted, approved by the chair, forwarded to the IDC and acknowledged."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases import actions as case_actions
from defector.committees import actions, queries, signals
from defector.committees.choices import AgendaSource, MeetingStatus, MinutesStatus
from defector.committees.models import Committee, Meeting
from defector.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, PolicyRefusal
from defector.core.models import AuditEvent

from .conftest import Schedule, World, at, official_of

pytestmark = pytest.mark.django_db


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


def test_the_chair_schedules_a_meeting_and_it_is_audited(committee: Committee, chair: User) -> None:
    meeting = actions.schedule_meeting(
        acting_user=chair,
        committee_id=committee.pk,
        starts_at=at(2026, 3, 5, 9),
        ends_at=at(2026, 3, 5, 11),
        place="Chancery, room 4",
    )
    assert meeting.status == MeetingStatus.SCHEDULED
    assert meeting.sequence == 0
    assert meeting.scheduled_by == official_of(chair)
    assert audit_actions()[-1] == "committees.meeting.schedule"


def test_scheduling_names_every_bad_field_and_saves_nothing(
    committee: Committee, chair: User
) -> None:
    with pytest.raises(InvalidInput) as refused:
        actions.schedule_meeting(
            acting_user=chair,
            committee_id=committee.pk,
            starts_at=at(2026, 3, 5, 11),
            ends_at=at(2026, 3, 5, 9),
            place="  ",
        )
    assert {e["field"] for e in refused.value.errors} == {"ends_at", "place"}
    with pytest.raises(InvalidInput) as naive:
        actions.schedule_meeting(
            acting_user=chair,
            committee_id=committee.pk,
            starts_at=dt.datetime(2026, 3, 5, 9),  # noqa: DTZ001
            ends_at=None,
            place="Chancery",
        )
    assert [e["field"] for e in naive.value.errors] == ["starts_at", "ends_at"]
    assert not Meeting.objects.exists()


def test_only_the_chair_schedules(committee: Committee, member: User, senior: User) -> None:
    for user in (member, senior):
        with pytest.raises(PermissionDenied) as refused:
            actions.schedule_meeting(
                acting_user=user,
                committee_id=committee.pk,
                starts_at=at(2026, 3, 5),
                ends_at=at(2026, 3, 5, 12),
                place="Chancery",
            )
        assert refused.value.clauses == ("6a",)


def test_another_posts_member_cannot_find_the_committee(
    committee: Committee, bonn_member: User
) -> None:
    with pytest.raises(NotFound):
        actions.schedule_meeting(
            acting_user=bonn_member,
            committee_id=committee.pk,
            starts_at=at(2026, 3, 5),
            ends_at=at(2026, 3, 5, 12),
            place="Chancery",
        )


def test_rescheduling_and_cancelling_raise_the_sequence(schedule: Schedule, chair: User) -> None:
    meeting = schedule(at(2026, 3, 5))
    moved = actions.reschedule_meeting(
        acting_user=chair,
        meeting_id=meeting.pk,
        starts_at=at(2026, 3, 6),
        ends_at=at(2026, 3, 6, 12),
    )
    assert (moved.sequence, moved.starts_at) == (1, at(2026, 3, 6))
    same = actions.reschedule_meeting(acting_user=chair, meeting_id=meeting.pk, place=moved.place)
    assert same.sequence == 1  # nothing changed, nothing recorded
    cancelled = actions.cancel_meeting(acting_user=chair, meeting_id=meeting.pk, reason="Ill")
    assert (cancelled.status, cancelled.sequence) == (MeetingStatus.CANCELLED, 2)
    with pytest.raises(Conflict):
        actions.reschedule_meeting(acting_user=chair, meeting_id=meeting.pk, place="Elsewhere")
    with pytest.raises(Conflict):
        actions.mark_meeting_held(acting_user=chair, meeting_id=meeting.pk)


def test_a_meeting_cannot_be_held_before_it_starts(schedule: Schedule, chair: User) -> None:
    meeting = schedule(at(2026, 3, 5))
    with pytest.raises(InvalidInput):
        actions.mark_meeting_held(acting_user=chair, meeting_id=meeting.pk, now=at(2026, 3, 4))
    held = actions.mark_meeting_held(
        acting_user=chair, meeting_id=meeting.pk, now=at(2026, 3, 5, 11)
    )
    assert (held.status, held.sequence) == (MeetingStatus.HELD, 1)


def test_the_agenda_is_drawn_from_the_posts_open_cases_by_cryptonym(
    world: World, schedule: Schedule, member: User, officer: User, make_official: Any
) -> None:
    vienna_case = case_actions.open_case(
        acting_user=officer, post_id=world.vienna.pk, sensitivity="SECRET", true_name="Ivan Petrov"
    )
    bonn_officer = make_official("otto.krause", ("case_officer", world.bonn))
    case_actions.open_case(acting_user=bonn_officer, post_id=world.bonn.pk, sensitivity="SECRET")
    meeting = schedule(at(2026, 3, 5))
    added = actions.draw_agenda(acting_user=member, meeting_id=meeting.pk)
    assert [(item.source, item.title, item.case_id) for item in added] == [
        (AgendaSource.CASE, f"Case {vienna_case.cryptonym}", vienna_case.pk)
    ]
    assert "Petrov" not in added[0].title
    assert actions.draw_agenda(acting_user=member, meeting_id=meeting.pk) == []  # no repeats
    other = actions.add_agenda_item(
        acting_user=member, meeting_id=meeting.pk, title="Review of the walk-in drill"
    )
    assert other.position == 2
    actions.remove_agenda_item(acting_user=member, item_id=other.pk)
    assert [item.title for item in meeting.agenda_items.all()] == [f"Case {vienna_case.cryptonym}"]


def test_a_case_above_a_members_clearance_stays_off_their_view_of_the_agenda(
    world: World, schedule: Schedule, chair: User, make_official: Any
) -> None:
    cleared_officer = make_official(
        "top.officer", ("case_officer", world.vienna), clearance="TOP SECRET"
    )
    secret_member = make_official("low.member", ("committee_member", world.vienna))
    case_actions.open_case(
        acting_user=cleared_officer, post_id=world.vienna.pk, sensitivity="TOP SECRET"
    )
    top_chair = make_official(
        "top.chair", ("committee_chair", world.vienna), clearance="TOP SECRET"
    )
    meeting = schedule(at(2026, 3, 5))
    assert len(actions.draw_agenda(acting_user=top_chair, meeting_id=meeting.pk)) == 1
    assert queries.describe_meeting(secret_member, meeting).agenda == []
    assert len(queries.describe_meeting(top_chair, meeting).agenda) == 1
    # The SECRET chair drew nothing: they cannot see the case either.
    assert actions.draw_agenda(acting_user=chair, meeting_id=meeting.pk) == []


def test_attendance_is_recorded_for_members_senior_and_the_invited(
    schedule: Schedule, chair: User, member: User, senior: User, invited: User, idc: User
) -> None:
    meeting = schedule(at(2026, 3, 5))
    actions.invite_to_meeting(
        acting_user=chair, meeting_id=meeting.pk, official_id=official_of(invited).pk
    )
    with pytest.raises(Conflict):
        actions.record_attendance(
            acting_user=chair, meeting_id=meeting.pk, entries={official_of(member).pk: "present"}
        )
    actions.mark_meeting_held(acting_user=chair, meeting_id=meeting.pk, now=at(2026, 3, 5, 12))
    rows = actions.record_attendance(
        acting_user=chair,
        meeting_id=meeting.pk,
        entries={
            official_of(chair).pk: "present",
            official_of(member).pk: "excused",
            official_of(senior).pk: "absent",
            official_of(invited).pk: "present",
        },
    )
    assert len(rows) == 4
    with pytest.raises(InvalidInput) as refused:
        actions.record_attendance(
            acting_user=chair,
            meeting_id=meeting.pk,
            entries={official_of(idc).pk: "present", official_of(member).pk: "late"},
        )
    assert len(refused.value.errors) == 2
    view = queries.describe_meeting(chair, meeting)
    assert {row.official.pk: row.status for row in view.attendance}[official_of(member).pk] == (
        "excused"
    )


def test_only_invited_representatives_of_the_post_are_invited(
    schedule: Schedule, chair: User, member: User, invited: User
) -> None:
    meeting = schedule(at(2026, 3, 5))
    with pytest.raises(InvalidInput):
        actions.invite_to_meeting(
            acting_user=chair, meeting_id=meeting.pk, official_id=official_of(member).pk
        )
    actions.invite_to_meeting(
        acting_user=chair, meeting_id=meeting.pk, official_id=official_of(invited).pk
    )
    with pytest.raises(Conflict):
        actions.invite_to_meeting(
            acting_user=chair, meeting_id=meeting.pk, official_id=official_of(invited).pk
        )


def test_minutes_from_draft_to_the_idcs_acknowledgement(
    schedule: Schedule,
    chair: User,
    member: User,
    idc: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    meeting = schedule(at(2026, 3, 5), held=True)
    minutes = actions.save_minutes(
        acting_user=member, meeting_id=meeting.pk, text="AEGLOBE: bona fides checks continue."
    )
    assert (minutes.status, minutes.version) == (MinutesStatus.DRAFT, 1)
    minutes = actions.save_minutes(
        acting_user=chair, meeting_id=meeting.pk, text="AEGLOBE: checks continue.", version=1
    )
    assert minutes.version == 2
    with pytest.raises(Conflict):
        actions.save_minutes(acting_user=member, meeting_id=meeting.pk, text="stale", version=1)
    # The IDC sees nothing before the minutes are forwarded.
    assert list(queries.minutes_received(idc)) == []
    with pytest.raises(PermissionDenied):
        actions.approve_minutes(acting_user=member, meeting_id=meeting.pk)
    with pytest.raises(PolicyRefusal) as early:
        actions.forward_minutes(acting_user=chair, meeting_id=meeting.pk)
    assert early.value.clauses == ("6a",)
    approved = actions.approve_minutes(acting_user=chair, meeting_id=meeting.pk)
    assert approved.approved_by == official_of(chair)
    with pytest.raises(Conflict):
        actions.save_minutes(acting_user=chair, meeting_id=meeting.pk, text="changed")

    received: list[dict[str, Any]] = []

    def listen(**kwargs: Any) -> None:
        received.append(kwargs)

    signals.minutes_forwarded.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            forwarded = actions.forward_minutes(acting_user=chair, meeting_id=meeting.pk)
    finally:
        signals.minutes_forwarded.disconnect(listen)
    assert forwarded.status == MinutesStatus.FORWARDED
    assert [(r["minutes"].pk, r["committee"].pk, r["actor"]) for r in received] == [
        (forwarded.pk, meeting.committee_id, chair)
    ]
    assert [m.pk for m in queries.minutes_received(idc)] == [forwarded.pk]

    with pytest.raises(PermissionDenied):
        actions.acknowledge_minutes_receipt(acting_user=chair, meeting_id=meeting.pk)
    acknowledged = actions.acknowledge_minutes_receipt(acting_user=idc, meeting_id=meeting.pk)
    assert acknowledged.receipt_acknowledged_by == official_of(idc)
    assert acknowledged.receipt_acknowledged_at is not None
    with pytest.raises(Conflict, match="already"):
        actions.acknowledge_minutes_receipt(acting_user=idc, meeting_id=meeting.pk)
    recorded = [a for a in audit_actions() if a.startswith("committees.minutes.")]
    assert recorded == [
        "committees.minutes.draft",
        "committees.minutes.edit",
        "committees.minutes.approve",
        "committees.minutes.forward",
        "committees.minutes.acknowledge_receipt",
    ]


def test_minutes_wait_for_a_held_meeting(schedule: Schedule, member: User) -> None:
    meeting = schedule(at(2026, 3, 5))
    with pytest.raises(Conflict):
        actions.save_minutes(acting_user=member, meeting_id=meeting.pk, text="Too early")


def test_a_forwarded_signal_is_not_sent_when_the_transaction_rolls_back(
    schedule: Schedule, chair: User, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import transaction

    meeting = schedule(at(2026, 3, 5), held=True)
    actions.save_minutes(acting_user=chair, meeting_id=meeting.pk, text="AEGLOBE.")
    actions.approve_minutes(acting_user=chair, meeting_id=meeting.pk)
    received: list[Any] = []
    signals.minutes_forwarded.connect(
        lambda **kw: received.append(kw), weak=False, dispatch_uid="t"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            try:
                with transaction.atomic():
                    actions.forward_minutes(acting_user=chair, meeting_id=meeting.pk)
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass
    finally:
        signals.minutes_forwarded.disconnect(dispatch_uid="t")
    assert received == []


#: The chair's work at noon on 15 Jan 2027: a scheduled meeting is "hold it" once it starts.
NOW = at(2027, 1, 15, 12)


@pytest.mark.parametrize(
    ("starts_at", "to_hold"),
    [
        (at(2027, 1, 14), True),  # yesterday, not yet recorded as held
        (at(2027, 1, 15, 9), True),  # this morning
        (at(2027, 1, 15, 12), True),  # this minute
        (at(2027, 1, 15, 15), False),  # this afternoon: not yet
        (at(2027, 1, 16), False),  # tomorrow
        (at(2028, 1, 15), False),  # next year
    ],
)
def test_a_scheduled_meeting_is_work_to_hold_only_once_its_time_has_come(
    schedule: Schedule, chair: User, starts_at: dt.datetime, to_hold: bool
) -> None:
    meeting = schedule(starts_at)
    work = queries.meetings_to_run(chair, now=NOW)
    assert [(w.link, w.clause) for w in work] == (
        [(f"/committees/meetings/{meeting.pk}/", "6a")] if to_hold else []
    )
    if to_hold:
        assert work[0].title.endswith("hold it and record the attendance")
