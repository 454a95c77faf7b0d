"""The trace search's read of its candidate subjects (``traces.search``): each subject with its
case, its case's post and its case's latest assessment's first nationality in one prepared
statement, the same hits, scores, reasons and order as before."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from defector.cases import actions as case_actions
from defector.cases.models import Case
from defector.traces import blind, search
from defector.traces.matching import Identity, score

pytestmark = pytest.mark.django_db

OpenCase = Callable[..., Case]
NAME = "Jan Kowalski"


def _assess_again(officer: User, case: Case, nationality: str) -> None:
    case.refresh_from_db()
    case_actions.update_facts(
        acting_user=officer,
        case_id=case.pk,
        expected_version=case.version,
        facts={"nationalities": [nationality], "location": "AT", "threat_information": True},
    )


def test_the_candidates_their_cases_posts_and_nationalities_are_read_in_one_statement(
    open_case: OpenCase,
) -> None:
    for _ in range(3):
        open_case(true_name=NAME, facts={"nationalities": ["PL"]})
    query = Identity((NAME,), nationality="PL")
    digests = search.query_digests(query.names)
    with CaptureQueriesContext(connection) as run:
        found = search.search_subjects(query, limit=10, digests=digests)
        shown = [(hit.case.pk, hit.case.cryptonym, hit.case.post.code) for hit in found]
    # One read of the index under each key, then one of the candidates.
    assert len(run.captured_queries) == len(blind.known_key_ids()) + 1
    expected = Case.objects.select_related("post").filter(pk__in=[pk for pk, _, _ in shown])
    assert sorted(shown) == sorted((c.pk, c.cryptonym, c.post.code) for c in expected)
    assert len(shown) == 3


def test_a_candidate_is_scored_with_its_cases_latest_nationality_only(
    officer: User, open_case: OpenCase
) -> None:
    case = open_case(true_name=NAME, facts={"nationalities": ["PL", "DE"]})
    _assess_again(officer, case, "SU")
    query = Identity((NAME,), nationality="SU")
    (hit,) = search.search_subjects(query, limit=10)
    assert "nationality agrees: SU" in hit.score.reasons
    assert hit.score.score == score(query, Identity((NAME,), nationality="SU")).score
    # Scored with the earlier assessment's first nationality, it would differ.
    assert hit.score.score > score(query, Identity((NAME,), nationality="PL")).score


def test_the_first_nationalities_of_cases_are_their_latest_assessments(
    officer: User, open_case: OpenCase
) -> None:
    assessed = open_case(facts={"nationalities": ["PL", "DE"]})
    _assess_again(officer, assessed, "SU")
    once = open_case(facts={"nationalities": ["CN"]})
    assert search.nationalities_of([assessed.pk, once.pk]) == {assessed.pk: "SU", once.pk: "CN"}
    assert search.nationality_of(assessed.pk) == "SU"


def test_subjects_that_score_alike_come_by_key_and_the_excluded_case_is_left_out(
    open_case: OpenCase,
) -> None:
    # Six candidates: more than the smallest read holds (its ids padded in the next).
    cases = [open_case(true_name=NAME) for _ in range(6)]
    assert len(cases) > search.SUBJECT_BUCKETS[0]
    found = search.search_subjects(Identity((NAME,)), limit=10)
    assert [hit.case.pk for hit in found] == sorted(case.pk for case in cases)
    assert len({hit.score.score for hit in found}) == 1
    kept = search.search_subjects(Identity((NAME,)), limit=10, exclude_case_id=cases[2].pk)
    assert [hit.case.pk for hit in kept] == sorted(case.pk for case in cases if case != cases[2])


def test_a_hits_case_gives_every_other_field_when_asked(open_case: OpenCase) -> None:
    case = open_case(true_name=NAME, received_where="front desk")
    (hit,) = search.search_subjects(Identity((NAME,)), limit=10)
    assert hit.case is not None
    stored: Any = Case.objects.select_related("post").get(pk=case.pk)
    assert hit.case.received_where == stored.received_where == "front desk"
    assert hit.case.stage == stored.stage
    assert hit.case.post.name == stored.post.name
    assert hit.case == stored
