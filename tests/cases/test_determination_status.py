"""The status determination (``6b(2)``): recorded by the committee (the chair, or a member
on the chair's behalf) with every agency's position; a grant refused, naming each missing
clause, unless a defector (``2a``), bona fides established (``6b(3)(b)``), a signed
statement on file (``6b(3)(c)``) and the ``7a`` determination; a grant moves the case on to
exploitation, and nothing else may (the lifecycle's guard); a declined person may be
referred as a refugee (``2f``) and the case closed so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from defector.cases import actions, lifecycle
from defector.cases import queries as queries_determination
from defector.cases.actions import move_case, update_facts
from defector.cases.models import (
    AgencyPosition,
    BonaFidesVerdict,
    Case,
    Obligation,
    RefugeeReferral,
    StatusDetermination,
    TimelineEntry,
    VoluntaryStatement,
)
from defector.core.errors import Conflict, InvalidInput, PermissionDenied, PolicyRefusal
from defector.core.models import AuditEvent
from defector.directory.models import Official

pytestmark = pytest.mark.django_db

RATIONALE = "KESTREL's information outweighs a moderate, manageable political cost."
SPECIAL_VALUE = "New order-of-battle information (2a(1)); operational value to CIA (2a(2))."


def version(case: Case) -> int:
    case.refresh_from_db()
    return case.version


def official(user: User) -> Official:
    return Official.objects.get(user=user)


@pytest.fixture
def committee(chair: User, member: User, world: Any) -> dict[str, Any]:
    """The Vienna committee: the chair from CIA, a member from State."""
    Official.objects.filter(user=member).update(agency=world.state)
    return {"chair": chair, "member": member, "cia": world.cia, "state": world.state}


@pytest.fixture
def case(open_case: Any, walk_in_facts: dict[str, Any], committee: dict[str, Any]) -> Case:
    return open_case(facts=walk_in_facts)


def everyone_concurs(world: Any) -> list[dict[str, Any]]:
    return [
        {"agency_id": world.cia.pk, "stance": "concur"},
        {"agency_id": world.state.pk, "stance": "concur"},
    ]


Determine = Callable[..., StatusDetermination]


@pytest.fixture
def determine(chair: User, world: Any) -> Determine:
    def run(case: Case, decision: str = "grant", **overrides: Any) -> StatusDetermination:
        arguments: dict[str, Any] = {
            "acting_user": chair,
            "case_id": case.pk,
            "expected_version": version(case),
            "decision": decision,
            "special_value": SPECIAL_VALUE,
            "rationale": RATIONALE,
            "positions": everyone_concurs(world),
        }
        arguments.update(overrides)
        return actions.determine_status(**arguments)

    return run


def establish_bona_fides(case: Case) -> None:
    BonaFidesVerdict.objects.create(
        case=case, number=1, verdict="established", rationale="Every check came back clean."
    )


def sign_statement(case: Case, witness: User) -> None:
    VoluntaryStatement.objects.create(
        case=case,
        language_code="ru",
        language_name="Russian",
        text_original="Я прошу политического убежища.",
        text_english="I request political asylum.",
        signature_method="upload",
        file_path="statements/test.pdf",
        content_type="application/pdf",
        size=1024,
        sha256="ab" * 32,
        signed_at=timezone.now(),
        witness=official(witness),
        witnessed_at=timezone.now(),
    )


def determine_risk(senior: User, case: Case, level: str = "moderate") -> None:
    actions.determine_political_risk(
        acting_user=senior,
        case_id=case.pk,
        expected_version=version(case),
        subject="case",
        level=level,
        reasoning="The talks in progress would suffer; manageable if handled quietly.",
    )


@pytest.fixture
def ready(case: Case, senior: User, second_officer: User) -> Case:
    """A case where a grant is allowed: a defector, bona fides established, a signed and
    witnessed statement, and the 7a determination."""
    establish_bona_fides(case)
    sign_statement(case, second_officer)
    determine_risk(senior, case)
    return case


def to_determination(case: Case, officer: User) -> None:
    move_case(acting_user=officer, case_id=case.pk, expected_version=version(case), to="assessment")


# --- the grant gate ---------------------------------------------------------------------------


def test_a_grant_with_everything_in_place_moves_the_case_to_exploitation(
    determine: Determine, ready: Case, officer: User
) -> None:
    to_determination(ready, officer)
    done = determine(ready, "grant")
    ready.refresh_from_db()
    assert done.decision == "grant"
    assert done.risk_determination is not None
    assert done.risk_determination.level == "moderate"
    assert ready.stage == "exploitation"
    kinds = list(
        TimelineEntry.objects.filter(case=ready).order_by("pk").values_list("kind", "summary")
    )
    assert (
        "cases.statusdetermination.record",
        "Defector status granted (6b(2)), political risk moderate; every agency concurs",
    ) in kinds
    assert ("cases.case.move", "Stage: Assessment → Determination (6b(2))") in kinds
    assert ("cases.case.move", "Stage: Determination → Exploitation (6b(2), 5a(5))") in kinds
    moves = AuditEvent.objects.filter(
        action="cases.case.move", cryptonym=ready.cryptonym, actor_name__contains="Chair"
    )
    assert moves.count() == 2


def test_a_grant_discharges_the_consideration_of_status(determine: Determine, ready: Case) -> None:
    done = determine(ready, "grant")
    obligation = Obligation.objects.get(case=ready, identifier="consider_defector_status")
    assert obligation.status == "done"
    assert obligation.evidence_id == str(done.pk)


MISSING = ["2a", "6b(3)(b)", "6b(3)(c)", "7a"]


@pytest.mark.parametrize("missing", MISSING, ids=[f"without {key}" for key in MISSING])
def test_a_grant_is_refused_naming_the_one_missing_clause(
    missing: str,
    determine: Determine,
    case: Case,
    officer: User,
    senior: User,
    second_officer: User,
    counts: Any,
) -> None:
    if missing == "2a":
        update_facts(
            acting_user=officer,
            case_id=case.pk,
            expected_version=version(case),
            facts={
                "nationalities": ["SU"],
                "location": "AT",
                "requests": ["asylum"],
                "at_us_installation": True,
            },
        )
    if missing != "6b(3)(b)":
        establish_bona_fides(case)
    if missing != "6b(3)(c)":
        sign_statement(case, second_officer)
    if missing != "7a":
        determine_risk(senior, case)
    before = (counts(), StatusDetermination.objects.count(), version(case))
    with pytest.raises(PolicyRefusal) as refused:
        determine(case, "grant")
    assert refused.value.clauses == (missing,)
    assert f"({missing})" in refused.value.message
    assert refused.value.message.startswith("Defector status cannot be granted: ")
    assert (counts(), StatusDetermination.objects.count(), version(case)) == before


def test_a_grant_with_nothing_in_place_is_refused_naming_every_clause(
    determine: Determine, officer: User, open_case: Any, committee: dict[str, Any]
) -> None:
    case = open_case(facts={"nationalities": ["SU"], "requests": ["asylum"]})
    to_determination(case, officer)
    with pytest.raises(PolicyRefusal) as refused:
        determine(case, "grant")
    assert refused.value.clauses == ("2a", "6b(3)(b)", "6b(3)(c)", "7a")
    for key in ("2a", "6b(3)(b)", "6b(3)(c)", "7a"):
        assert f"({key})" in refused.value.message


def test_a_doubtful_verdict_or_a_withdrawn_statement_does_not_count(
    determine: Determine, ready: Case
) -> None:
    BonaFidesVerdict.objects.filter(case=ready).update(superseded_at=timezone.now())
    BonaFidesVerdict.objects.create(
        case=ready, number=2, verdict="doubtful", rationale="Traces disagree on the dates."
    )
    VoluntaryStatement.objects.filter(case=ready).update(
        withdrawn_at=timezone.now(), withdrawal_reason="The person withdrew it."
    )
    with pytest.raises(PolicyRefusal) as refused:
        determine(ready, "grant")
    assert refused.value.clauses == ("6b(3)(b)", "6b(3)(c)")
    assert "doubtful" in refused.value.message
    assert "withdrawn" in refused.value.message


def test_a_prohibitive_political_risk_refuses_a_grant(
    determine: Determine, ready: Case, senior: User
) -> None:
    determine_risk(senior, ready, level="prohibitive")
    with pytest.raises(PolicyRefusal) as refused:
        determine(ready, "grant")
    assert refused.value.clauses == ("7a",)
    assert "prohibitive" in refused.value.message


def test_the_grant_readiness_lists_each_input(ready: Case, case: Case) -> None:
    inputs = queries_determination.grant_inputs(ready)
    assert [d.clauses for d in inputs.checklist()] == [
        ("2a",),
        ("6b(3)(b)",),
        ("6b(3)(c)",),
        ("7a",),
    ]
    assert all(d.allowed for d in inputs.checklist())
    assert queries_determination.grant_readiness(ready).allowed


# --- decline and defer, and who records --------------------------------------------------------


def test_decline_and_defer_need_no_gate(determine: Determine, case: Case) -> None:
    deferred = determine(case, "defer")
    assert deferred.decision == "defer"
    assert deferred.risk_determination is None
    case.refresh_from_db()
    assert case.stage == "determination"
    declined = determine(case, "decline")
    assert declined.decision == "decline"
    assert queries_determination.latest_status(case) == declined


def test_a_deferral_leaves_the_consideration_of_status_open_and_a_decline_discharges_it(
    determine: Determine, case: Case
) -> None:
    determine(case, "defer")
    obligation = Obligation.objects.get(case=case, identifier="consider_defector_status")
    assert obligation.status == "open"
    determine(case, "decline")
    obligation.refresh_from_db()
    assert obligation.status == "done"


def test_a_member_records_on_behalf_of_the_chair(
    determine: Determine, case: Case, member: User, chair: User
) -> None:
    done = determine(case, "defer", acting_user=member)
    assert done.decided_by == official(member)
    assert done.on_behalf_of == official(chair)
    line = TimelineEntry.objects.get(case=case, kind="cases.statusdetermination.record")
    assert "for the chair" in line.summary


def test_a_member_of_a_post_with_two_chairs_names_which(
    determine: Determine, case: Case, member: User, make_official: Any, world: Any
) -> None:
    make_official("second.chair", ("committee_chair", world.vienna))
    with pytest.raises(InvalidInput) as invalid:
        determine(case, "defer", acting_user=member)
    assert invalid.value.errors == [
        {"field": "on_behalf_of_id", "message": "is required: name the chair you act for"}
    ]


def test_a_member_may_not_name_someone_who_is_not_a_chair(
    determine: Determine, case: Case, member: User, officer: User
) -> None:
    with pytest.raises(InvalidInput) as invalid:
        determine(case, "defer", acting_user=member, on_behalf_of_id=official(officer).pk)
    assert invalid.value.errors[0]["field"] == "on_behalf_of_id"


@pytest.mark.parametrize("who", ["officer", "senior"])
def test_only_the_committee_determines_status(
    who: str, request: pytest.FixtureRequest, determine: Determine, case: Case
) -> None:
    with pytest.raises(PermissionDenied) as refused:
        determine(case, "defer", acting_user=request.getfixturevalue(who))
    assert refused.value.clauses == ("6b(2)",)


def test_status_is_not_determined_again_once_the_case_is_past_the_determination(
    determine: Determine, ready: Case
) -> None:
    determine(ready, "grant")
    with pytest.raises(InvalidInput, match="before exploitation"):
        determine(ready, "decline")


def test_a_determination_at_reception_moves_the_case_on_through_assessment(
    determine: Determine, case: Case
) -> None:
    assert case.stage == "reception"
    determine(case, "defer")
    case.refresh_from_db()
    assert case.stage == "determination"
    moves = TimelineEntry.objects.filter(case=case, kind="cases.case.move").order_by("pk")
    assert [line.summary for line in moves] == [
        "Stage: Reception → Assessment (6b(1))",
        "Stage: Assessment → Determination (6b(2))",
    ]


# --- the agencies' positions -------------------------------------------------------------------


def test_each_agency_on_the_committee_states_its_position(
    determine: Determine, case: Case, world: Any
) -> None:
    done = determine(
        case,
        "decline",
        positions=[
            {"agency_id": world.state.pk, "stance": "dissent", "note": "State would grant."},
            {"agency_id": world.cia.pk, "stance": "concur"},
        ],
    )
    rows = {row.agency.code: (row.stance, row.note) for row in done.positions.all()}
    assert rows == {"CIA": ("concur", ""), "STATE": ("dissent", "State would grant.")}
    line = TimelineEntry.objects.get(case=case, kind="cases.statusdetermination.record")
    assert "1 of 2 agencies dissent" in line.summary
    views = queries_determination.status_determinations_of(world_user(case), case)
    assert [p.agency_code for p in views[0].positions] == ["CIA", "STATE"]


def world_user(case: Case) -> User:
    return Official.objects.get(roles__role="committee_chair", roles__post=case.post).user


def test_the_represented_agencies_come_from_the_committee_roles(
    case: Case, world: Any, make_official: Any
) -> None:
    Official.objects.filter(user=make_official("navy.officer", ("case_officer", world.vienna)))
    assert [a.code for a in queries_determination.represented_agencies(world.vienna)] == [
        "CIA",
        "STATE",
    ]


def test_missing_duplicate_unknown_and_unexplained_positions_are_named(
    determine: Determine, case: Case, world: Any, counts: Any
) -> None:
    from defector.directory.models import Agency

    navy = Agency.objects.create(code="NAVY", name="Department of the Navy")
    before = counts()
    with pytest.raises(InvalidInput) as invalid:
        determine(
            case,
            "decline",
            positions=[
                {"agency_id": world.cia.pk, "stance": "dissent"},
                {"agency_id": world.cia.pk, "stance": "concur"},
                {"agency_id": navy.pk, "stance": "concur"},
                {"agency_id": world.state.pk, "stance": "abstain"},
            ],
        )
    assert invalid.value.errors == [
        {"field": "positions[0].note", "message": "is required with a dissent: say why"},
        {"field": "positions[1].agency_id", "message": "CIA is given twice"},
        {
            "field": "positions[2].agency_id",
            "message": f"agency {navy.pk} is not represented on the post's committee",
        },
        {"field": "positions[3].stance", "message": "must be one of concur, dissent"},
    ]
    assert counts() == before
    with pytest.raises(InvalidInput) as missing:
        determine(case, "decline", positions=[{"agency_id": world.cia.pk, "stance": "concur"}])
    assert missing.value.errors == [
        {
            "field": "positions",
            "message": "every agency on the committee states its position; missing: STATE",
        }
    ]


def test_bad_input_names_every_field_and_saves_nothing(
    determine: Determine, case: Case, counts: Any
) -> None:
    before = counts()
    with pytest.raises(InvalidInput) as invalid:
        determine(
            case,
            "maybe",
            special_value="",
            rationale="short",
            positions="CIA concurs",
            expected_version="x",
        )
    fields = [error["field"] for error in invalid.value.errors]
    assert fields == ["version", "decision", "special_value", "rationale", "positions"]
    assert counts() == before
    assert AgencyPosition.objects.count() == 0


def test_a_stale_version_is_a_conflict(determine: Determine, case: Case) -> None:
    stale = version(case)
    determine(case, "defer")
    with pytest.raises(Conflict):
        determine(case, "decline", expected_version=stale)
    assert StatusDetermination.objects.filter(case=case).count() == 1


# --- the lifecycle's guard ---------------------------------------------------------------------


def test_a_case_cannot_move_to_exploitation_without_a_grant(
    determine: Determine, case: Case, officer: User
) -> None:
    to_determination(case, officer)
    move_case(
        acting_user=officer, case_id=case.pk, expected_version=version(case), to="determination"
    )
    with pytest.raises(PolicyRefusal) as refused:
        move_case(
            acting_user=officer,
            case_id=case.pk,
            expected_version=version(case),
            to="exploitation",
        )
    assert refused.value.clauses == ("6b(2)",)
    assert "defector status has not been determined" in refused.value.message
    determine(case, "defer")
    with pytest.raises(PolicyRefusal, match="to defer the decision"):
        move_case(
            acting_user=officer,
            case_id=case.pk,
            expected_version=version(case),
            to="exploitation",
        )
    case.refresh_from_db()
    assert case.stage == "determination"


def test_the_guard_is_registered_for_determination_to_exploitation() -> None:
    guards = lifecycle.guards_for("determination", "exploitation")
    assert queries_determination.exploitation_guard in guards


def test_after_a_grant_going_back_and_forward_again_is_allowed(
    determine: Determine, ready: Case, officer: User
) -> None:
    determine(ready, "grant")
    assert queries_determination.exploitation_guard(ready) is None


# --- refugee referral (2f) --------------------------------------------------------------------


def test_a_declined_person_is_referred_as_a_refugee_and_the_case_closed(
    determine: Determine, case: Case, officer: User
) -> None:
    declined = determine(case, "decline")
    referral = actions.refer_as_refugee(
        acting_user=officer,
        case_id=case.pk,
        expected_version=version(case),
        reason="Well-founded fear of persecution for political opinion; no other nationality.",
        referred_to="UNHCR branch office",
    )
    assert referral.determination == declined
    case.refresh_from_db()
    assert case.stage == "determination"
    move_case(
        acting_user=officer,
        case_id=case.pk,
        expected_version=version(case),
        to="closed",
        outcome="referred_refugee",
    )
    case.refresh_from_db()
    assert (case.stage, case.outcome) == ("closed", "referred_refugee")


def test_a_referral_may_close_the_case_in_the_same_step(
    determine: Determine, case: Case, officer: User
) -> None:
    determine(case, "decline")
    actions.refer_as_refugee(
        acting_user=officer,
        case_id=case.pk,
        expected_version=version(case),
        reason="Well-founded fear of persecution for political opinion.",
        close=True,
    )
    case.refresh_from_db()
    assert (case.stage, case.outcome) == ("closed", "referred_refugee")
    assert AuditEvent.objects.filter(action="cases.case.close", cryptonym=case.cryptonym).exists()


@pytest.mark.parametrize("decision", [None, "defer", "grant"])
def test_only_a_declined_person_is_referred_as_a_refugee(
    decision: str | None, determine: Determine, ready: Case, officer: User
) -> None:
    if decision is not None:
        determine(ready, decision)
    with pytest.raises(PolicyRefusal) as refused:
        actions.refer_as_refugee(
            acting_user=officer,
            case_id=ready.pk,
            expected_version=version(ready),
            reason="Well-founded fear of persecution for political opinion.",
        )
    assert "2f" in refused.value.clauses
    assert RefugeeReferral.objects.count() == 0


def test_a_person_is_referred_once(determine: Determine, case: Case, officer: User) -> None:
    determine(case, "decline")
    arguments = {
        "acting_user": officer,
        "case_id": case.pk,
        "reason": "Well-founded fear of persecution for political opinion.",
    }
    actions.refer_as_refugee(expected_version=version(case), **arguments)
    with pytest.raises(InvalidInput, match="already"):
        actions.refer_as_refugee(expected_version=version(case), **arguments)


def test_a_referral_needs_its_reason(determine: Determine, case: Case, officer: User) -> None:
    determine(case, "decline")
    with pytest.raises(InvalidInput) as invalid:
        actions.refer_as_refugee(
            acting_user=officer, case_id=case.pk, expected_version=version(case), reason=" "
        )
    assert invalid.value.errors[0]["field"] == "reason"


def test_the_at_of_a_determination_is_kept(determine: Determine, case: Case) -> None:
    at = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)
    assert determine(case, "defer", at=at).decided_at == at
