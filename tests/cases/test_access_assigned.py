"""The assigned officers' grant of case content (``cases.access.Assigned``, ``6``, ``6b``):
exactly the cases the rule's former ``pk IN (the officer's links)`` admitted, whichever way it
is written to the database (the ``IN`` that SQLite reads, the ``(EXISTS …) IS TRUE`` that
PostgreSQL reads), for lists (:func:`restrict`), single rows (:func:`can`, the compiled test)
and the annotations of a list (:func:`with_may`) — over a table of principals and of cases
that each differ by one condition of the rule."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Model, Q, QuerySet

from defector.cases import access as case_access
from defector.cases.access import CASE_POST_ROLES, CASE_WASHINGTON_ROLES, Assigned
from defector.cases.models import Case, Subject, TimelineEntry
from defector.core import access
from defector.core.access import NOTHING, Action, Principal, any_of, levels_up_to
from defector.core.principals import forget_principal
from support.builders import official_of
from support.fixtures import MakeOfficial
from support.world import World

from .conftest import OpenCase


def legacy_case_content(prefix: str) -> Any:
    """The rule of case content as it was before ``Assigned``: the officers' grant as
    ``pk IN (SELECT case_id FROM links WHERE official_id = …)`` (the reference)."""

    def cases_of(through: type[Model], principal: Principal) -> QuerySet[Any, Any]:
        return through._default_manager.filter(official_id=principal.official_id).values("case_id")

    def rule(principal: Principal, action: Action) -> Q | None:
        if principal.is_administrator or principal.is_auditor or not principal.is_official:
            return NOTHING
        if action not in CASE_POST_ROLES:
            return NOTHING
        cleared = Q(**{f"{prefix}sensitivity__in": levels_up_to(principal.clearance_rank)})
        if any(role in principal.roles for role in CASE_WASHINGTON_ROLES[action]):
            return cleared
        grants: list[Q] = []
        if action in case_access.CUSTODY_ACTIONS and "idc_member" in principal.roles:
            grants.append(Q(**{f"{prefix}in_washington": True}))
        at_post = Q(**{f"{prefix}in_washington": False})
        posts = principal.posts_with(*CASE_POST_ROLES[action])
        if posts:
            grants.append(Q(**{f"{prefix}post_id__in": sorted(posts)}) & at_post)
        for through, actions, role in (
            (Case.officers.through, case_access.CASE_ASSIGNED_ACTIONS, "case_officer"),
            (Case.invited.through, case_access.CASE_INVITED_ACTIONS, "invited_representative"),
        ):
            role_posts = principal.posts_with(role)
            if action in actions and role_posts:
                grants.append(
                    Q(
                        **{
                            f"{prefix}pk__in": cases_of(through, principal),
                            f"{prefix}post_id__in": sorted(role_posts),
                        }
                    )
                    & at_post
                )
        who = any_of(grants)
        return who & cleared if who is not None else NOTHING

    return rule


#: How ``Assigned`` is written: as on this database, or forced to either form on both.
FORMS: dict[str, str | None] = {"native": None, "in": "in", "exists": "exists"}
MODELS: list[tuple[type[Model], str]] = [(Case, ""), (Subject, "case__"), (TimelineEntry, "case__")]


@pytest.fixture
def cast(
    make_official: MakeOfficial,
    world: World,
    officer: User,
    second_officer: User,
    officer_in_bonn: User,
    member: User,
    chair: User,
    senior: User,
    idc: User,
    auditor: User,
    administrator: User,
    no_roles: User,
) -> dict[str, User]:
    return {
        "officer": officer,
        "second officer": second_officer,
        "officer in Bonn": officer_in_bonn,
        "member": member,
        "chair": chair,
        "senior": senior,
        "idc": idc,
        "auditor": auditor,
        "administrator": administrator,
        "no roles": no_roles,
        "invited": make_official("invited.rep", ("invited_representative", world.vienna)),
        "officer and Bonn member": make_official(
            "two.hats", ("case_officer", world.vienna), ("committee_member", world.bonn)
        ),
        "officer and idc": make_official(
            "idc.officer", ("case_officer", world.vienna), ("idc_member", None)
        ),
        "top secret officer": make_official(
            "top.officer",
            ("case_officer", world.vienna),
            clearance="TOP SECRET",
            compartments=(world.alpha, world.bravo),
        ),
    }


@pytest.fixture
def cases(
    cast: dict[str, User], world: World, open_case: OpenCase, officer: User
) -> dict[str, Case]:
    """Cases at VIENNA unless named otherwise, each differing from ``mine`` by one thing."""
    officials = {name: official_of(user) for name, user in cast.items()}
    made = {name: open_case() for name in (
        "mine", "theirs", "shared", "nobody's", "in Bonn", "in Washington", "top secret",
        "alpha", "bravo", "top officer's",
    )}  # fmt: skip
    officers = {
        "mine": ["officer", "two hats"],
        "theirs": ["second officer"],
        "shared": ["officer", "second officer", "idc officer"],
        "nobody's": [],
        "in Bonn": ["officer", "officer in Bonn"],
        "in Washington": ["officer", "idc officer"],
        "top secret": ["officer", "top secret officer"],
        "alpha": ["officer"],
        "bravo": ["officer", "top secret officer"],
        "top officer's": ["top secret officer"],
    }
    names = {"two hats": "officer and Bonn member", "idc officer": "officer and idc"}
    for name, case in made.items():
        case.officers.set([officials[names.get(who, who)] for who in officers[name]])
    made["theirs"].invited.set([officials["invited"]])
    made["in Bonn"].invited.set([officials["invited"]])
    Case.objects.filter(pk=made["in Bonn"].pk).update(post=world.bonn)
    Case.objects.filter(pk=made["in Washington"].pk).update(in_washington=True)
    Case.objects.filter(pk=made["top secret"].pk).update(sensitivity="TOP SECRET")
    made["alpha"].compartments.set([world.alpha])
    made["bravo"].compartments.set([world.bravo])
    for user in cast.values():
        forget_principal(user)
    return made


def _visible(user: User, action: Action, model: type[Model], prefix: str) -> dict[str, set[int]]:
    """The rows ``user`` may ``action``, by each form, and by the legacy rule."""
    principal = access.principal_for(user)
    queryset = model._default_manager.all()
    found: dict[str, set[int]] = {}
    legacy = legacy_case_content(prefix)(principal, action)
    found["legacy"] = (
        set()
        if legacy is None
        else set(access._narrow(principal, legacy, queryset).values_list("pk", flat=True))
    )
    found["restrict"] = set(access.restrict(user, action, queryset).values_list("pk", flat=True))
    rows = list(access.with_may(user, [action], queryset))
    found["with_may"] = {row.pk for row in rows if getattr(row, f"defector_may_{action.value}")}
    access._compiled_test.cache_clear()
    found["can"] = {row.pk for row in rows if Action(action) in access._may(user, [action], row)}
    return found


@pytest.mark.parametrize("form", list(FORMS))
def test_every_form_admits_exactly_the_cases_the_former_rule_did(
    cast: dict[str, User], cases: dict[str, Case], form: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Assigned, "form", FORMS[form])
    access._compiled_test.cache_clear()
    seen_some = 0
    for name, user in cast.items():
        for action in (Action.VIEW, Action.CHANGE, Action.REVEAL):
            for model, prefix in MODELS:
                found = _visible(user, action, model, prefix)
                expected = found.pop("legacy")
                for how, pks in found.items():
                    assert pks == expected, (form, name, action, model.__name__, how)
                seen_some += bool(expected)
    assert seen_some > 20  # the table is not empty
    access._compiled_test.cache_clear()


def test_the_officer_sees_their_own_cases_at_their_post_cleared_and_compartmented(
    cast: dict[str, User], cases: dict[str, Case]
) -> None:
    """The table's reference itself, by name: what each officer may view."""
    by_pk = {case.pk: name for name, case in cases.items()}

    def viewed(who: str) -> set[str]:
        found = access.restrict(cast[who], Action.VIEW, Case.objects.all())
        return {by_pk[pk] for pk in found.values_list("pk", flat=True)}

    assert viewed("officer") == {"mine", "shared", "alpha"}
    assert viewed("second officer") == {"theirs", "shared"}
    assert viewed("officer in Bonn") == {"in Bonn"}
    assert viewed("top secret officer") == {"top secret", "bravo", "top officer's"}
    assert viewed("invited") == {"theirs"}  # "in Bonn" is not at the post they are invited at
    assert viewed("officer and idc") == set(cases) - {"alpha", "bravo", "top secret"}


def test_postgresql_reads_the_officers_grant_as_a_test_of_each_case() -> None:
    """On PostgreSQL the grant is ``(EXISTS …) IS TRUE`` (not pulled up into a semi-join whose
    estimate is one row); elsewhere the ``IN`` of before, the same SQL as the legacy rule's."""
    sql = str(Case.objects.filter(Assigned(7)).query)
    if connection.vendor == "postgresql":
        assert sql.count("IS TRUE") == 1
        assert "EXISTS" in sql
        assert " IN (" not in sql
    else:
        assert "EXISTS" not in sql
        assert '"cases_case"."id" IN (SELECT' in sql
