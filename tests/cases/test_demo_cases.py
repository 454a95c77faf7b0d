"""The demo's cases: a handful at Vienna and Tokyo at different stages, opened and moved on
through the actions, loaded once however often the demo is loaded."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases import queries
from defector.cases.models import Case, Obligation, TimelineEntry
from defector.core.models import AuditEvent
from defector.ops import demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(world: Any) -> None:
    """The demo on a database that holds only what it makes itself."""
    Case.objects.all().delete()
    demo.load()


@pytest.mark.usefixtures("loaded")
def test_the_demo_opens_cases_at_vienna_and_tokyo_at_different_stages() -> None:
    cases = Case.objects.all()
    assert cases.count() == len(demo.CASES)
    assert set(cases.values_list("post__code", flat=True)) == {"VIENNA", "TOKYO"}
    stages = set(cases.values_list("stage", flat=True))
    assert {"reception", "assessment", "determination", "exploitation", "closed"} <= stages
    closed = Case.objects.filter(stage="closed").values_list("outcome", flat=True)
    assert sorted(closed) == ["referred_refugee", "withdrew"]
    assert Obligation.objects.filter(status="done").exists()
    assert TimelineEntry.objects.filter(kind="cases.case.move").exists()


@pytest.mark.usefixtures("loaded")
def test_loading_the_demo_again_adds_no_case() -> None:
    before = (Case.objects.count(), AuditEvent.objects.count(), TimelineEntry.objects.count())
    demo.load()
    assert before == (
        Case.objects.count(),
        AuditEvent.objects.count(),
        TimelineEntry.objects.count(),
    )


@pytest.mark.usefixtures("loaded")
def test_the_demo_officers_see_their_posts_cases() -> None:
    duty = User.objects.get(username="duty.officer")
    tokyo = User.objects.get(username="tokyo.officer")
    assert {c.post.code for c in queries.cases_for(duty)} == {"VIENNA"}
    assert {c.post.code for c in queries.cases_for(tokyo)} == {"TOKYO"}
    overdue = queries.cases_for(duty, queries.CaseFilters(overdue=True))
    assert overdue.exists()  # the walk-in of the last hour: threat information not yet out


@pytest.mark.usefixtures("loaded")
def test_the_demo_names_are_sealed() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT true_name FROM cases_subject")
        stored = [row[0] for row in cursor.fetchall()]
    assert all(value.startswith("v1.") for value in stored)
    for demo_case in demo.CASES:
        assert all(demo_case.true_name not in value for value in stored)
