"""Opening a case at intake (``6b(1)``) through the action: who may, what is checked, what is
sealed, and what the audit chain records."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection

from defector.cases import actions
from defector.cases.models import Case, Subject
from defector.core.access import forget_principal
from defector.core.errors import InvalidInput, PermissionDenied
from defector.core.models import AuditEvent
from defector.core.sealing import Sealed, open_sealed

pytestmark = pytest.mark.django_db

Counts = Callable[[], tuple[int, int, int]]


def fields_of(error: InvalidInput) -> set[str]:
    return {item["field"] for item in error.errors}


# --- what is saved -------------------------------------------------------------------------


def test_a_walk_in_gets_a_case_with_a_cryptonym_and_a_subject(
    open_case: Any, world: Any, officer: User
) -> None:
    case = open_case()
    assert case.pk is not None
    assert case.cryptonym.isalpha()
    assert case.cryptonym.isupper()
    assert case.post == world.vienna
    assert case.sensitivity == "SECRET"
    assert case.kind == "walk_in"
    assert case.opened_by is not None
    assert case.opened_by.user == officer
    assert Subject.objects.filter(case=case).count() == 1


def test_the_acting_case_officer_is_assigned_with_the_named_officers(
    open_case: Any, officer: User, second_officer: User
) -> None:
    case = open_case(officer_ids=[second_officer.official.pk])
    assigned = {official.user.username for official in case.officers.all()}
    assert assigned == {officer.username, second_officer.username}


def test_a_committee_chair_who_opens_a_case_is_not_made_its_officer(
    open_case: Any, chair: User
) -> None:
    case = open_case(acting_user=chair)
    assert list(case.officers.all()) == []
    assert case.opened_by is not None
    assert case.opened_by.user == chair


def test_the_compartments_given_are_set(open_case: Any, world: Any) -> None:
    case = open_case(compartments=["ALPHA"])
    assert [c.code for c in case.compartments.all()] == ["ALPHA"]


def test_the_true_name_is_stored_sealed(open_case: Any, identity: dict[str, str]) -> None:
    case = open_case()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT true_name, aliases, birth_date, birth_place, identity_documents "
            "FROM cases_subject WHERE case_id = %s",
            [case.pk],
        )
        raw = cursor.fetchone()
    assert raw is not None
    for column in raw:
        assert column.startswith("v1.")
    stored = " ".join(raw)
    for value in identity.values():
        assert value not in stored
        for part in value.split():
            if len(part) >= 6:  # a shorter piece could turn up in random base64 by chance
                assert part not in stored


def test_a_loaded_subject_shows_nothing_until_opened(
    open_case: Any, identity: dict[str, str]
) -> None:
    subject = Subject.objects.get(case=open_case())
    assert isinstance(subject.true_name, Sealed)
    assert str(subject.true_name) == "[sealed]"
    assert identity["true_name"] not in repr(subject.true_name)
    assert open_sealed(subject, "true_name") == identity["true_name"]


def test_identity_fields_left_empty_are_not_recorded(open_case: Any) -> None:
    case = open_case(aliases="", birth_place="   ", identity_documents="")
    subject = Subject.objects.get(case=case)
    assert subject.aliases is None
    assert subject.birth_place is None
    assert subject.identity_documents is None


@pytest.mark.parametrize("birth_date", ["1930", "1930-10", "1930-10-11"])
def test_a_date_of_birth_may_be_as_precise_as_is_known(open_case: Any, birth_date: str) -> None:
    subject = Subject.objects.get(case=open_case(birth_date=birth_date))
    assert open_sealed(subject, "birth_date") == birth_date


def test_reported_persons_are_opened_with_their_kind(open_case: Any) -> None:
    assert open_case(kind="potential_defector").kind == "potential_defector"
    assert open_case(kind="disaffected_person").kind == "disaffected_person"


# --- the audit record ----------------------------------------------------------------------


def test_opening_a_case_records_one_audit_event_with_the_identity_masked(
    open_case: Any, officer: User, identity: dict[str, str]
) -> None:
    # The case's own records: on SQLite the intake's name trace writes its own record in the
    # intake's transaction too (traces.actions.intake), after the case's.
    own = AuditEvent.objects.exclude(action="traces.trace.run")
    before = own.count()
    case = open_case(compartments=["ALPHA"], aliases="")
    assert own.count() == before + 1
    event = own.order_by("-seq").first()
    assert event is not None
    assert event.action == "cases.case.open"
    assert event.object_type == "cases.case"
    assert event.object_id == str(case.pk)
    assert event.cryptonym == case.cryptonym
    assert event.actor_id == officer.pk
    after = event.after
    assert after["cryptonym"] == case.cryptonym
    assert after["post"] == case.post_id
    assert after["sensitivity"] == "SECRET"
    assert after["compartments"] == ["ALPHA"]
    assert after["officers"] == [officer.official.pk]
    assert after["subject"]["true_name"] == "[sealed]"
    assert after["subject"]["birth_date"] == "[sealed]"
    assert after["subject"]["aliases"] is None
    recorded = json.dumps({"after": event.after, "reason": event.reason, "actor": event.actor_name})
    for value in identity.values():
        assert value not in recorded


def test_no_log_line_carries_the_true_name(
    open_case: Any, identity: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        open_case()
        with pytest.raises(InvalidInput):
            open_case(sensitivity="NOPE")
    assert identity["true_name"] not in caplog.text


# --- validation: every bad field named, nothing partial saved ------------------------------


def test_every_bad_field_is_named_and_nothing_is_saved(
    open_case: Any, counts: Counts, world: Any
) -> None:
    before = counts()
    with pytest.raises(InvalidInput) as caught:
        open_case(
            post_id=999_999,
            sensitivity="COSMIC",
            compartments=["NOSUCH"],
            kind="tourist",
            true_name="x" * 301,
            birth_date="11/10/1930",
            identity_documents="bad\x00byte",
            officer_ids=["one"],
        )
    assert fields_of(caught.value) == {
        "post_id",
        "sensitivity",
        "compartments",
        "kind",
        "true_name",
        "birth_date",
        "identity_documents",
        "officer_ids",
    }
    assert counts() == before


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"post_id": None}, "post_id", "is required"),
        ({"post_id": "abc"}, "post_id", "is required"),
        ({"post_id": 999_999}, "post_id", "there is no such post"),
        ({"sensitivity": ""}, "sensitivity", "must be one of"),
        ({"sensitivity": "TOP SECRET"}, "sensitivity", "above your clearance"),
        ({"compartments": ["BRAVO"]}, "compartments", "not read into BRAVO"),
        ({"compartments": ["NOSUCH"]}, "compartments", "no compartment NOSUCH"),
        ({"compartments": "ALPHA"}, "compartments", "must be a list"),
        ({"kind": "tourist"}, "kind", "must be one of"),
        ({"true_name": "x" * 301}, "true_name", "at most 300 characters"),
        ({"aliases": "a\x07b"}, "aliases", "control characters"),
        ({"birth_date": "1930-02-30"}, "birth_date", "not a real date"),
        ({"birth_date": "3000-01-01"}, "birth_date", "in the future"),
        ({"birth_date": "1200"}, "birth_date", "before 1850"),
        ({"birth_date": "October 1930"}, "birth_date", "YYYY-MM-DD"),
        ({"officer_ids": [999_999]}, "officer_ids", "no official 999999"),
        ({"officer_ids": "12"}, "officer_ids", "must be a list"),
    ],
    ids=[
        "a missing post is named",
        "a post id that is not a number is named",
        "an unknown post is named",
        "a missing sensitivity is named",
        "a sensitivity above the user's clearance is refused",
        "a compartment the user does not hold is refused",
        "an unknown compartment is named",
        "compartments that are not a list are refused",
        "an unknown kind of intake is named",
        "an overlong true name is refused",
        "control characters in a sealed field are refused",
        "an impossible date of birth is refused",
        "a date of birth in the future is refused",
        "an implausibly early date of birth is refused",
        "a date of birth in another format is refused",
        "an unknown officer is named",
        "officers that are not a list are refused",
    ],
)
def test_each_bad_field_is_refused_with_its_reason(
    open_case: Any,
    counts: Counts,
    overrides: dict[str, Any],
    field: str,
    message: str,
) -> None:
    before = counts()
    with pytest.raises(InvalidInput) as caught:
        open_case(**overrides)
    assert fields_of(caught.value) == {field}
    assert message in caught.value.errors[0]["message"]
    assert counts() == before


def test_an_error_about_a_sealed_field_never_quotes_its_value(open_case: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        open_case(birth_date="born 1930 in Horlivka", true_name="Shevchenko" * 40)
    assert "Horlivka" not in caught.value.message
    assert "Shevchenko" not in caught.value.message


def test_an_inactive_post_is_refused(open_case: Any, world: Any, make_official: Any) -> None:
    user = make_official("saigon.officer", ("case_officer", world.closed))
    with pytest.raises(InvalidInput) as caught:
        open_case(acting_user=user, post_id=world.closed.pk)
    assert caught.value.errors == [{"field": "post_id", "message": "the post is not active"}]


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("officer_in_bonn", "is not a case officer at VIENNA"),
        ("member", "is not a case officer at VIENNA"),
    ],
    ids=[
        "a case officer of another post cannot be assigned",
        "a committee member cannot be assigned as an officer",
    ],
)
def test_only_case_officers_of_the_post_can_be_assigned(
    open_case: Any, request: pytest.FixtureRequest, who: str, message: str
) -> None:
    other: User = request.getfixturevalue(who)
    with pytest.raises(InvalidInput) as caught:
        open_case(officer_ids=[other.official.pk])
    assert message in caught.value.errors[0]["message"]


def test_an_officer_not_cleared_for_the_case_cannot_be_assigned(
    open_case: Any, make_official: Any, world: Any
) -> None:
    low = make_official("low.officer", ("case_officer", world.vienna), clearance="CONFIDENTIAL")
    with pytest.raises(InvalidInput, match="not cleared"):
        open_case(officer_ids=[low.official.pk])
    with pytest.raises(InvalidInput, match="not read into every compartment"):
        open_case(compartments=["ALPHA"], officer_ids=[low.official.pk], sensitivity="CONFIDENTIAL")


# --- who may open a case -------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["officer", "member", "chair", "senior"], ids=lambda who: f"the post's {who} may"
)
def test_the_posts_officials_with_an_intake_role_may_open_a_case(
    open_case: Any, request: pytest.FixtureRequest, who: str
) -> None:
    user: User = request.getfixturevalue(who)
    case = open_case(acting_user=user, compartments=[])
    assert Case.objects.filter(pk=case.pk).exists()


@pytest.mark.parametrize(
    "who",
    ["idc", "auditor", "administrator", "no_roles", "not_an_official"],
    ids=[
        "an IDC member in Washington may not",
        "an auditor may not",
        "an administrator may not",
        "an official without roles may not",
        "a user who is no official may not",
    ],
)
def test_others_may_not_open_a_case(
    open_case: Any, counts: Counts, request: pytest.FixtureRequest, who: str
) -> None:
    user: User = request.getfixturevalue(who)
    before = counts()
    with pytest.raises(PermissionDenied) as caught:
        open_case(acting_user=user)
    assert caught.value.clauses == ("6b(1)",)
    assert counts() == before


def test_an_official_may_not_open_a_case_at_another_post(
    open_case: Any, counts: Counts, officer_in_bonn: User, world: Any
) -> None:
    before = counts()
    with pytest.raises(PermissionDenied, match="at VIENNA"):
        open_case(acting_user=officer_in_bonn, post_id=world.vienna.pk)
    assert counts() == before


def test_an_invited_representative_may_not_open_a_case(
    open_case: Any, make_official: Any, world: Any
) -> None:
    guest = make_official("invited.guest", ("invited_representative", world.vienna))
    with pytest.raises(PermissionDenied):
        open_case(acting_user=guest)


def test_a_role_granted_later_takes_effect_once_the_principal_is_forgotten(
    open_case: Any, no_roles: User, world: Any
) -> None:
    from defector.directory.models import RoleAssignment

    with pytest.raises(PermissionDenied):
        open_case(acting_user=no_roles)
    RoleAssignment.objects.create(
        official=no_roles.official, role="case_officer", post=world.vienna
    )
    forget_principal(no_roles)
    assert open_case(acting_user=no_roles).pk is not None


def test_the_opener_sees_the_case_they_opened(open_case: Any, officer: User) -> None:
    from defector.cases import queries

    case = open_case(compartments=["ALPHA"])
    assert list(queries.cases_for(officer)) == [case]


def test_actions_take_the_acting_user_by_keyword_only() -> None:
    import inspect

    for action in (actions.open_case, actions.reveal_subject_field):
        parameter = inspect.signature(action).parameters["acting_user"]
        assert parameter.kind is inspect.Parameter.KEYWORD_ONLY


def test_a_cryptonym_taken_by_a_concurrent_intake_is_drawn_again(
    open_case: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from defector.cases import cryptonyms

    first = open_case()
    draws = iter([first.cryptonym, "ZRNEWWORD"])  # as if another intake took it meanwhile
    # The intake's first draw (unchecked), then one among the free ones.
    monkeypatch.setattr(cryptonyms, "draw", lambda: next(draws))
    monkeypatch.setattr(cryptonyms, "new_cryptonym", lambda: next(draws))
    second = open_case()
    assert second.cryptonym == "ZRNEWWORD"
    assert Case.objects.count() == 2
