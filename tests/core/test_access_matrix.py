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
from defector.cases.queries.common import case_rows
from defector.core import access
from defector.core.errors import NotFound
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
        "own": frozenset({VIEW, CHANGE}),
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
    # One read of the case, with what else the user may do with it (the case page's).
    if VIEW in expected:
        read = access.get_for(user, VIEW, Case.objects.all(), case.pk, also=CASE_ACTIONS)
        assert access.may(user, CASE_ACTIONS, read) == set(expected)
    else:
        with pytest.raises(NotFound):
            access.get_for(user, VIEW, Case.objects.all(), case.pk, also=CASE_ACTIONS)


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


# --- mutual problems (6c) and notices (6e) -------------------------------------------------------

#: Who may view and change a mutual problem raised by someone else, by seat, the problem's post
#: ("own"/"other") and whether the IDC has it yet ("local": raised at the post; "before the IDC":
#: referred to it, or informed of a senior representative's decision).
PROBLEM_EXPECTED: dict[str, dict[tuple[str, str], frozenset[str]]] = {
    seat: {
        (place, stage): frozenset()
        for place in ("own", "other")
        for stage in ("local", "before the IDC")
    }
    for seat in EXPECTED
}
for _seat in ("committee member", "committee chair", "senior US representative"):
    for _stage in ("local", "before the IDC"):
        PROBLEM_EXPECTED[_seat][("own", _stage)] = frozenset({VIEW, CHANGE})
for _place in ("own", "other"):
    PROBLEM_EXPECTED["IDC member (Washington)"][(_place, "before the IDC")] = frozenset(
        {VIEW, CHANGE}
    )

PROBLEM_CELLS = [
    pytest.param(
        seat,
        place,
        stage,
        id=f"{seat} | problem at the {place} post | {stage}",
    )
    for seat, place, stage in itertools.product(
        EXPECTED, ("own", "other"), ("local", "before the IDC")
    )
]


def make_problem(place: str, stage: str, world: dict[str, Any]) -> Any:
    import datetime as dt

    from django.utils import timezone

    from defector.escalations.models import Problem

    raiser_user = get_user_model().objects.create_user(username=f"raiser-{place}-{stage[:5]}")
    raiser = Official.objects.create(
        user=raiser_user, agency=world["agency"], post=world[place], clearance=CLEARANCE
    )
    RoleAssignment.objects.create(official=raiser, role="committee_member", post=world[place])
    before_idc = stage == "before the IDC"
    return Problem.objects.create(
        post=world[place],
        raised_by=raiser,
        title="A mutual problem",
        due_date=dt.date(2026, 12, 31),
        status="referred" if before_idc else "raised",
        idc_visible_from=timezone.now() if before_idc else None,
    )


@pytest.mark.parametrize(("seat_name", "place", "stage"), PROBLEM_CELLS)
def test_problem_access_follows_its_table(
    seat_name: str, place: str, stage: str, world: dict[str, Any]
) -> None:
    user, _ = make_seat(seat_name, SEATS[seat_name], world)
    problem = make_problem(place, stage, world)
    expected = PROBLEM_EXPECTED[seat_name][(place, stage)]
    for action in (VIEW, CHANGE, REVEAL):
        listed = access.restrict(user, action, type(problem).objects.all()).exists()
        single = access.can(user, action, problem)
        assert listed == single == (action in expected), (seat_name, place, stage, action)


def test_an_invited_representative_sees_the_problems_they_raised(world: dict[str, Any]) -> None:
    user, official = make_seat(
        "invited representative, not invited",
        SEATS["invited representative, not invited"],
        world,
    )
    problem = make_problem("own", "local", world)
    assert not access.can(user, VIEW, problem)
    type(problem).objects.filter(pk=problem.pk).update(raised_by=official)
    assert access.can(user, VIEW, problem)
    assert access.can(user, CHANGE, problem)


def test_a_problem_about_a_case_follows_the_cases_clearance_and_compartments(
    world: dict[str, Any],
) -> None:
    user, _ = make_seat("committee member", SEATS["committee member"], world)
    problem = make_problem("own", "local", world)
    problem.cases.add(make_case("own", "SECRET", "none", world))
    assert access.can(user, VIEW, problem)
    problem.cases.add(make_case("own", "SECRET", "not held", world))
    assert not access.can(user, VIEW, problem)
    problem.cases.clear()
    problem.cases.add(make_case("own", "TOP SECRET", "none", world))
    assert not access.can(user, VIEW, problem)


NOTICE_EXPECTED = {
    "committee member": {VIEW, CHANGE},
    "IDC member (Washington)": {VIEW, CHANGE},
    "official with no role": {VIEW, CHANGE},
    "administrator": set(),
    "auditor": set(),
    "account with no official record": set(),
}


@pytest.mark.parametrize("seat_name", NOTICE_EXPECTED)
def test_notices_are_seen_only_by_their_recipient(seat_name: str, world: dict[str, Any]) -> None:
    from defector.notifications.models import Notice

    user, official = make_seat(seat_name, SEATS[seat_name], world)
    stranger_user = get_user_model().objects.create_user(username="stranger")
    stranger = Official.objects.create(
        user=stranger_user, agency=world["agency"], clearance=CLEARANCE
    )
    theirs = Notice.objects.create(recipient=stranger, kind="case", summary="Case AEFOX: opened.")
    mine = (
        Notice.objects.create(recipient=official, kind="case", summary="Case AEFOX: opened.")
        if official is not None
        else None
    )
    for action in (VIEW, CHANGE, "export"):
        assert not access.can(user, action, theirs)
        if mine is not None:
            assert access.can(user, action, mine) == (action in NOTICE_EXPECTED[seat_name])


#: A case's records follow the case's own rule: its assessments, obligations, timeline and
#: notes are seen (and changed) by exactly those who see (and change) the case.
CASE_RECORDS = ("cases.assessment", "cases.obligation", "cases.timelineentry", "cases.casenote")


def make_case_records(case: Case) -> dict[str, Any]:
    from django.utils import timezone

    from defector.cases.models import Assessment, CaseNote, Obligation, TimelineEntry

    assessment = Assessment.objects.create(
        case=case, number=1, facts={}, outcome={}, applies=True, policy_version="test"
    )
    return {
        "cases.assessment": assessment,
        "cases.obligation": Obligation.objects.create(
            case=case,
            identifier="report_to_idc",
            clause="6d",
            title="Report",
            assessment=assessment,
        ),
        "cases.timelineentry": TimelineEntry.objects.create(
            case=case, actor_name="test", kind="test", summary="test", at=timezone.now()
        ),
        "cases.casenote": CaseNote.objects.create(case=case, text="a note"),
    }


RECORD_CELLS = [
    pytest.param(
        seat,
        place,
        compartment,
        id=f"{seat} | {place} post | compartment {compartment} | the case's records follow it",
    )
    for seat, place, compartment in itertools.product(
        EXPECTED, ("own", "other"), ("none", "not held")
    )
]


@pytest.mark.parametrize(("seat_name", "place", "compartment"), RECORD_CELLS)
def test_a_cases_records_follow_the_case(
    seat_name: str, place: str, compartment: str, world: dict[str, Any]
) -> None:
    seat = SEATS[seat_name]
    user, official = make_seat(seat_name, seat, world)
    case = make_case(place, "SECRET", compartment, world)
    if seat.assigned:
        case.officers.add(official)
    if seat.invited:
        case.invited.add(official)
    records = make_case_records(case)
    assert set(records) == set(CASE_RECORDS)
    for action in CASE_ACTIONS:
        on_case = access.can(user, action, case)
        for label, record in records.items():
            model = type(record)
            listed = access.restrict(user, action, model.objects.all()).filter(pk=record.pk)
            assert listed.exists() == access.can(user, action, record) == on_case, (
                f"{seat_name} {action} {label}"
            )
            # A page's read of the case's records: the rule asked, or (once the case is
            # decided for this read) not asked again, with the same rows either way.
            assert case_rows(user, action, model.objects.all(), case).exists() == on_case
            with access.remembering():
                assert access.decided(user, action, case) is None
                assert access.can(user, action, case) == on_case
                assert access.decided(user, action, case) == on_case
                rows = case_rows(user, action, model.objects.all(), case)
                assert rows.exists() == on_case, f"{seat_name} {action} {label}, decided"


def test_every_model_of_the_cases_app_has_an_access_rule() -> None:
    from django.apps import apps

    labels = {model._meta.label_lower for model in apps.get_app_config("cases").get_models()}
    assert labels - set(access.RULES) == set()
    assert {label for label in labels if label != "cases.case"} <= set(access.COMPARTMENTED)


#: The determinations of a case (7a, 6b(2), 2f, 5a(1), 2b) follow the case's own rule too.
DETERMINATION_RECORDS = (
    "cases.politicalriskdetermination",
    "cases.statusdetermination",
    "cases.agencyposition",
    "cases.refugeereferral",
    "cases.recruitmentconsideration",
    "cases.inducementplan",
    "cases.inducementact",
)


def make_determination_records(case: Case, world: dict[str, Any]) -> dict[str, Any]:
    from django.utils import timezone

    from defector.cases.models import (
        AgencyPosition,
        InducementAct,
        InducementPlan,
        PoliticalRiskDetermination,
        RecruitmentConsideration,
        RefugeeReferral,
        StatusDetermination,
    )

    author = Official.objects.create(
        user=get_user_model().objects.create_user(username=f"author-{case.pk}", password=None),
        agency=world["agency"],
        post=case.post,
        clearance=CLEARANCE,
    )
    risk = PoliticalRiskDetermination.objects.create(
        case=case, level="low", reasoning="quiet", determined_by=author
    )
    status = StatusDetermination.objects.create(
        case=case, decision="decline", special_value="little", rationale="r", decided_by=author
    )
    consideration = RecruitmentConsideration.objects.create(
        case=case, conclusion="induce_defection", reasoning="r", considered_by=author
    )
    plan = InducementPlan.objects.create(
        case=case,
        description="d",
        group_size=1,
        consideration=consideration,
        risk_determination=risk,
        recorded_by=author,
    )
    return {
        "cases.politicalriskdetermination": risk,
        "cases.statusdetermination": status,
        "cases.agencyposition": AgencyPosition.objects.create(
            determination=status, agency=world["agency"], stance="concur"
        ),
        "cases.refugeereferral": RefugeeReferral.objects.create(
            case=case, determination=status, reason="r", referred_by=author
        ),
        "cases.recruitmentconsideration": consideration,
        "cases.inducementplan": plan,
        "cases.inducementact": InducementAct.objects.create(
            case=case,
            plan=plan,
            committed_by=author,
            at=timezone.now(),
            description="d",
            recorded_by=author,
        ),
    }


@pytest.mark.parametrize(("seat_name", "place", "compartment"), RECORD_CELLS)
def test_a_cases_determinations_follow_the_case(
    seat_name: str, place: str, compartment: str, world: dict[str, Any]
) -> None:
    seat = SEATS[seat_name]
    user, official = make_seat(seat_name, seat, world)
    case = make_case(place, "SECRET", compartment, world)
    if seat.assigned:
        case.officers.add(official)
    if seat.invited:
        case.invited.add(official)
    records = make_determination_records(case, world)
    assert set(records) == set(DETERMINATION_RECORDS)
    for action in CASE_ACTIONS:
        on_case = access.can(user, action, case)
        for label, record in records.items():
            model = type(record)
            listed = access.restrict(user, action, model.objects.all()).filter(pk=record.pk)
            assert listed.exists() == access.can(user, action, record) == on_case, (
                f"{seat_name} {action} {label}"
            )


#: The handling of a case (bona fides, the voluntary statement, tasks: ``6b(3)(b)``–``(d)``)
#: follows the case's own rule too.
HANDLING_RECORDS = (
    "cases.bonafidescheck",
    "cases.bonafidesverdict",
    "cases.voluntarystatement",
    "cases.casetask",
)


def make_handling_records(case: Case, world: dict[str, Any]) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    from defector.cases.models import BonaFidesCheck, BonaFidesVerdict, CaseTask, VoluntaryStatement

    analyst = Official.objects.create(
        user=get_user_model().objects.create_user(username=f"analyst-{case.pk}"),
        agency=world["agency"],
        post=case.post,
        clearance=CLEARANCE,
    )
    check = BonaFidesCheck.objects.create(case=case, kind="name_traces", analyst=analyst)
    verdict = BonaFidesVerdict.objects.create(
        case=case, number=1, verdict="doubtful", rationale="test"
    )
    verdict.checks.add(check)
    return {
        "cases.bonafidescheck": check,
        "cases.bonafidesverdict": verdict,
        "cases.voluntarystatement": VoluntaryStatement.objects.create(
            case=case,
            language_code="ru",
            language_name="Russian",
            text_original="текст",
            text_english="text",
            signature_method="upload",
            file_path="x.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            signed_at=timezone.now(),
        ),
        "cases.casetask": CaseTask.objects.create(
            case=case, title="test", agency=world["agency"], due_on=dt.date(2026, 12, 31)
        ),
    }


@pytest.mark.parametrize(("seat_name", "place", "compartment"), RECORD_CELLS)
def test_the_handling_of_a_case_follows_the_case(
    seat_name: str, place: str, compartment: str, world: dict[str, Any]
) -> None:
    seat = SEATS[seat_name]
    user, official = make_seat(seat_name, seat, world)
    case = make_case(place, "SECRET", compartment, world)
    if seat.assigned:
        case.officers.add(official)
    if seat.invited:
        case.invited.add(official)
    records = make_handling_records(case, world)
    assert set(records) == set(HANDLING_RECORDS)
    for action in CASE_ACTIONS:
        on_case = access.can(user, action, case)
        for label, record in records.items():
            model = type(record)
            listed = access.restrict(user, action, model.objects.all()).filter(pk=record.pk)
            assert listed.exists() == access.can(user, action, record) == on_case, (
                f"{seat_name} {action} {label}"
            )
