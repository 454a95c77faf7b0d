"""Writing notices (``6e``): who is told, only after the change commits, never more than they
may see, by cryptonyms only, with an audit record of who was told what."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from defector.core.errors import InvalidInput
from defector.core.models import AuditEvent
from defector.directory.models import Official
from defector.notifications import actions
from defector.notifications.choices import NoticeKind
from defector.notifications.models import Notice

pytestmark = pytest.mark.django_db


def recipients() -> set[str]:
    return set(Notice.objects.values_list("recipient__user__username", flat=True))


def official(user: User) -> Official:
    return Official.objects.get(user=user)


def test_the_posts_committee_is_told_and_no_one_else(
    world: Any, committee: dict[str, User], officer: User, bonn_member: User
) -> None:
    notices = actions.notify_post_members(
        world.vienna, NoticeKind.CASE, "Case AEFOX at VIENNA: opened.", "/cases/1/"
    )
    assert len(notices) == 4
    # Not the invited representative, the case officer, another post's member or the IDC.
    assert recipients() == {"carl.cia", "sara.state", "chris.chair", "ambassador.vienna"}
    notice = Notice.objects.get(recipient__user=committee["chair"])
    assert notice.kind == "case"
    assert notice.summary == "Case AEFOX at VIENNA: opened."
    assert notice.link == "/cases/1/"
    assert notice.post == world.vienna
    assert notice.read_at is None


def test_the_actor_is_not_told_of_their_own_change(world: Any, committee: dict[str, User]) -> None:
    actions.notify_post_members(
        world.vienna, NoticeKind.CASE, "Case AEFOX: changed.", exclude=official(committee["chair"])
    )
    assert "chris.chair" not in recipients()
    assert len(recipients()) == 3


def test_inactive_accounts_and_administrators_are_not_told(
    world: Any, committee: dict[str, User], make_official: Any
) -> None:
    committee["state_member"].is_active = False
    committee["state_member"].save()
    make_official("admin.member", ("administrator", None), ("committee_member", world.vienna))
    actions.notify_post_members(world.vienna, NoticeKind.CASE, "Case AEFOX: changed.")
    assert recipients() == {"carl.cia", "chris.chair", "ambassador.vienna"}


def test_a_notice_about_a_case_goes_only_to_those_who_may_see_it(
    world: Any, committee: dict[str, User], open_case: Any, make_official: Any
) -> None:
    make_official("top.member", ("committee_member", world.vienna), clearance="TOP SECRET")
    secret = open_case(sensitivity="TOP SECRET")
    actions.notify_post_members(
        world.vienna, NoticeKind.CASE, f"Case {secret.cryptonym}: opened.", about=[secret]
    )
    assert recipients() == {"top.member"}


def test_nobody_is_told_of_a_change_that_was_rolled_back(
    raise_problem: Any, committee: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    def fail_after_the_action() -> None:
        with transaction.atomic():
            raise_problem()
            raise RuntimeError("the request failed after the action")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        fail_after_the_action()
    assert callbacks == []
    assert not Notice.objects.exists()


def test_notices_are_written_only_after_the_commit(
    raise_problem: Any, committee: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        raise_problem()
    assert not Notice.objects.exists()
    for callback in callbacks:
        callback()
    assert Notice.objects.count() == 3


def test_telling_is_recorded_in_the_audit_chain(world: Any, committee: dict[str, User]) -> None:
    actions.notify_post_members(
        world.vienna,
        NoticeKind.PROBLEM,
        "Mutual problem 1 at VIENNA: raised.",
        "/escalations/1/",
        acting_user=committee["state_member"],
        exclude=official(committee["state_member"]),
    )
    [event] = AuditEvent.objects.filter(action="notifications.notice.create")
    assert event.actor_name == "Sara State (sara.state)"
    assert event.after == {
        "kind": "problem",
        "summary": "Mutual problem 1 at VIENNA: raised.",
        "link": "/escalations/1/",
        "post": "VIENNA",
        "recipients": sorted(official(committee[s]).pk for s in ("cia_member", "chair", "senior")),
    }


def test_no_one_to_tell_writes_nothing(world: Any) -> None:
    assert actions.notify_post_members(world.tokyo, NoticeKind.CASE, "Case AEFOX: x.") == []
    assert not AuditEvent.objects.filter(action="notifications.notice.create").exists()


def test_the_idc_is_told_by_notify_idc(idc: User, second_idc: User, committee: Any) -> None:
    actions.notify_idc(NoticeKind.MINUTES, "Minutes of VIENNA forwarded.", post=None)
    assert recipients() == {"idc.member", "other.idc"}


def test_notify_officials_tells_each_once(committee: dict[str, User]) -> None:
    chair = official(committee["chair"])
    actions.notify_officials([chair, chair], NoticeKind.GUIDANCE, "Guidance issued.")
    assert Notice.objects.count() == 1


def test_a_bad_notice_names_every_bad_field(world: Any, committee: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        actions.notify_post_members(world.vienna, "gossip", "  ", "https://elsewhere.example/")
    assert refused.value.errors == [
        {
            "field": "kind",
            "message": "must be one of " + ", ".join(NoticeKind.values),
        },
        {"field": "summary", "message": "is required"},
        {"field": "link", "message": "must be a path of this site, like /cases/1/"},
    ]
    assert not Notice.objects.exists()


def test_a_summary_is_kept_to_one_line(world: Any, committee: Any) -> None:
    actions.notify_post_members(world.vienna, NoticeKind.CASE, "Case AEFOX:\n  opened.\n")
    assert set(Notice.objects.values_list("summary", flat=True)) == {"Case AEFOX: opened."}
