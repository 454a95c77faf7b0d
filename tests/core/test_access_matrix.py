"""The access matrix: every role × relation to the case × action × sensitivity × compartment.

One table (``EXPECTED``) states who may do what with case content; every cell is checked
against ``core.access.restrict`` (lists) and ``core.access.can`` (single objects), which share
one rule. Directory data and the audit log have their own, smaller tables below.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from defector.cases.models import Case
from defector.core import access
from defector.core.models import AuditEvent
from defector.directory.models import Agency, Compartment, Official, Post, RoleAssignment

pytestmark = pytest.mark.django_db

VIEW, CHANGE, REVEAL = "view", "change", "reveal"
CASE_ACTIONS = (VIEW, CHANGE, REVEAL)

#: Who may do what with a case, by the seat the user holds and the case's place:
#: "own" — a case at the post where the role is held; "other" — a case at another post.
#: Washington and system roles hold no post: their row applies to every case.
EXPECTED: dict[str, dict[str, frozenset[str]]] = {
    "case officer, assigned to the case": {
        "own": frozenset({VIEW, CHANGE, REVEAL}),
        "other": frozenset(),
    },
    "case officer, not assigned": {"own": frozenset(), "other": frozenset()},
    "committee member": {"own": frozenset({VIEW, CHANGE}), "other": frozenset()},
    "committee chair": {"own": frozenset({VIEW, CHANGE, REVEAL}), "other": frozenset()},
    "invited representative, invited to the case": {
        "own": frozenset({VIEW}),
        "other": frozenset(),
    },
    "invited representative, not invited": {"own": frozenset(), "other": frozenset()},
    "senior US representative": {
        "own": frozenset({VIEW, CHANGE, REVEAL}),
        "other": frozenset(),
    },
    "IDC member (Washington)": {"own": frozenset({VIEW}), "other": frozenset({VIEW})},
    "DCI delegate (Washington)": {"own": frozenset({VIEW}), "other": frozenset({VIEW})},
    "auditor": {"own": frozenset(), "other": frozenset()},
    "administrator": {"own": frozenset(), "other": frozenset()},
    "administrator who is also committee chair (forbid beats permit)": {
        "own": frozenset(),
        "other": frozenset(),
    },
    "official with no role": {"own": frozenset(), "other": frozenset()},
    "account with no official record": {"own": frozenset(), "other": frozenset()},
}


@dataclass(frozen=True)
class Seat:
    """How to make a user for a row of the table."""

    roles: tuple[tuple[str, bool], ...]  # (role, held at the own post?)
    assigned: bool = False
    invited: bool = False
    official: bool = True
    superuser: bool = False


SEATS: dict[str, Seat] = {
    "case officer, assigned to the case": Seat((("case_officer", True),), assigned=True),
    "case officer, not assigned": Seat((("case_officer", True),)),
    "committee member": Seat((("committee_member", True),)),
    "committee chair": Seat((("committee_chair", True),)),
    "invited representative, invited to the case": Seat(
        (("invited_representative", True),), invited=True
    ),
    "invited representative, not invited": Seat((("invited_representative", True),)),
    "senior US representative": Seat((("senior_representative", True),)),
    "IDC member (Washington)": Seat((("idc_member", False),)),
    "DCI delegate (Washington)": Seat((("dci_delegate", False),)),
    "auditor": Seat((("auditor", False),)),
    "administrator": Seat((("administrator", False),)),
    "administrator who is also committee chair (forbid beats permit)": Seat(
        (("administrator", False), ("committee_chair", True))
    ),
    "official with no role": Seat(()),
    "account with no official record": Seat((), official=False),
}

CLEARANCE = "SECRET"
#: Case sensitivity relative to the user's clearance: at or below it keeps the table's
#: answer; above it denies everything.
SENSITIVITIES = {"below": "CONFIDENTIAL", "at": "SECRET", "above": "TOP SECRET"}
#: A compartment the user holds keeps the table's answer; one they lack denies everything.
COMPARTMENTS = ("none", "held", "not held")


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    agency = Agency.objects.create(code="STATE", name="Department of State")
    own = Post.objects.create(code="VIENNA", name="Embassy Vienna", country="AT", city="Vienna")
    other = Post.objects.create(code="TOKYO", name="Embassy Tokyo", country="JP", city="Tokyo")
    held = Compartment.objects.create(code="HARBOR", name="Harbor")
    lacking = Compartment.objects.create(code="LANTERN", name="Lantern")
    return {"agency": agency, "own": own, "other": other, "held": held, "lacking": lacking}


def make_seat(name: str, seat: Seat, world: dict[str, Any]) -> Any:
    user = get_user_model().objects.create_user(
        username=re.sub(r"[^a-z0-9]+", "-", name.lower())[:150],
        password=None,
        is_superuser=seat.superuser,
    )
    if not seat.official:
        return user, None
    washington_only = all(not at_post for _, at_post in seat.roles) and seat.roles
    official = Official.objects.create(
        user=user,
        agency=world["agency"],
        post=None if washington_only else world["own"],
        clearance=CLEARANCE,
    )
    official.compartments.add(world["held"])
    for role, at_post in seat.roles:
        RoleAssignment.objects.create(
            official=official, role=role, post=world["own"] if at_post else None
        )
    return user, official


def make_case(place: str, sensitivity: str, compartment: str, world: dict[str, Any]) -> Case:
    case = Case.objects.create(
        cryptonym=f"AE{place.upper()}{sensitivity.replace(' ', '')}{compartment.replace(' ', '')}",
        post=world[place],
        sensitivity=sensitivity,
    )
    if compartment == "held":
        case.compartments.add(world["held"])
    elif compartment == "not held":
        case.compartments.add(world["lacking"])
    return case


CELLS = [
    pytest.param(
        seat,
        place,
        level,
        compartment,
        id=f"{seat} | {place} post | sensitivity {level} clearance | compartment {compartment}",
    )
    for seat, place, level, compartment in itertools.product(
        EXPECTED, ("own", "other"), SENSITIVITIES, COMPARTMENTS
    )
]


@pytest.mark.parametrize(("seat_name", "place", "level", "compartment"), CELLS)
def test_case_access_follows_the_matrix(
    seat_name: str, place: str, level: str, compartment: str, world: dict[str, Any]
) -> None:
    seat = SEATS[seat_name]
    user, official = make_seat(seat_name, seat, world)
    case = make_case(place, SENSITIVITIES[level], compartment, world)
    if seat.assigned:
        case.officers.add(official)
    if seat.invited:
        case.invited.add(official)
    cleared = level != "above" and compartment != "not held"
    expected = EXPECTED[seat_name][place] if cleared else frozenset()
    for action in CASE_ACTIONS:
        listed = access.restrict(user, action, Case.objects.all()).filter(pk=case.pk).exists()
        single = access.can(user, action, case)
        assert listed == single == (action in expected), (
            f"{seat_name} may {'not ' if action not in expected else ''}{action} "
            f"a case at the {place} post (listed={listed}, single={single})"
        )


def test_the_matrix_names_every_role_of_the_design() -> None:
    from defector.directory.choices import Role

    named = {role for seat in SEATS.values() for role, _ in seat.roles}
    assert named == {role.value for role in Role}


def test_a_denied_case_answers_exactly_like_a_missing_one(world: dict[str, Any]) -> None:
    from defector.core.errors import NotFound

    user, _ = make_seat("committee member", SEATS["committee member"], world)
    elsewhere = make_case("other", "SECRET", "none", world)
    with pytest.raises(NotFound) as denied:
        access.get_for(user, "view", Case.objects.all(), elsewhere.pk)
    with pytest.raises(NotFound) as missing:
        access.get_for(user, "view", Case.objects.all(), elsewhere.pk + 1000)
    assert str(denied.value) == str(missing.value)


def test_an_inactive_account_sees_nothing(world: dict[str, Any]) -> None:
    user, _ = make_seat("committee chair", SEATS["committee chair"], world)
    case = make_case("own", "SECRET", "none", world)
    user.is_active = False
    user.save()
    fresh = get_user_model().objects.get(pk=user.pk)
    assert not access.can(fresh, "view", case)


def test_a_model_without_a_rule_is_denied_to_everyone(world: dict[str, Any]) -> None:
    user, _ = make_seat("administrator", SEATS["administrator"], world)
    from defector.core.models import ApiToken

    assert access.restrict(user, "view", ApiToken.objects.all()).query.is_empty()


DIRECTORY_EXPECTED = {
    "official with no role": {VIEW},
    "committee chair": {VIEW},
    "IDC member (Washington)": {VIEW},
    "auditor": {VIEW},
    "administrator": {VIEW, "manage", CHANGE},
    "account with no official record": set(),
}


@pytest.mark.parametrize("seat_name", DIRECTORY_EXPECTED)
def test_directory_access_follows_its_table(seat_name: str, world: dict[str, Any]) -> None:
    user, _ = make_seat(seat_name, SEATS[seat_name], world)
    for action in (VIEW, CHANGE, "manage"):
        allowed = access.restrict(user, action, Post.objects.all()).exists()
        assert allowed == (action in DIRECTORY_EXPECTED[seat_name]), (seat_name, action)


AUDIT_EXPECTED = {
    "auditor": {VIEW, "export"},
    "administrator": set(),
    "committee chair": set(),
    "IDC member (Washington)": set(),
}


@pytest.mark.parametrize("seat_name", AUDIT_EXPECTED)
def test_audit_log_access_follows_its_table(seat_name: str, world: dict[str, Any]) -> None:
    from django.db import transaction

    from defector.core import audit

    user, _ = make_seat(seat_name, SEATS[seat_name], world)
    with transaction.atomic():
        audit.record(actor=None, action="test.event")
    for action in (VIEW, "export", CHANGE):
        allowed = access.restrict(user, action, AuditEvent.objects.all()).exists()
        assert allowed == (action in AUDIT_EXPECTED[seat_name]), (seat_name, action)
