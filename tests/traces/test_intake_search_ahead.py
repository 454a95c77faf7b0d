"""The trace at intake searched ahead of the intake's transaction when the index holds the
name's digests (``traces.actions.intake``): where writers take turns (SQLite) the search is
not made again in the transaction when a search there would find the same, and whatever
changes what it would find in between (a walk-in of the name, a subject found re-indexed or
removed, a case found moved, a new assessment of a candidate's case) is found as a search in
the transaction finds it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from defector.cases import actions as case_actions
from defector.cases.models import Case, Subject
from defector.notifications.choices import NoticeKind
from defector.notifications.models import Notice
from defector.traces import actions, receivers, search
from defector.traces.actions import intake
from defector.traces.models import Hit, Trace
from support.world import World

pytestmark = pytest.mark.django_db

OpenCase = Callable[..., Case]
NAME = "Yuri Nosenko"
FACTS: dict[str, Any] = {
    "nationalities": ["SU"],
    "location": "AT",
    "escaped_control": True,
    "dissatisfied": True,
    "susceptible": True,
    "willing_to_defect": True,
    "special_value": ["information"],
    "requests": ["asylum"],
}


@pytest.fixture
def meanwhile(monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable[[], Any]], None]:
    """``meanwhile(change)``: ``change`` runs once, between the next intake's search ahead and
    its transaction (as another request's commit would land there)."""

    def between(change: Callable[[], Any]) -> None:
        real = receivers.prepare_at_intake
        done: list[bool] = []

        def then_change(subject: Any, nationality: str | None) -> None:
            real(subject, nationality)
            if not done:
                done.append(True)
                change()

        monkeypatch.setattr(receivers, "prepare_at_intake", then_change)

    return between


def _hits(case: Case) -> list[Hit]:
    return list(Hit.objects.filter(trace=Trace.objects.get(case=case)).order_by("rank"))


def _after_the_case(queries: CaptureQueriesContext) -> Iterator[str]:
    sql = [query["sql"] for query in queries.captured_queries]
    first = next(n for n, text in enumerate(sql) if text.startswith('INSERT INTO "cases_case"'))
    return iter(sql[first:])


def test_a_name_the_index_holds_is_searched_ahead_and_not_again_in_the_transaction(
    idc: User, open_case: OpenCase, open_bonn_case: OpenCase, committed: Callable[[], Any]
) -> None:
    with committed():
        earlier = open_bonn_case(true_name=NAME, facts=FACTS)
    with CaptureQueriesContext(connection) as queries, committed():
        case = open_case(true_name=NAME, facts=FACTS)
    if connection.vendor == "sqlite":
        searches = [text for text in _after_the_case(queries) if "GROUP BY" in text]
        assert [text for text in searches if '"traces_indexterm"' in text] == []
    assert [hit.subject_case_id for hit in _hits(case)] == [earlier.pk]
    told = Notice.objects.filter(kind=NoticeKind.TRACE, recipient__user=idc)
    assert [notice.summary for notice in told if f"BONN ({earlier.cryptonym})" in notice.summary]


def test_a_same_name_walk_in_received_after_a_search_ahead_that_found_one_is_found_too(
    open_case: OpenCase,
    open_bonn_case: OpenCase,
    committed: Callable[[], Any],
    meanwhile: Callable[[Callable[[], Any]], None],
) -> None:
    with committed():
        first = open_bonn_case(true_name=NAME, facts=FACTS)
    other: list[Case] = []
    meanwhile(lambda: other.append(open_bonn_case(true_name=NAME)))  # no assessment
    with committed():
        case = open_case(true_name=NAME, facts=FACTS)
    assert {hit.subject_case_id for hit in _hits(case)} == {first.pk, other[0].pk}


def test_a_subject_found_ahead_and_named_again_meanwhile_is_not_reported(
    open_case: OpenCase,
    open_bonn_case: OpenCase,
    committed: Callable[[], Any],
    meanwhile: Callable[[Callable[[], Any]], None],
) -> None:
    with committed():
        earlier = open_bonn_case(true_name=NAME, facts=FACTS)

    def rename() -> None:
        subject = Subject.objects.get(case=earlier)
        subject.true_name = "Jan Kowalski"
        subject.save()
        actions.index_subject(subject)

    meanwhile(rename)
    with committed():
        case = open_case(true_name=NAME, facts=FACTS)
    assert _hits(case) == []


def test_a_subject_found_ahead_and_removed_meanwhile_is_not_reported(
    open_case: OpenCase,
    open_bonn_case: OpenCase,
    committed: Callable[[], Any],
    meanwhile: Callable[[Callable[[], Any]], None],
) -> None:
    with committed():
        earlier = open_bonn_case(true_name=NAME, facts=FACTS)
    meanwhile(lambda: Subject.objects.filter(case=earlier).delete())
    with committed():
        case = open_case(true_name=NAME, facts=FACTS)
    assert _hits(case) == []


def test_a_case_found_ahead_and_moved_meanwhile_is_named_at_its_new_post(
    world: World,
    idc: User,
    open_case: OpenCase,
    open_bonn_case: OpenCase,
    committed: Callable[[], Any],
    meanwhile: Callable[[Callable[[], Any]], None],
) -> None:
    with committed():
        earlier = open_bonn_case(true_name=NAME, facts=FACTS)
    meanwhile(lambda: Case.objects.filter(pk=earlier.pk).update(post=world.tokyo))
    with committed():
        case = open_case(true_name=NAME, facts=FACTS)
    assert [hit.subject_case_id for hit in _hits(case)] == [earlier.pk]
    told = [
        notice.summary
        for notice in Notice.objects.filter(kind=NoticeKind.TRACE, recipient__user=idc)
        if earlier.cryptonym in notice.summary
    ]
    assert told
    assert all(f"TOKYO ({earlier.cryptonym})" in summary for summary in told)


def test_a_new_assessment_of_a_case_found_ahead_meanwhile_is_scored(
    open_case: OpenCase,
    open_bonn_case: OpenCase,
    committed: Callable[[], Any],
    meanwhile: Callable[[Callable[[], Any]], None],
) -> None:
    """The earlier case's nationality changes in between: its hit says so, as a search in the
    transaction scores it."""
    bonn_officer: list[User] = []
    with committed():
        earlier = open_bonn_case(true_name=NAME, facts=FACTS)
    bonn_officer.append(User.objects.get(username="bonn.officer"))

    def reassess() -> None:
        earlier.refresh_from_db()
        case_actions.update_facts(
            acting_user=bonn_officer[0],
            case_id=earlier.pk,
            expected_version=earlier.version,
            facts={**FACTS, "nationalities": ["PL"]},
        )

    meanwhile(reassess)
    with committed():
        case = open_case(true_name=NAME, facts=FACTS)
    hits = _hits(case)
    assert [hit.subject_case_id for hit in hits] == [earlier.pk]
    assert "nationality differs: PL" in hits[0].reasons


def test_more_subjects_sharing_a_digest_than_a_search_reads_are_searched_in_the_transaction(
    open_case: OpenCase,
    open_bonn_case: OpenCase,
    committed: Callable[[], Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With candidates cut at two, the intake's own subject (sharing every digest) pushes out
    of the transaction's search the one sharing fewest, which a search ahead would have read:
    the trace finds what the search in the transaction finds."""
    with committed():
        same = open_bonn_case(true_name=NAME, facts=FACTS)
        like = open_bonn_case(true_name="Yury Nossenko", facts=FACTS)
    monkeypatch.setattr(search, "MAX_CANDIDATES", 2)
    monkeypatch.setattr(intake, "MAX_CANDIDATES", 2)
    with committed():
        case = open_case(true_name=NAME, facts=FACTS)
    found = {hit.subject_case_id for hit in _hits(case)}
    assert same.pk in found
    if connection.vendor == "sqlite":
        assert like.pk not in found
