"""The demo's committee meetings (``6a``): Vienna's committee met this quarter — agenda,
attendance, minutes approved by the chair, forwarded to the IDC and received there — and its
next meeting is scheduled, with the Army's liaison officer invited (``6``) and the agenda drawn
from the post's open cases and problems; Tokyo's met last week and its minutes are in draft.
Through the committees app's own actions; cryptonyms only."""

from __future__ import annotations

import datetime as dt
from typing import Final

from django.contrib.auth.models import User
from django.utils import timezone

from defector.cases.models import Case
from defector.committees import actions as committees
from defector.committees.models import Committee, Meeting
from defector.directory.queries import acting_official
from defector.ops.demo.directory import users

#: Where Vienna's committee meets.
PLACE: Final = "Chancery, secure conference room"
#: The Vienna case discussed at the meeting held (by where it was received).
DISCUSSED: Final = "Side entrance, Boltzmanngasse"
#: The Tokyo case discussed at its meeting.
EXPLOITED: Final = "Embassy gate, Akasaka"


def _at(days: int, hour: int) -> dt.datetime:
    """``days`` from today (negative: ago), on the hour ``hour``."""
    day = timezone.now() + dt.timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def load_meetings() -> None:
    """Vienna's meeting held and its next one, and Tokyo's meeting held (once each post)."""
    people = users(
        "committee.chair",
        "vienna.member",
        "senior.rep",
        "vienna.invited",
        "idc.analyst",
        "tokyo.chair",
        "tokyo.member",
    )
    found = {c.post.code: c for c in Committee.objects.filter(post__code__in=("VIENNA", "TOKYO"))}
    if len(people) < 7 or len(found) < 2:
        return
    if not Meeting.objects.filter(committee=found["VIENNA"]).exists():
        _vienna(found["VIENNA"], people)
    if not Meeting.objects.filter(committee=found["TOKYO"]).exists():
        _tokyo(found["TOKYO"], people)


def _official_id(user: User) -> int:
    """The id of the official ``user`` acts as (every demo account has one)."""
    official = acting_official(user)
    return official.pk if official is not None else 0


def _vienna(committee: Committee, people: dict[str, User]) -> None:
    chair = people["committee.chair"]
    case = Case.objects.filter(post=committee.post, received_where=DISCUSSED).first()
    held = committees.schedule_meeting(
        acting_user=chair,
        committee_id=committee.pk,
        starts_at=_at(-9, 9),
        ends_at=_at(-9, 11),
        place=PLACE,
    )
    if case is not None:
        committees.add_agenda_item(
            acting_user=chair,
            meeting_id=held.pk,
            title=f"Case {case.cryptonym}: bona fides, the statement, and who debriefs",
        )
    committees.add_agenda_item(
        acting_user=chair,
        meeting_id=held.pk,
        title="Local operating procedures: reception at the side entrance (6b(1))",
    )
    committees.mark_meeting_held(acting_user=chair, meeting_id=held.pk)
    committees.record_attendance(
        acting_user=chair,
        meeting_id=held.pk,
        entries={
            _official_id(chair): "present",
            _official_id(people["vienna.member"]): "present",
            _official_id(people["senior.rep"]): "excused",
        },
    )
    about = f"Case {case.cryptonym}" if case is not None else "The Hungarian case"
    committees.save_minutes(
        acting_user=people["vienna.member"],
        meeting_id=held.pk,
        text=(
            "Present: the chair (CIA) and the defense attaché (DOD); the Ambassador excused.\n"
            f"1. {about}: name traces and four debriefings consistent; the statement is "
            "signed and witnessed. CIA and DOD both wish to lead the debriefing on trade "
            "with the Warsaw Pact; the chair will raise it as a mutual problem (6c).\n"
            "2. Procedures: the chair drafts a change so that a walk-in at the side entrance "
            "is received within twelve hours (6b(1)).\n"
            "Next meeting: next quarter."
        ),
    )
    committees.approve_minutes(acting_user=chair, meeting_id=held.pk)
    committees.forward_minutes(acting_user=chair, meeting_id=held.pk)
    committees.acknowledge_minutes_receipt(acting_user=people["idc.analyst"], meeting_id=held.pk)
    upcoming = committees.schedule_meeting(
        acting_user=chair,
        committee_id=committee.pk,
        starts_at=_at(40, 9),
        ends_at=_at(40, 11),
        place=PLACE,
    )
    committees.invite_to_meeting(
        acting_user=chair,
        meeting_id=upcoming.pk,
        official_id=_official_id(people["vienna.invited"]),
    )
    committees.draw_agenda(acting_user=chair, meeting_id=upcoming.pk)


def _tokyo(committee: Committee, people: dict[str, User]) -> None:
    chair = people["tokyo.chair"]
    held = committees.schedule_meeting(
        acting_user=chair,
        committee_id=committee.pk,
        starts_at=_at(-5, 14),
        ends_at=_at(-5, 16),
        place="Ambassador's office",
    )
    case = Case.objects.filter(post=committee.post, received_where=EXPLOITED).first()
    if case is not None:
        committees.add_agenda_item(
            acting_user=chair,
            meeting_id=held.pk,
            title=f"Case {case.cryptonym}: the debriefing plan and resettlement",
        )
    committees.mark_meeting_held(acting_user=chair, meeting_id=held.pk)
    committees.record_attendance(
        acting_user=chair,
        meeting_id=held.pk,
        entries={
            _official_id(chair): "present",
            _official_id(people["tokyo.member"]): "present",
        },
    )
    committees.save_minutes(
        acting_user=people["tokyo.member"],
        meeting_id=held.pk,
        text=(
            "Present: the chair (CIA) and the legal attaché (FBI).\n"
            "The committee reviewed the debriefing plan of the scientist's case against the "
            "DCI's objectives (4a) and the FBI's requirement; resettlement after the "
            "debriefing. Draft: to be approved by the chair and forwarded to the IDC."
        ),
    )
