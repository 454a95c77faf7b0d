"""The briefing register (``7b``): who is briefed, and when."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from defector.cases.actions import refuse_names_at_post
from defector.committees import queries
from defector.committees.actions.committees import (
    TEXT_MAX,
    Errors,
    _as_id,
    _error,
    _require_senior,
    _text,
    _visible,
)
from defector.committees.choices import MEMBER_ROLES, BriefingPosition
from defector.committees.models import BriefedOfficial, Briefing, Committee
from defector.core import audit
from defector.core.errors import InvalidInput
from defector.core.users import AnyUser
from defector.directory.models import Official


def add_to_briefing_register(
    *,
    acting_user: AnyUser,
    committee_id: int | str,
    position: str,
    official_id: int | str | None = None,
    name: str = "",
    position_detail: str = "",
) -> BriefedOfficial:
    """List an official not on the committee who is likely to be in contact with disaffected
    persons (``7b``): the senior US representative. Give the official, or their name."""
    with transaction.atomic():
        committee = _visible(
            acting_user, Committee.objects.select_related("post"), committee_id, "committee"
        )
        senior = _require_senior(acting_user, committee, "7b")
        errors: Errors = []
        official: Official | None = None
        if official_id not in (None, ""):
            number = _as_id(official_id)
            official = Official.objects.filter(pk=number).first() if number is not None else None
            if official is None:
                _error(errors, "official_id", "there is no such official")
            elif official.roles.filter(post_id=committee.post_id, role__in=MEMBER_ROLES).exists():
                _error(
                    errors,
                    "official_id",
                    "is on the committee; the register is for officials who are not (7b)",
                )
            elif BriefedOfficial.objects.filter(committee=committee, official=official).exists():
                _error(errors, "official_id", "is in the register already")
        name = _text(errors, "name", name, limit=200, required=official_id in (None, ""))
        if position not in BriefingPosition.values:
            _error(errors, "position", "choose the official's position")
        position_detail = _text(
            errors, "position_detail", position_detail, limit=200, required=False
        )
        if errors:
            raise InvalidInput(errors)
        person = BriefedOfficial.objects.create(
            committee=committee,
            official=official,
            name=name if official is None else "",
            position=position,
            position_detail=position_detail,
            listed_by=senior,
            listed_on=timezone.localdate(),
        )
        audit.record(
            actor=acting_user,
            action="committees.briefing_register.add",
            obj=person,
            after=audit.snapshot(person),
        )
    return person


def set_register_entry_active(
    *, acting_user: AnyUser, person_id: int | str, active: bool
) -> BriefedOfficial:
    """Take an official off the register when they leave (or put them back): the senior US
    representative. The record and its briefings stay."""
    with transaction.atomic():
        person = _visible(
            acting_user,
            BriefedOfficial.objects.select_related("committee__post"),
            person_id,
            "entry of the briefing register",
            lock=True,
        )
        _require_senior(acting_user, person.committee, "7b")
        if person.active == active:
            return person
        before = audit.snapshot(person, ["active"])
        person.active = active
        person.save()
        audit.record(
            actor=acting_user,
            action="committees.briefing_register.active",
            obj=person,
            before=before,
            after=audit.snapshot(person, ["active"]),
        )
    return person


def record_briefing(
    *,
    acting_user: AnyUser,
    person_id: int | str,
    briefed_on: dt.date | None,
    briefed_by_id: int | str | None,
    topics: str,
    today: dt.date | None = None,
) -> Briefing:
    """Record a briefing of a registered official on defector matters (``7b``): when, by whom,
    on what. The next falls due after the re-briefing interval
    (``DEFECTOR_REBRIEFING_DAYS``, 365 by default)."""
    with transaction.atomic():
        person = _visible(
            acting_user,
            BriefedOfficial.objects.select_related("committee__post"),
            person_id,
            "entry of the briefing register",
        )
        senior = _require_senior(acting_user, person.committee, "7b")
        errors: Errors = []
        day = today or timezone.localdate()
        if not isinstance(briefed_on, dt.date) or isinstance(briefed_on, dt.datetime):
            _error(errors, "briefed_on", "is required: the date of the briefing")
            briefed_on = None
        elif briefed_on > day:
            _error(errors, "briefed_on", "is in the future")
        number = _as_id(briefed_by_id)
        briefer = Official.objects.filter(pk=number).first() if number is not None else None
        if briefer is None:
            _error(errors, "briefed_by_id", "choose the official who gave the briefing")
        topics = _text(errors, "topics", topics, limit=TEXT_MAX)
        refuse_names_at_post(errors, person.committee.post_id, user=acting_user, topics=topics)
        if errors or briefed_on is None or briefer is None:
            raise InvalidInput(errors)
        briefing = Briefing.objects.create(
            person=person,
            briefed_on=briefed_on,
            briefed_by=briefer,
            topics=topics,
            next_due_on=briefed_on + dt.timedelta(days=max(queries.rebriefing_days(), 1)),
            recorded_by=senior,
        )
        audit.record(
            actor=acting_user,
            action="committees.briefing.record",
            obj=briefing,
            after=audit.snapshot(briefing, ["person", "briefed_on", "briefed_by", "next_due_on"]),
        )
    return briefing
