"""Revealing a sealed field of a case's subject through the action: a reason, the right role,
one audit record — and for everyone else, nothing at all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases import actions, queries
from defector.cases.models import Subject
from defector.core.errors import InvalidInput, NotFound, PermissionDenied
from defector.core.models import AuditEvent
from defector.core.sealing import SealingError

pytestmark = pytest.mark.django_db

REASON = "Name trace requested by the committee for bona fides"


@pytest.fixture
def case(open_case: Callable[..., Any]) -> Any:
    """A SECRET walk-in at VIENNA, opened by ``officer`` (who is assigned to it)."""
    return open_case()


def reveal(user: User, case: Any, field: str = "true_name", reason: str = REASON) -> str:
    return actions.reveal_subject_field(
        acting_user=user, case_id=case.pk, field_name=field, reason=reason
    )


@pytest.mark.parametrize(
    "who",
    ["officer", "chair"],
    ids=[
        "the assigned case officer may reveal",
        "the committee chair may reveal",
    ],
)
def test_allowed_officials_get_the_value_and_one_audit_event_with_the_reason(
    case: Any, identity: dict[str, str], request: pytest.FixtureRequest, who: str
) -> None:
    user: User = request.getfixturevalue(who)
    before = AuditEvent.objects.count()
    assert reveal(user, case) == identity["true_name"]
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert event.action == "sealed.reveal"
    assert event.actor_id == user.pk
    assert event.reason == REASON
    assert event.cryptonym == case.cryptonym
    assert event.object_type == "cases.subject"
    assert event.after == {"field": "true_name"}
    assert identity["true_name"] not in str(event.after) + event.reason


@pytest.mark.parametrize("field", ["aliases", "birth_date", "birth_place", "identity_documents"])
def test_every_sealed_field_can_be_revealed(
    case: Any, officer: User, identity: dict[str, str], field: str
) -> None:
    assert reveal(officer, case, field) == identity[field]


@pytest.mark.parametrize(
    "reason", ["", "   ", "because"], ids=["no reason", "a blank reason", "a short reason"]
)
def test_a_reveal_needs_a_reason(case: Any, officer: User, reason: str) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as caught:
        reveal(officer, case, reason=reason)
    assert [error["field"] for error in caught.value.errors] == ["reason"]
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    "who",
    [
        "second_officer",
        "officer_in_bonn",
        "auditor",
        "administrator",
        "no_roles",
        "not_an_official",
    ],
    ids=[
        "a case officer of the post not assigned to the case gets not found",
        "a case officer of another post gets not found",
        "an auditor gets not found",
        "an administrator gets not found",
        "an official without roles gets not found",
        "a user who is no official gets not found",
    ],
)
def test_those_who_may_not_see_the_case_get_not_found_and_leave_no_record(
    case: Any, request: pytest.FixtureRequest, who: str
) -> None:
    user: User = request.getfixturevalue(who)
    before = AuditEvent.objects.count()
    with pytest.raises(NotFound):
        reveal(user, case)
    with pytest.raises(NotFound):
        reveal(user, case, reason="")  # the reason is not checked before access
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    "who",
    ["member", "senior", "idc"],
    ids=[
        "a committee member who sees the case may not reveal",
        "the senior US representative, who sees the case for 7a, may not reveal",
        "an IDC member who sees the case may not reveal",
    ],
)
def test_those_who_see_the_case_but_may_not_reveal_are_refused(
    case: Any, request: pytest.FixtureRequest, who: str
) -> None:
    user: User = request.getfixturevalue(who)
    assert queries.case_detail(user, case.pk) is not None
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        reveal(user, case)
    assert AuditEvent.objects.count() == before


def test_a_chair_not_read_into_the_cases_compartment_gets_not_found(
    open_case: Callable[..., Any], chair: User
) -> None:
    compartmented = open_case(compartments=["ALPHA"])
    with pytest.raises(NotFound):
        reveal(chair, compartmented)


def test_a_chair_cleared_below_the_cases_level_gets_not_found(
    open_case: Callable[..., Any], make_official: Any, world: Any
) -> None:
    low_chair = make_official(
        "low.chair", ("committee_chair", world.vienna), clearance="CONFIDENTIAL"
    )
    with pytest.raises(NotFound):
        reveal(low_chair, open_case())


def test_an_unknown_case_is_not_found(officer: User, case: Any) -> None:
    with pytest.raises(NotFound):
        actions.reveal_subject_field(
            acting_user=officer, case_id=case.pk + 1000, field_name="true_name", reason=REASON
        )
    with pytest.raises(NotFound):
        actions.reveal_subject_field(
            acting_user=officer, case_id="x", field_name="true_name", reason=REASON
        )


def test_an_unknown_field_is_named(case: Any, officer: User) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as caught:
        reveal(officer, case, field="seal_uid")
    assert caught.value.errors[0]["field"] == "field"
    assert AuditEvent.objects.count() == before


def test_a_field_with_nothing_recorded_is_not_revealed(
    open_case: Callable[..., Any], officer: User
) -> None:
    bare = open_case(aliases="")
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput, match="nothing is recorded"):
        reveal(officer, bare, field="aliases")
    assert AuditEvent.objects.count() == before


def test_a_value_moved_from_another_row_does_not_open_and_the_attempt_is_recorded(
    open_case: Callable[..., Any], officer: User
) -> None:
    first, second = open_case(), open_case()
    moved = Subject.objects.get(case=second).true_name
    Subject.objects.filter(case=first).update(true_name=moved)
    before = AuditEvent.objects.count()
    with pytest.raises(SealingError):
        reveal(officer, first)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert event.action == "sealed.reveal_failed"
    assert event.reason == REASON
