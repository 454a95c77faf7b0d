"""The senior US representative (``7b``, ``7c``) through the actions: the briefing register
with re-briefings due, and guidance issued in versions that members acknowledge."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.committees import actions, queries, signals
from defector.committees.models import BriefedOfficial, Committee
from defector.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied

from .conftest import official_of

pytestmark = pytest.mark.django_db
D = dt.date


def test_the_senior_representative_keeps_the_briefing_register(
    committee: Committee, senior: User, chair: User, officer: User, settings: Any
) -> None:
    settings.DEFECTOR_REBRIEFING_DAYS = 180
    consular = actions.add_to_briefing_register(
        acting_user=senior,
        committee_id=committee.pk,
        official_id=official_of(officer).pk,
        position="consular_officer",
    )
    guard = actions.add_to_briefing_register(
        acting_user=senior,
        committee_id=committee.pk,
        name="Sgt. J. Doyle",
        position="marine_security_guard",
    )
    BriefedOfficial.objects.update(listed_on=D(2026, 1, 5))
    briefing = actions.record_briefing(
        acting_user=senior,
        person_id=guard.pk,
        briefed_on=D(2026, 1, 10),
        briefed_by_id=official_of(chair).pk,
        topics="Receiving a walk-in at the gate.",
        today=D(2026, 1, 12),
    )
    assert briefing.next_due_on == D(2026, 7, 9)
    rows = {row.person.pk: row for row in queries.briefing_register(committee, D(2026, 7, 9))}
    assert rows[consular.pk].check.overdue  # never briefed
    assert not rows[guard.pk].check.overdue
    later = {row.person.pk: row for row in queries.briefing_register(committee, D(2026, 7, 10))}
    assert later[guard.pk].check.overdue
    flags = [
        f.code for f in queries.committee_flags(committee, dt.datetime(2026, 7, 10, tzinfo=dt.UTC))
    ]
    assert "rebriefing_overdue" in flags
    actions.set_register_entry_active(acting_user=senior, person_id=consular.pk, active=False)
    actions.set_register_entry_active(acting_user=senior, person_id=guard.pk, active=False)
    flags = [
        f.code for f in queries.committee_flags(committee, dt.datetime(2026, 7, 10, tzinfo=dt.UTC))
    ]
    assert "rebriefing_overdue" not in flags


def test_the_register_refuses_committee_members_and_bad_input(
    committee: Committee, senior: User, member: User, chair: User
) -> None:
    with pytest.raises(InvalidInput) as refused:
        actions.add_to_briefing_register(
            acting_user=senior,
            committee_id=committee.pk,
            official_id=official_of(member).pk,
            position="attache",
        )
    assert "is on the committee" in refused.value.errors[0]["message"]
    with pytest.raises(InvalidInput) as empty:
        actions.add_to_briefing_register(
            acting_user=senior, committee_id=committee.pk, position="chef"
        )
    assert {e["field"] for e in empty.value.errors} == {"name", "position"}
    with pytest.raises(PermissionDenied) as denied:
        actions.add_to_briefing_register(
            acting_user=chair, committee_id=committee.pk, name="Someone", position="attache"
        )
    assert denied.value.clauses == ("7b",)


def test_a_briefing_cannot_be_in_the_future(
    committee: Committee, senior: User, chair: User
) -> None:
    person = actions.add_to_briefing_register(
        acting_user=senior, committee_id=committee.pk, name="A. Clerk", position="receptionist"
    )
    with pytest.raises(InvalidInput) as refused:
        actions.record_briefing(
            acting_user=senior,
            person_id=person.pk,
            briefed_on=D(2026, 2, 1),
            briefed_by_id=None,
            topics="",
            today=D(2026, 1, 31),
        )
    assert {e["field"] for e in refused.value.errors} == {"briefed_on", "briefed_by_id", "topics"}


def test_guidance_is_issued_in_versions_that_members_acknowledge(
    committee: Committee,
    senior: User,
    chair: User,
    member: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    received: list[dict[str, Any]] = []
    signals.guidance_issued.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="t")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            first = actions.issue_guidance(
                acting_user=senior,
                committee_id=committee.pk,
                title="Publicity",
                body="No statements.",
            )
    finally:
        signals.guidance_issued.disconnect(dispatch_uid="t")
    assert [(r["version"].pk, r["committee"].pk) for r in received] == [(first.pk, committee.pk)]
    actions.acknowledge(acting_user=member, guidance_version_id=first.pk)
    second = actions.issue_guidance(
        acting_user=senior,
        document_id=first.document_id,
        title="Publicity",
        body="Refer to the IDC.",
    )
    assert (second.number, second.document_id) == (2, first.document_id)
    views = queries.guidance_of(member, committee)
    assert [v.latest.pk for v in views] == [second.pk]
    assert {o.pk for o in views[0].status.outstanding} == {
        official_of(chair).pk,
        official_of(member).pk,
    }
    with pytest.raises(Conflict):
        actions.acknowledge(acting_user=member, guidance_version_id=first.pk)
    with pytest.raises(PermissionDenied) as denied:
        actions.issue_guidance(acting_user=chair, committee_id=committee.pk, title="x", body="y")
    assert denied.value.clauses == ("7c",)


def test_another_posts_member_cannot_see_or_acknowledge_guidance(
    committee: Committee, senior: User, bonn_member: User
) -> None:
    version = actions.issue_guidance(
        acting_user=senior, committee_id=committee.pk, title="T", body="B"
    )
    with pytest.raises(NotFound):
        actions.acknowledge(acting_user=bonn_member, guidance_version_id=version.pk)
    assert queries.guidance_of(bonn_member, committee) == []
