"""The briefing register (``7b``): who is due for a (re-)briefing, and the briefings given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from defector.committees.models import BriefedOfficial, Briefing, Committee
from defector.committees.queries.committees import _get
from defector.core.access import Action, restrict
from defector.core.users import AnyUser
from defector.directory.models import Official
from defector.policy.gates import committees as gate

#: The setting naming the days between two briefings of the same official (``7b``).
REBRIEFING_DAYS_SETTING: Final = "DEFECTOR_REBRIEFING_DAYS"


def rebriefing_days() -> int:
    return int(getattr(settings, REBRIEFING_DAYS_SETTING, gate.DEFAULT_REBRIEFING_DAYS))


@dataclass(frozen=True, slots=True)
class RegisterRow:
    person: BriefedOfficial
    last: Briefing | None
    check: gate.BriefingCheck

    @property
    def active(self) -> bool:
        return self.person.active


def briefing_registers(
    committee_ids: Iterable[int], today: dt.date
) -> dict[int, list[RegisterRow]]:
    """The ``7b`` registers of the committees ``committee_ids``, each with each person's last
    briefing and whether one is due: two queries for them all (the people, their briefings)."""
    interval = rebriefing_days()
    ids = list(committee_ids)
    people = (
        BriefedOfficial.objects.filter(committee_id__in=ids)
        .select_related("official__user")
        .prefetch_related(
            Prefetch(
                "briefings",
                queryset=Briefing.objects.select_related("briefed_by__user").order_by(
                    "-briefed_on", "-pk"
                ),
            )
        )
    )
    registers: dict[int, list[RegisterRow]] = {number: [] for number in ids}
    for person in people:
        briefings = list(person.briefings.all())
        last = briefings[0] if briefings else None
        if last is not None:
            check = gate.rebriefing_due(
                last.briefed_on, person.listed_on, (last.next_due_on - last.briefed_on).days, today
            )
        else:
            check = gate.rebriefing_due(None, person.listed_on, interval, today)
        registers[person.committee_id].append(RegisterRow(person, last, check))
    return {
        number: sorted(
            rows, key=lambda r: (not r.person.active, not r.check.overdue, r.check.due_on)
        )
        for number, rows in registers.items()
    }


def briefing_register(committee: Committee, today: dt.date) -> list[RegisterRow]:
    """The ``7b`` register with each person's last briefing and whether one is due."""
    return briefing_registers([committee.pk], today)[committee.pk]


def register_of(
    user: AnyUser, committee: Committee, today: dt.date | None = None
) -> list[RegisterRow]:
    """The briefing register of a committee ``user`` may see (else empty)."""
    if not restrict(
        user, Action.VIEW, BriefedOfficial.objects.filter(committee=committee)
    ).exists():
        return []
    return briefing_register(committee, today or timezone.localdate())


def access_register_entry(user: AnyUser, person_id: Any) -> BriefedOfficial:
    return _get(
        user,
        Action.VIEW,
        BriefedOfficial.objects.select_related("committee__post", "official__user"),
        person_id,
        "entry of the briefing register",
    )


def briefings_of(user: AnyUser, person: BriefedOfficial) -> QuerySet[Briefing]:
    return (
        restrict(user, Action.VIEW, Briefing.objects.filter(person=person))
        .select_related("briefed_by__user")
        .order_by("-briefed_on", "-pk")
    )


def briefers(committee: Committee) -> list[Official]:
    """Who may have given a briefing: the post's officials (members, senior, case officers)."""
    return list(
        Official.objects.filter(roles__post_id=committee.post_id, user__is_active=True)
        .select_related("user")
        .distinct()
    )
