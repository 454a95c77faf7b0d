"""The directory's actions: validation, who may manage, audit records, nothing partial."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from defector.core import access
from defector.core.errors import InvalidInput, NotFound, PermissionDenied
from defector.core.models import AuditEvent
from defector.directory import actions
from defector.directory.models import Agency, Compartment, Official, Post, RoleAssignment

pytestmark = pytest.mark.django_db


def fields_of(caught: pytest.ExceptionInfo[InvalidInput]) -> set[str]:
    return {error["field"] for error in caught.value.errors}


def last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("seq")


# --- posts and agencies ----------------------------------------------------------------------


def test_an_administrator_adds_a_post_with_its_code_in_capitals(admin: Any) -> None:
    post = actions.create_post(
        acting_user=admin,
        code="rome",
        name="Embassy Rome",
        country="it",
        city="Rome",
    )
    assert (post.code, post.country, post.kind, post.diplomatic_representation) == (
        "ROME",
        "IT",
        "embassy",
        True,
    )
    event = last_event("directory.post.create")
    assert event.actor_id == admin.pk
    assert event.object_id == str(post.pk)
    assert event.before is None
    assert event.after["code"] == "ROME"


def test_a_bad_post_is_refused_with_every_field_named_and_nothing_saved(admin: Any) -> None:
    before = Post.objects.count(), AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as caught:
        actions.create_post(
            acting_user=admin, code="new delhi", name="", country="XX", city="", kind="palace"
        )
    assert fields_of(caught) == {"code", "name", "country", "city", "kind"}
    assert (Post.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize("code", ["vienna", "VIENNA", "Vienna"])
def test_post_codes_are_unique_whatever_their_case(admin: Any, code: str) -> None:
    with pytest.raises(InvalidInput, match="already taken"):
        actions.create_post(
            acting_user=admin, code=code, name="Another", country="AT", city="Vienna"
        )


def test_the_database_refuses_a_code_differing_only_in_case(world: dict[str, Any]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Agency.objects.create(code="cia", name="A second CIA")


def test_a_post_is_abroad_not_in_the_united_states(admin: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        actions.create_post(acting_user=admin, code="DC", name="Main", country="US", city="DC")
    assert caught.value.errors == [
        {
            "field": "country",
            "message": "a post is abroad; United States (US) is the United States or one of "
            "its territories (1)",
        }
    ]


def test_washington_cannot_be_a_post_code(admin: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        actions.create_post(acting_user=admin, code="washington", name="X", country="AT", city="X")
    assert fields_of(caught) == {"code"}


def test_updating_a_post_records_before_and_after(admin: Any, world: dict[str, Any]) -> None:
    vienna = world["vienna"]
    actions.update_post(
        acting_user=admin,
        post_id=vienna.pk,
        changes={
            "name": "Embassy of the United States, Vienna",
            "diplomatic_representation": False,
        },
    )
    vienna.refresh_from_db()
    assert vienna.name == "Embassy of the United States, Vienna"
    event = last_event("directory.post.update")
    assert event.before["name"] == "Embassy Vienna"
    assert event.before["diplomatic_representation"] is True
    assert event.after["name"] == "Embassy of the United States, Vienna"
    assert event.after["diplomatic_representation"] is False


def test_an_update_that_changes_nothing_writes_no_audit_record(
    admin: Any, world: dict[str, Any]
) -> None:
    count = AuditEvent.objects.count()
    actions.update_post(acting_user=admin, post_id=world["vienna"].pk, changes={"code": "vienna"})
    assert AuditEvent.objects.count() == count


def test_an_unknown_field_cannot_be_changed(admin: Any, world: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput) as caught:
        actions.update_agency(acting_user=admin, agency_id=world["cia"].pk, changes={"id": 7})
    assert fields_of(caught) == {"id"}


def test_someone_who_is_not_an_administrator_cannot_create(officer: Any) -> None:
    with pytest.raises(PermissionDenied):
        actions.create_agency(acting_user=officer, code="NSA", name="National Security Agency")
    with pytest.raises(PermissionDenied):
        actions.create_post(acting_user=officer, code="ROME", name="R", country="IT", city="R")
    assert not Agency.objects.filter(code="NSA").exists()


def test_to_someone_who_is_not_an_administrator_a_post_to_change_does_not_exist(
    officer: Any, world: dict[str, Any]
) -> None:
    with pytest.raises(NotFound):
        actions.update_post(acting_user=officer, post_id=world["vienna"].pk, changes={"city": "X"})
    with pytest.raises(NotFound):
        actions.update_agency(acting_user=officer, agency_id=world["cia"].pk, changes={})


def test_a_superuser_counts_as_an_administrator(world: dict[str, Any]) -> None:
    root = get_user_model().objects.create_user(username="root", password=None, is_superuser=True)
    agency = actions.create_agency(acting_user=root, code="FBI", name="Federal Bureau")
    assert agency.code == "FBI"


def test_an_operator_at_the_console_is_recorded_as_the_system(db: Any) -> None:
    agency = actions.create_agency(acting_user=None, code="USIA", name="US Information Agency")
    event = last_event("directory.agency.create")
    assert event.actor_id is None
    assert event.actor_name == "system"
    assert event.reason == actions.OPERATOR
    assert event.object_id == str(agency.pk)


def test_a_compartment_code_is_unique(admin: Any, world: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput, match="already taken"):
        actions.create_compartment(acting_user=admin, code="harbor", name="Again")
    assert Compartment.objects.count() == 1


# --- officials -------------------------------------------------------------------------------


def test_an_official_is_created_with_an_account_roles_and_compartments(
    admin: Any, world: dict[str, Any]
) -> None:
    official = actions.create_official(
        acting_user=admin,
        username="martin.hale",
        first_name="Martin",
        last_name="Hale",
        email="martin.hale@example.gov",
        title="Deputy Chief of Station",
        agency="cia",
        post="vienna",
        clearance="top secret",
        compartments=["harbor"],
        roles=[("committee_chair", "VIENNA"), ("committee_member", "VIENNA")],
    )
    assert official.user.get_username() == "martin.hale"
    assert not official.user.has_usable_password()
    assert (official.agency.code, official.post, official.clearance) == (
        "CIA",
        world["vienna"],
        "TOP SECRET",
    )
    assert [c.code for c in official.compartments.all()] == ["HARBOR"]
    assert sorted(official.roles.values_list("role", flat=True)) == [
        "committee_chair",
        "committee_member",
    ]
    created = last_event("directory.official.create")
    assert created.after["username"] == "martin.hale"
    assert created.after["compartments"] == ["HARBOR"]
    assert (
        AuditEvent.objects.filter(action="directory.role.grant", seq__gt=created.seq).count() == 2
    )
    principal = access.principal_for(official.user)
    assert principal.posts_with("committee_chair") == {world["vienna"].pk}


def test_a_bad_official_is_refused_with_every_field_and_no_account_is_left(
    admin: Any, world: dict[str, Any]
) -> None:
    users = get_user_model().objects.count()
    with pytest.raises(InvalidInput) as caught:
        actions.create_official(
            acting_user=admin,
            username="bad name!",
            email="not-an-address",
            agency="KGB",
            post="MOSCOW",
            clearance="COSMIC",
            compartments=["NOPE"],
            roles=[("committee_chair", None), ("auditor", "VIENNA"), ("spy", None)],
            password="short",
        )
    assert fields_of(caught) == {
        "username",
        "email",
        "agency",
        "post",
        "clearance",
        "compartments",
        "roles",
        "password",
    }
    roles = [e["message"] for e in caught.value.errors if e["field"] == "roles"]
    assert len(roles) == 3
    assert get_user_model().objects.count() == users
    assert not Official.objects.filter(user__username="bad name!").exists()


def test_a_taken_username_is_refused_unless_the_account_is_to_be_linked(
    admin: Any, world: dict[str, Any]
) -> None:
    existing = get_user_model().objects.create_user(username="owen.park", password=None)
    with pytest.raises(InvalidInput, match="already taken"):
        actions.create_official(
            acting_user=admin, username="Owen.Park", agency="STATE", clearance="SECRET"
        )
    official = actions.create_official(
        acting_user=admin,
        username="owen.park",
        agency="STATE",
        clearance="SECRET",
        first_name="Owen",
        link_existing=True,
    )
    assert official.user == existing
    with pytest.raises(InvalidInput, match="already in the directory"):
        actions.create_official(
            acting_user=admin,
            username="owen.park",
            agency="STATE",
            clearance="SECRET",
            link_existing=True,
        )


def test_an_inactive_agency_is_offered_for_nothing_new(admin: Any, world: dict[str, Any]) -> None:
    actions.update_agency(acting_user=admin, agency_id=world["state"].pk, changes={"active": False})
    with pytest.raises(InvalidInput, match="STATE is inactive"):
        actions.create_official(
            acting_user=admin, username="new.person", agency="STATE", clearance="SECRET"
        )


def test_updating_an_official_moves_them_to_washington_with_before_and_after(
    admin: Any, make_official: Callable[..., Official]
) -> None:
    official = make_official("paul.lindqvist", title="Defense Attaché")
    actions.update_official(
        acting_user=admin,
        official_id=official.pk,
        changes={"post": None, "clearance": "TOP SECRET", "last_name": "Lindqvist-Berg"},
    )
    official.refresh_from_db()
    official.user.refresh_from_db()
    assert official.post is None
    assert official.clearance == "TOP SECRET"
    assert official.user.last_name == "Lindqvist-Berg"
    event = last_event("directory.official.update")
    assert (event.before["post_code"], event.after["post_code"]) == ("VIENNA", None)
    assert (event.before["clearance"], event.after["clearance"]) == ("SECRET", "TOP SECRET")


def test_a_post_role_needs_a_post_and_other_roles_none(
    admin: Any, make_official: Callable[..., Official]
) -> None:
    official = make_official("grace.whitfield")
    with pytest.raises(InvalidInput, match="held at a post"):
        actions.grant_role(acting_user=admin, official_id=official.pk, role="case_officer")
    with pytest.raises(InvalidInput, match="held without a post"):
        actions.grant_role(
            acting_user=admin, official_id=official.pk, role="idc_member", post="VIENNA"
        )
    assert not official.roles.exists()


def test_the_database_refuses_a_post_role_without_a_post(
    make_official: Callable[..., Official],
) -> None:
    official = make_official("kenji.mori")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(official=official, role="committee_chair", post=None)


def test_the_database_refuses_a_washington_role_held_twice(
    make_official: Callable[..., Official],
) -> None:
    official = make_official("owen.park", ("idc_member", None))
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(official=official, role="idc_member", post=None)


def test_granting_and_revoking_a_role_is_audited_and_refreshes_access(
    admin: Any, make_official: Callable[..., Official], world: dict[str, Any]
) -> None:
    official = make_official("ellen.draper", post="TOKYO")
    user = official.user
    assert access.principal_for(user).posts_with("committee_chair") == set()
    assignment = actions.grant_role(
        acting_user=admin, official_id=official.pk, role="committee_chair", post="tokyo"
    )
    assert assignment.post == world["tokyo"]
    granted = last_event("directory.role.grant")
    assert granted.after["post_code"] == "TOKYO"
    assert granted.after["role"] == "committee_chair"
    with pytest.raises(InvalidInput, match="already holds"):
        actions.grant_role(
            acting_user=admin, official_id=official.pk, role="committee_chair", post="TOKYO"
        )
    actions.revoke_role(acting_user=admin, official_id=official.pk, role_id=assignment.pk)
    revoked = last_event("directory.role.revoke")
    assert revoked.before["role"] == "committee_chair"
    assert revoked.after is None
    assert revoked.object_id == str(assignment.pk)
    assert not official.roles.exists()


def test_a_role_of_another_official_cannot_be_revoked_through_this_one(
    admin: Any, make_official: Callable[..., Official]
) -> None:
    one = make_official("one.person", ("case_officer", "VIENNA"))
    other = make_official("other.person")
    with pytest.raises(NotFound):
        actions.revoke_role(acting_user=admin, official_id=other.pk, role_id=one.roles.get().pk)


def test_an_administrator_cannot_revoke_their_own_administrator_role(admin: Any) -> None:
    own = admin.official.roles.get(role="administrator")
    with pytest.raises(InvalidInput, match="your own administrator role"):
        actions.revoke_role(acting_user=admin, official_id=admin.official.pk, role_id=own.pk)
    assert admin.official.roles.filter(pk=own.pk).exists()


def test_someone_who_is_not_an_administrator_cannot_grant_roles(
    officer: Any, make_official: Callable[..., Official]
) -> None:
    other = make_official("other.person")
    with pytest.raises(NotFound):
        actions.grant_role(
            acting_user=officer, official_id=other.pk, role="committee_chair", post="VIENNA"
        )
    with pytest.raises(NotFound):
        actions.grant_role(
            acting_user=officer,
            official_id=officer.official.pk,
            role="administrator",
        )
    assert not officer.official.roles.filter(role="administrator").exists()


def test_compartments_are_set_exactly(admin: Any, make_official: Callable[..., Official]) -> None:
    actions.create_compartment(acting_user=admin, code="LANTERN", name="Lantern")
    official = make_official("iris.novak", compartments=["HARBOR"])
    actions.set_compartments(acting_user=admin, official_id=official.pk, compartments=["lantern"])
    assert [c.code for c in official.compartments.all()] == ["LANTERN"]
    event = last_event("directory.official.set_compartments")
    assert (event.before["compartments"], event.after["compartments"]) == (["HARBOR"], ["LANTERN"])
    with pytest.raises(InvalidInput, match="no compartment"):
        actions.set_compartments(acting_user=admin, official_id=official.pk, compartments=["X"])


def test_a_deactivated_official_cannot_sign_in_and_keeps_the_record(
    admin: Any, make_official: Callable[..., Official]
) -> None:
    official = make_official("gone.person", ("case_officer", "VIENNA"))
    actions.deactivate_official(acting_user=admin, official_id=official.pk, reason="left post")
    official.user.refresh_from_db()
    assert not official.user.is_active
    assert access.principal_for(official.user) == access.ANONYMOUS
    event = last_event("directory.official.deactivate")
    assert (event.before["active"], event.after["active"], event.reason) == (
        True,
        False,
        "left post",
    )
    assert Official.objects.filter(pk=official.pk).exists()
    with pytest.raises(InvalidInput, match="deactivated"):
        actions.grant_role(
            acting_user=admin, official_id=official.pk, role="committee_member", post="VIENNA"
        )
    actions.reactivate_official(acting_user=admin, official_id=official.pk)
    official.user.refresh_from_db()
    assert official.user.is_active


def test_an_administrator_cannot_deactivate_themself(admin: Any) -> None:
    with pytest.raises(InvalidInput, match="yourself"):
        actions.deactivate_official(acting_user=admin, official_id=admin.official.pk)


# --- names that could pass for someone else's (UTS #39) -----------------------------------------


def new_official(admin: Any, **names: str) -> Official:
    return actions.create_official(
        acting_user=admin, agency="STATE", clearance="SECRET", **{"username": "x.y", **names}
    )


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("username", "duty.\u043efficer", "mixes scripts"),  # a Cyrillic о
        ("username", "\uff44\uff55\uff54\uff59", "full-width"),
        ("first_name", "D\u0443ty", "mixes scripts"),  # a Cyrillic у
        ("last_name", "Officer\u202eregdab", "direction-changing"),
        ("last_name", "Off\u200bicer", "invisible"),
        ("first_name", "\uff24uty", "full-width"),
    ],
    ids=[
        "a Cyrillic letter in a Latin username",
        "a full-width username",
        "a Cyrillic letter in a Latin first name",
        "a right-to-left override in a last name",
        "a zero-width space in a last name",
        "a full-width letter in a first name",
    ],
)
def test_a_name_that_could_pass_for_another_is_refused_naming_the_field(
    admin: Any, world: dict[str, Any], field: str, value: str, fragment: str
) -> None:
    users = get_user_model().objects.count()
    with pytest.raises(InvalidInput) as caught:
        new_official(admin, **{field: value})
    assert fields_of(caught) == {field}
    assert fragment in caught.value.errors[0]["message"]
    assert get_user_model().objects.count() == users


def test_a_username_with_the_skeleton_of_an_existing_account_is_refused(
    admin: Any, world: dict[str, Any]
) -> None:
    new_official(admin, username="duty.officer")
    with pytest.raises(InvalidInput, match=r"looks the same as the account duty\.officer"):
        new_official(admin, username="DUTY.0FFICER")


def test_a_display_name_is_checked_when_it_is_changed_too(
    admin: Any, world: dict[str, Any]
) -> None:
    official = new_official(admin, first_name="Duty")
    with pytest.raises(InvalidInput) as caught:
        actions.update_official(
            acting_user=admin, official_id=official.pk, changes={"last_name": "\u202eOfficer"}
        )
    assert fields_of(caught) == {"last_name"}


@pytest.mark.parametrize("name", ["Иван", "María-José", "O'Brien", "李小龍", "Иван Smith"])
def test_names_written_in_one_script_per_word_are_accepted(
    admin: Any, world: dict[str, Any], name: str
) -> None:
    official = new_official(admin, first_name=name, last_name=name)
    assert official.user.first_name == name
