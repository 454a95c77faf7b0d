"""The reads a walk-in's intake makes, prepared once (``core.prepared``), give what the
querysets they replace give: the acting official, the post, the obligations' owners' role
holders, the committee and officers told of a case, Washington's records, a post's clocks, a
subject's candidates in the blind index, and a case's first nationality."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db.models import Count, Q

from defector.cases.actions import facts as facts_actions
from defector.cases.choices import OBLIGATION_OWNER_ROLES
from defector.cases.models import Case
from defector.directory.models import Official, RoleAssignment
from defector.directory.queries import acting_official
from defector.notifications.actions import POST_MEMBER_ROLES, post_officials
from defector.powers.models import Power
from defector.powers.queries import as_value, every_record
from defector.traces import blind, search
from defector.traces.choices import IndexedKind
from defector.traces.models import IndexTerm
from support.world import World

pytestmark = pytest.mark.django_db

FACTS: dict[str, Any] = {"nationalities": ["PL", "SU"], "threat_information": True}


def _fields(obj: Any) -> dict[str, Any]:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def test_the_acting_official_is_read_with_its_agency_post_and_user_as_select_related_reads_it(
    officer: User,
) -> None:
    read = acting_official(officer)
    assert read is not None
    expected = Official.objects.select_related("agency", "post", "user").get(user=officer)
    assert _fields(read) == _fields(expected)
    for name in ("agency", "post", "user"):
        assert Official._meta.get_field(name).is_cached(read)
        assert _fields(getattr(read, name)) == _fields(getattr(expected, name))
    assert str(read) == str(expected)


def test_the_committee_and_officers_told_of_a_case_are_those_the_queryset_finds(
    open_case: Any,
    world: World,
    member: User,
    chair: User,
    senior: User,
    second_officer: User,
    officer_in_bonn: User,
) -> None:
    senior.is_active = False
    senior.save(update_fields=["is_active"])
    case = open_case(officer_ids=[second_officer.official.pk])
    for roles in (POST_MEMBER_ROLES, ("committee_chair",), ("case_officer",)):
        for assigned in (None, case):
            holds = Q(
                pk__in=RoleAssignment.objects.filter(
                    post=world.vienna, role__in=list(roles)
                ).values("official_id")
            )
            if assigned is not None:
                holds |= Q(
                    pk__in=assigned.officers.through.objects.filter(case=assigned).values(
                        "official_id"
                    )
                )
            expected = list(
                Official.objects.filter(holds, user__is_active=True)
                .select_related("user")
                .order_by("pk")
            )
            read = post_officials(world.vienna, roles, assigned_to=assigned)
            assert [_fields(o) for o in read] == [_fields(o) for o in expected], roles
            assert [_fields(o.user) for o in read] == [_fields(o.user) for o in expected]
    assert senior.official.pk not in {o.pk for o in post_officials(world.vienna)}


def test_an_obligation_goes_to_the_posts_one_chair_who_may_see_the_case(
    open_case: Any, chair: User, senior: User, make_official: Any, world: World
) -> None:
    case = open_case()
    roles = sorted(set(OBLIGATION_OWNER_ROLES.values()))
    owners = facts_actions._owners_by_role(case, roles)
    assert owners["committee_chair"] == chair.official
    assert owners["senior_representative"] == senior.official
    make_official("second.chair", ("committee_chair", world.vienna))
    owners = facts_actions._owners_by_role(case, roles)
    assert owners["committee_chair"] is None  # two chairs: the acting official owns it
    assert owners["senior_representative"] == senior.official


def test_washingtons_records_are_read_in_their_order_as_values(world: World) -> None:
    assert every_record() == [as_value(p) for p in Power.objects.order_by("starts_on", "id")]


def _expected_candidates(kind: IndexedKind, names: list[str]) -> list[int]:
    column = "entry_id" if kind == IndexedKind.ENTRY else "subject_id"
    ranked: dict[int, int] = {}
    for key_id in sorted(blind.known_key_ids()):
        digests = sorted(blind.digests_of(names, key_id))
        if not digests:
            continue
        rows = (
            IndexTerm.objects.filter(kind=kind, key_id=key_id, digest__in=digests)
            .values(column)
            .annotate(shared=Count("id"))
            .order_by("-shared", column)[: search.MAX_CANDIDATES]
        )
        for row in rows:
            ranked[row[column]] = max(ranked.get(row[column], 0), row["shared"])
    return sorted(ranked, key=lambda pk: (-ranked[pk], pk))[: search.MAX_CANDIDATES]


@pytest.mark.parametrize(
    "names",
    [
        ["Anatoliy Golitsyn"],
        ["Anatoli Golitsin", "A. M. Golitsyn"],
        ["Arkady Nikolayevich Shevchenko", "A. N. Shevchenko", "Arkasha"],
        [" ".join(f"Name{i}" for i in range(40))],  # more digests than the largest bucket
    ],
)
def test_a_names_candidates_in_the_blind_index_are_those_the_queryset_ranks(
    open_case: Any, names: list[str]
) -> None:
    open_case(true_name="Anatoliy Golitsyn")
    open_case(true_name="Anatoli Golitsin")
    open_case()
    expected = _expected_candidates(IndexedKind.SUBJECT, names)
    assert search.candidate_ids(IndexedKind.SUBJECT, names) == expected
    assert search.candidate_ids(IndexedKind.ENTRY, names) == _expected_candidates(
        IndexedKind.ENTRY, names
    )


def test_a_cases_first_nationality_is_its_latest_assessments(open_case: Any) -> None:
    case = open_case(facts=FACTS)
    bare = open_case()
    assert search.nationality_of(case.pk) == "PL"
    assert search.nationality_of(bare.pk) == ""
    assert search.nationalities_of([case.pk]) == {case.pk: "PL"}
    assert search.nationalities_of([]) == {}


def test_a_walk_in_is_saved_with_its_first_assessments_categories(open_case: Any) -> None:
    case = open_case(facts=FACTS)
    stored = Case.objects.values_list("categories", flat=True).get(pk=case.pk)
    assert stored == case.assessments.get().categories
