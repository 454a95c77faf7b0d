"""The case list for Washington's readers (the IDC, the DCI's delegate: every post's cases):
their choices and count are read in another shape (``list_choices._every_post_statement``,
``_count_statement``), which answers as the shape of every other reader does — cases in
Washington, above the reader's clearance and in compartments included — on both databases."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases import queries
from defector.cases.models import Case
from defector.directory.models import Compartment

# The modules (the package names their functions ``list_choices``, …).
choices_module = importlib.import_module("defector.cases.queries.list_choices")
lists = importlib.import_module("defector.cases.queries.lists")

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(open_case: Any, second_officer: User) -> list[Case]:
    """Five cases: plain, another officer's, in Washington, TOP SECRET, in a compartment."""
    made = [open_case() for _ in range(4)]
    made.append(open_case(officer_ids=[second_officer.official.pk]))
    Case.objects.filter(pk=made[1].pk).update(in_washington=True)
    Case.objects.filter(pk=made[2].pk).update(sensitivity="TOP SECRET")
    harbor = Compartment.objects.create(code="HARBOR", name="Harbor")
    made[3].compartments.add(harbor)
    return made


def _readers(make_official: Any, idc: User) -> list[User]:
    harbor = Compartment.objects.get(code="HARBOR")
    return [
        idc,
        make_official("idc.cleared", ("idc_member", None), clearance="TOP SECRET"),
        make_official("idc.harbor", ("idc_member", None), compartments=(harbor,)),
        make_official("dci.delegate", ("dci_delegate", None), clearance="TOP SECRET"),
    ]


def _fresh() -> None:
    choices_module._statement.cache_clear()
    choices_module._count_statement.cache_clear()


def test_washingtons_readers_are_read_in_the_every_post_shape(cases: Any, idc: User) -> None:
    statement = choices_module.statement_for(idc)
    assert statement is not None
    assert not statement[0].startswith("WITH visible")


def test_washingtons_choices_and_count_are_the_other_shapes(
    cases: list[Case], make_official: Any, idc: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    readers = _readers(make_official, idc)
    _fresh()
    read = [choices_module._read(user) for user in readers]
    counted = [lists.case_summaries(user).count() for user in readers]
    monkeypatch.setattr(choices_module, "_sees_every_post", lambda principal: False)
    monkeypatch.setattr(lists, "every_post_count", lambda user: None)
    _fresh()
    try:
        expected = [choices_module._read(user) for user in readers]
        expected_counts = [lists.case_summaries(user).count() for user in readers]
    finally:
        _fresh()
    assert read == expected
    assert counted == expected_counts
    for user, found in zip(readers, read, strict=True):
        assert found.count == len(queries.cases_for(user))
    # The clearance and the compartment each show a case more (the delegate holds none).
    assert [found.count for found in read] == [3, 4, 4, 4]


def test_a_post_readers_shape_is_unchanged(cases: Any, officer: User) -> None:
    statement = choices_module.statement_for(officer)
    assert statement is not None
    assert statement[0].startswith("WITH visible")
    assert choices_module.every_post_count(officer) is None
