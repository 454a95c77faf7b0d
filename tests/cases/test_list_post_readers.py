"""The case list for a post's readers (case officers, the committee, the senior representative,
invited representatives): their filters' posts are probed from the posts whose cases they may
see at most (``cases.access.viewing_posts``), their officers read by a join of the cases found
with the officers' links, their page written with the officer's grant as ``EXISTS``
(``cases.access.assigned_written_as``) — the same choices, count and rows as the shape that
groups the posts from every case found, for readers at one post and at two, with cases in
Washington, above their clearance, in a compartment and at a post they do not serve."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases import queries
from defector.cases.access import Assigned, assigned_written_as, viewing_posts
from defector.cases.models import Case
from defector.core.access import Action, restrict
from defector.core.principals import principal_for
from defector.directory.models import Compartment
from support.world import World

choices_module = importlib.import_module("defector.cases.queries.list_choices")
lists = importlib.import_module("defector.cases.queries.lists")

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(open_case: Any, second_officer: User, officer_in_bonn: User, world: World) -> list[Case]:
    """Vienna: plain, another officer's, in Washington, TOP SECRET, in a compartment; Bonn:
    two of the Bonn officer's."""
    made = [open_case() for _ in range(4)]
    made.append(open_case(officer_ids=[second_officer.official.pk]))
    Case.objects.filter(pk=made[1].pk).update(in_washington=True)
    Case.objects.filter(pk=made[2].pk).update(sensitivity="TOP SECRET")
    harbor = Compartment.objects.create(code="HARBOR", name="Harbor")
    made[3].compartments.add(harbor)
    bonn = open_case(post_id=world.bonn.pk, acting_user=officer_in_bonn)
    made.append(bonn)
    shared = open_case(post_id=world.bonn.pk, acting_user=officer_in_bonn)
    made.append(shared)
    return made


def _readers(
    make_official: Any, world: World, officer: User, chair: User, member: User, senior: User
) -> list[User]:
    return [
        officer,
        chair,
        member,
        senior,
        make_official("two.posts", ("case_officer", world.vienna), ("committee_chair", world.bonn)),
        make_official("cleared.member", ("committee_member", world.vienna), clearance="TOP SECRET"),
        make_official("invited.rep", ("invited_representative", world.vienna)),
    ]


def _fresh() -> None:
    choices_module._statement.cache_clear()
    lists._list_reads.cache_clear()


@pytest.fixture
def readers(
    cases: list[Case],
    make_official: Any,
    world: World,
    officer: User,
    chair: User,
    member: User,
    senior: User,
) -> list[User]:
    found = _readers(make_official, world, officer, chair, member, senior)
    # The reader at two posts is an officer of a Bonn case and of a Vienna case; the invited
    # representative is invited to one Vienna case.
    cases[6].officers.add(found[4].official)
    cases[0].officers.add(found[4].official)
    cases[0].invited.add(found[6].official)
    return found


def test_every_case_a_reader_sees_is_at_one_of_its_viewing_posts(readers: list[User]) -> None:
    for user in readers:
        posts = viewing_posts(principal_for(user))
        assert posts is not None
        seen = set(
            restrict(user, Action.VIEW, Case.objects.all()).values_list("post_id", flat=True)
        )
        assert seen, user.username
        assert seen <= posts, user.username


def test_a_post_readers_choices_are_those_grouped_from_every_case_found(
    readers: list[User], monkeypatch: pytest.MonkeyPatch
) -> None:
    _fresh()
    read = [choices_module._read(user) for user in readers]
    statement = choices_module.statement_for(readers[0])
    assert statement is not None
    assert '"directory_post" WHERE (EXISTS(' in statement[0]  # the posts probed
    monkeypatch.setattr(choices_module, "viewing_posts", lambda principal: None)
    _fresh()
    try:
        expected = [choices_module._read(user) for user in readers]
    finally:
        _fresh()
    assert read == expected
    for user, found in zip(readers, read, strict=True):
        visible = queries.cases_for(user)
        assert found.count == len(visible)
        assert {pk for pk, _ in found.posts} == {case.post_id for case in visible}
    assert len(read[4].posts) == 2  # the reader at two posts


def test_a_post_readers_page_is_the_same_whichever_form_the_grant_takes(
    readers: list[User], monkeypatch: pytest.MonkeyPatch
) -> None:
    _fresh()
    pages = [queries.case_rows(user)[0:50] for user in readers]
    counts = [lists.case_summaries(user).count() for user in readers]
    for form in ("in", "exists"):
        monkeypatch.setattr(Assigned, "form", form)
        _fresh()
        try:
            assert [queries.case_rows(user)[0:50] for user in readers] == pages
            assert [lists.case_summaries(user).count() for user in readers] == counts
        finally:
            _fresh()
    for user, page in zip(readers, pages, strict=True):
        assert [row.id for row in page] == [case.pk for case in queries.cases_for(user)]


def test_the_form_written_is_the_one_asked_within_and_the_databases_outside(
    readers: list[User],
) -> None:
    with assigned_written_as("exists"):
        inside = str(restrict(readers[0], Action.VIEW, Case.objects.all()).query)
    with assigned_written_as("in"):
        other = str(restrict(readers[0], Action.VIEW, Case.objects.all()).query)
    assert "IS TRUE" in inside
    assert "IS TRUE" not in other
    with pytest.raises(ValueError, match="no such form"), assigned_written_as("join"):
        pass  # pragma: no cover
