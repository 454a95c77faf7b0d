"""Access to committee content (``core.access``: the ``committees.*`` rules), as a table:
who sees which committee, meeting, agenda, attendance, minutes, procedures, register and
guidance, at their own post and at another. Invited representatives see only the meetings
they are invited to; the IDC sees every committee's content but minutes only once forwarded;
administrators and auditors see none of it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Model

from defector.cases.models import Case
from defector.committees.models import (
    Acknowledgement,
    AgendaItem,
    Attendance,
    BriefedOfficial,
    Briefing,
    Committee,
    GuidanceDocument,
    GuidanceVersion,
    Meeting,
    MeetingInvitation,
    Minutes,
    ProceduresVersion,
)
from defector.core import access
from defector.core.errors import NotFound
from defector.directory.models import Agency, Official, Post, RoleAssignment

pytestmark = pytest.mark.django_db

UTC = dt.UTC
VIEW, CHANGE = "view", "change"

#: The seats of the table: (role, held at the own post?) pairs, and whether invited.
SEATS: dict[str, tuple[tuple[str, bool], ...]] = {
    "committee member": (("committee_member", True),),
    "committee chair": (("committee_chair", True),),
    "senior US representative": (("senior_representative", True),),
    "invited representative, invited to meeting A": (("invited_representative", True),),
    "invited representative, not invited": (("invited_representative", True),),
    "case officer": (("case_officer", True),),
    "IDC member (Washington)": (("idc_member", False),),
    "DCI delegate (Washington)": (("dci_delegate", False),),
    "auditor": (("auditor", False),),
    "administrator": (("administrator", False),),
    "administrator who is also committee chair": (
        ("administrator", False),
        ("committee_chair", True),
    ),
    "official with no role": (),
}

#: The rows of each post: A (a meeting the invited representative is invited to, its
#: approved minutes), B (another meeting, draft minutes), C (held, forwarded minutes), and
#: the committee's documents.
OBJECTS = (
    "committee",
    "meeting A",
    "meeting B",
    "meeting C",
    "invitation to A",
    "agenda item of A",
    "agenda item of B",
    "attendance at A",
    "approved minutes of A",
    "draft minutes of B",
    "forwarded minutes of C",
    "procedures",
    "acknowledgement",
    "guidance",
    "guidance version",
    "register entry",
    "briefing",
)
MEETING_A = {
    "committee",
    "meeting A",
    "invitation to A",
    "agenda item of A",
    "attendance at A",
    "approved minutes of A",
}
EVERYTHING = set(OBJECTS)

#: What each seat may view at its own post; nothing at another post (but Washington's).
EXPECTED_VIEW: dict[str, set[str]] = {
    "committee member": EVERYTHING,
    "committee chair": EVERYTHING,
    "senior US representative": EVERYTHING,
    "invited representative, invited to meeting A": MEETING_A,
    "invited representative, not invited": set(),
    "case officer": set(),
    "IDC member (Washington)": EVERYTHING - {"draft minutes of B", "approved minutes of A"},
    "DCI delegate (Washington)": set(),
    "auditor": set(),
    "administrator": set(),
    "administrator who is also committee chair": set(),
    "official with no role": set(),
}
EXPECTED_CHANGE: dict[str, set[str]] = {
    seat: (
        EVERYTHING
        if seat in {"committee member", "committee chair", "senior US representative"}
        else set()
    )
    for seat in SEATS
}


def build_post(code: str, name: str, agency: Agency, author: Official | None) -> dict[str, Model]:
    post = Post.objects.create(code=code, name=name, country="AT", city=name)
    committee = Committee.objects.create(post=post)
    rows: dict[str, Model] = {"committee": committee}
    for letter, day in (("A", 5), ("B", 6), ("C", 7)):
        start = dt.datetime(2026, 3, day, 9, tzinfo=UTC)
        rows[f"meeting {letter}"] = Meeting.objects.create(
            committee=committee,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            place="Chancery",
            status="held",
        )
    now = dt.datetime(2026, 3, 8, tzinfo=UTC)
    rows["invitation to A"] = MeetingInvitation.objects.create(
        meeting=rows["meeting A"], official=author
    )
    rows["attendance at A"] = Attendance.objects.create(
        meeting=rows["meeting A"], official=author, status="present"
    )
    rows["agenda item of A"] = AgendaItem.objects.create(meeting=rows["meeting A"], title="Drill")
    rows["agenda item of B"] = AgendaItem.objects.create(meeting=rows["meeting B"], title="Budget")
    rows["approved minutes of A"] = Minutes.objects.create(
        meeting=rows["meeting A"], text="A", status="approved", approved_at=now
    )
    rows["draft minutes of B"] = Minutes.objects.create(meeting=rows["meeting B"], text="B")
    rows["forwarded minutes of C"] = Minutes.objects.create(
        meeting=rows["meeting C"], text="C", status="forwarded", approved_at=now, forwarded_at=now
    )
    procedures = ProceduresVersion.objects.create(committee=committee, number=1)
    rows["procedures"] = procedures
    document = GuidanceDocument.objects.create(committee=committee)
    rows["guidance"] = document
    assert author is not None
    rows["guidance version"] = GuidanceVersion.objects.create(
        document=document, number=1, title="T", body="B", issued_by=author
    )
    rows["acknowledgement"] = Acknowledgement.objects.create(
        committee=committee,
        kind="guidance",
        guidance_version=rows["guidance version"],
        official=author,
    )
    person = BriefedOfficial.objects.create(
        committee=committee, name="Sgt. Doyle", position="marine_security_guard"
    )
    rows["register entry"] = person
    rows["briefing"] = Briefing.objects.create(
        person=person,
        briefed_on=dt.date(2026, 1, 5),
        briefed_by=author,
        topics="Walk-ins",
        next_due_on=dt.date(2027, 1, 5),
    )
    return rows


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    agency = Agency.objects.create(code="STATE", name="Department of State")
    author_user = get_user_model().objects.create_user(username="author")
    author = Official.objects.create(user=author_user, agency=agency, clearance="SECRET")
    own = build_post("VIENNA", "Embassy Vienna", agency, author)
    other = build_post("TOKYO", "Embassy Tokyo", agency, author)
    return {"agency": agency, "own": own, "other": other}


def make_seat(name: str, world: dict[str, Any]) -> Any:
    roles = SEATS[name]
    user = get_user_model().objects.create_user(
        username=re.sub(r"[^a-z0-9]+", "-", name.lower())[:150]
    )
    own_post = world["own"]["committee"].post
    official = Official.objects.create(
        user=user, agency=world["agency"], post=own_post, clearance="SECRET"
    )
    for role, at_post in roles:
        RoleAssignment.objects.create(
            official=official, role=role, post=own_post if at_post else None
        )
    if name == "invited representative, invited to meeting A":
        for place in ("own", "other"):
            MeetingInvitation.objects.create(meeting=world[place]["meeting A"], official=official)
    return user


@pytest.mark.parametrize("seat", SEATS)
def test_committee_content_access_follows_the_table(seat: str, world: dict[str, Any]) -> None:
    user = make_seat(seat, world)
    washington = seat.endswith("(Washington)")
    for place in ("own", "other"):
        for name in OBJECTS:
            row = world[place][name]
            for action, table in ((VIEW, EXPECTED_VIEW), (CHANGE, EXPECTED_CHANGE)):
                expected = name in table[seat] and (
                    place == "own" or (washington and action == VIEW)
                )
                listed = (
                    access.restrict(user, action, type(row)._default_manager.all())
                    .filter(pk=row.pk)
                    .exists()
                )
                single = access.can(user, action, row)
                assert listed == single == expected, (
                    f"{seat} may {'' if expected else 'not '}{action} the {name} at the {place} "
                    f"post (listed={listed}, single={single})"
                )


def test_every_committees_model_has_a_rule() -> None:
    from django.apps import apps

    labels = {model._meta.label_lower for model in apps.get_app_config("committees").get_models()}
    assert labels <= set(access.RULES), sorted(labels - set(access.RULES))


def test_an_agenda_item_naming_a_case_follows_the_cases_clearance(world: dict[str, Any]) -> None:
    member = make_seat("committee member", world)
    committee = world["own"]["committee"]
    meeting = world["own"]["meeting A"]
    secret = Case.objects.create(cryptonym="AESECRET", post=committee.post, sensitivity="SECRET")
    top = Case.objects.create(cryptonym="AETOP", post=committee.post, sensitivity="TOP SECRET")
    seen = AgendaItem.objects.create(meeting=meeting, title="Case AESECRET", case=secret)
    hidden = AgendaItem.objects.create(meeting=meeting, title="Case AETOP", case=top)
    visible = set(
        access.restrict(member, VIEW, AgendaItem.objects.filter(meeting=meeting)).values_list(
            "pk", flat=True
        )
    )
    assert seen.pk in visible
    assert hidden.pk not in visible
    assert world["own"]["agenda item of A"].pk in visible  # an item naming no case


def test_a_denied_meeting_answers_exactly_like_a_missing_one(world: dict[str, Any]) -> None:
    user = make_seat("invited representative, not invited", world)
    meeting = world["own"]["meeting B"]
    with pytest.raises(NotFound) as denied:
        access.get_for(user, VIEW, Meeting.objects.all(), meeting.pk)
    with pytest.raises(NotFound) as missing:
        access.get_for(user, VIEW, Meeting.objects.all(), meeting.pk + 1000)
    assert str(denied.value) == str(missing.value)
