"""Fixtures of the cases tests: the cast of officials at the ``world``'s posts, and helpers to
open a case and to count what was saved.

Every test seals with the session's test keyring (``sealing_keys``), never with a key file
under ``var/``.

The cast: at VIENNA a case officer (read into ALPHA), a second case officer, a committee
member, a committee chair and the senior US representative; a case officer at BONN; an IDC
member in Washington; an auditor, an administrator, an official without roles, and a user who
is no official. Everyone is of the CIA and cleared SECRET unless a test says otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases.models import Assessment, Case, CaseNote, Obligation, Subject, TimelineEntry
from defector.core.models import AuditEvent
from defector.directory.models import Official
from support.builders import THREAT_DEFECTOR, TRUE_NAME, case_opener
from support.fixtures import MakeOfficial
from support.world import World

IDENTITY = {
    "true_name": TRUE_NAME,
    "aliases": "A. N. Shevchenko\nArkasha",
    "birth_date": "1930-10-11",
    "birth_place": "Horlivka, Ukrainian SSR",
    "identity_documents": "Soviet diplomatic passport D-0412277",
}


@pytest.fixture(autouse=True)
def _sealed(sealing_keys: None) -> None:
    """Every test here seals with the session's test keyring."""


@pytest.fixture
def world_parts() -> tuple[str, ...]:
    return ("cia", "state", "vienna", "bonn", "closed", "alpha", "bravo")


@pytest.fixture
def officer(make_official: MakeOfficial, world: World) -> User:
    return make_official(
        "case.officer", ("case_officer", world.vienna), compartments=(world.alpha,)
    )


@pytest.fixture
def second_officer(make_official: MakeOfficial, world: World) -> User:
    return make_official("second.officer", ("case_officer", world.vienna))


@pytest.fixture
def member(make_official: MakeOfficial, world: World) -> User:
    return make_official("committee.member", ("committee_member", world.vienna))


@pytest.fixture
def chair(make_official: MakeOfficial, world: World) -> User:
    return make_official("committee.chair", ("committee_chair", world.vienna))


@pytest.fixture
def senior(make_official: MakeOfficial, world: World) -> User:
    return make_official("senior.representative", ("senior_representative", world.vienna))


@pytest.fixture
def officer_in_bonn(make_official: MakeOfficial, world: World) -> User:
    return make_official("bonn.officer", ("case_officer", world.bonn))


@pytest.fixture
def idc(make_official: MakeOfficial) -> User:
    return make_official("idc.member", ("idc_member", None))


@pytest.fixture
def auditor(make_official: MakeOfficial) -> User:
    return make_official("the.auditor", ("auditor", None))


@pytest.fixture
def administrator(make_official: MakeOfficial) -> User:
    return make_official("the.administrator", ("administrator", None))


@pytest.fixture
def no_roles(make_official: MakeOfficial, world: World) -> User:
    user = make_official("no.roles")
    Official.objects.filter(user=user).update(post=world.vienna)
    return user


@pytest.fixture
def not_an_official(make_official: MakeOfficial) -> User:
    return make_official("plain.user", official=False)


OpenCase = Callable[..., Case]


@pytest.fixture
def open_case(world: World, officer: User) -> OpenCase:
    """Open a case at VIENNA (SECRET) as ``officer`` unless told otherwise, with ``IDENTITY``."""
    return case_opener(acting_user=officer, post_id=world.vienna.pk, **IDENTITY)


@pytest.fixture
def obligation_falling_due(open_case: OpenCase) -> dt.datetime:
    """A case opened with ``THREAT_DEFECTOR``'s facts whose one open obligation with a clock
    falls due at the moment returned (2030-01-01 12:00 UTC; the others without a clock): for
    what is kept only until the first open obligation falls due."""
    case = open_case(facts=THREAT_DEFECTOR)
    obligation = Obligation.objects.filter(case=case, status="open").order_by("pk").first()
    assert obligation is not None
    due = dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC)
    Obligation.objects.filter(case=case, status="open").update(due_at=None)
    Obligation.objects.filter(pk=obligation.pk).update(due_at=due)
    return due


@pytest.fixture
def identity() -> dict[str, str]:
    """The identity the ``open_case`` fixture records (sealed)."""
    return dict(IDENTITY)


@pytest.fixture
def counts(db: Any) -> Callable[[], tuple[int, ...]]:
    """(cases, subjects, audit events, assessments, obligations, timeline entries, notes): to
    check that nothing partial was saved."""

    def count() -> tuple[int, ...]:
        return (
            Case.objects.count(),
            Subject.objects.count(),
            # The name trace's own records left out: on SQLite an intake's trace writes its
            # record in the intake's transaction, unless it tells the IDC (after the commit).
            AuditEvent.objects.exclude(action="traces.trace.run").count(),
            Assessment.objects.count(),
            Obligation.objects.count(),
            TimelineEntry.objects.count(),
            CaseNote.objects.count(),
        )

    return count


#: The facts of a Soviet official who walked into the embassy in Vienna and asked for asylum:
#: a defector, potential defector, disaffected person and walk-in.
WALK_IN_FACTS: dict[str, Any] = {
    "nationalities": ["SU"],
    "escaped_control": True,
    "unwilling_to_return": True,
    "dissatisfied": True,
    "susceptible": True,
    "willing_to_defect": True,
    "special_value": ["information"],
    "requests": ["asylum"],
}


@pytest.fixture
def walk_in_facts() -> dict[str, Any]:
    return {
        key: list(value) if isinstance(value, list) else value
        for key, value in WALK_IN_FACTS.items()
    }
