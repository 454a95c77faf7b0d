"""``GET /api/v1/cases`` answers, byte for byte, what ninja's validation of its page gives: the
summaries are read in ``CaseSummaryOut``'s shape and written without validating each one again
(``cases.api.common.trusted_pages``); the same requests with the validation put back (the
trusted writer made to hand the page to ninja) answer the same bytes, for every role, with
filters, pages and a page past the end."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from defector.cases import actions, queries
from defector.cases.api import common
from defector.cases.models import Case
from defector.core.actions import create_api_token
from defector.directory.models import Post

pytestmark = pytest.mark.django_db

FACTS: dict[str, Any] = {
    "nationalities": ["SU"],
    "location": "AT",
    "escaped_control": True,
    "unwilling_to_return": True,
    "dissatisfied": True,
    "susceptible": True,
    "willing_to_defect": True,
    "special_value": ["information"],
    "requests": ["asylum"],
    "threat_information": True,
}
ROLES = ("officer", "second_officer", "member", "officer_in_bonn", "idc", "auditor")
QUERIES = (
    "",
    "?page_size=2",
    "?page_size=2&page=2",
    "?page=9",
    "?overdue=false&category=defector",
    "?stage=closed",
    "?q=%25",
)


@pytest.fixture
def cases(open_case: Any, officer: User, second_officer: User) -> list[Case]:
    assessed = open_case(facts=FACTS)
    compartmented = open_case(compartments=["ALPHA"])
    closed = open_case(facts=FACTS, officer_ids=[second_officer.official.pk])
    version = Case.objects.values_list("version", flat=True).get(pk=closed.pk)
    actions.move_case(
        acting_user=officer,
        case_id=closed.pk,
        expected_version=version,
        to="closed",
        outcome="withdrew",
    )
    return [assessed, compartmented, closed, open_case()]


def test_the_case_list_answers_what_ninjas_validation_of_its_page_gives(
    cases: list[Case], request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = 0
    for role in ROLES:
        user: User = request.getfixturevalue(role)
        _, token = create_api_token(acting_user=user, user=user, name="tests")
        client = Client(headers={"Authorization": f"Bearer {token}"})
        for query in QUERIES:
            trusted = client.get(f"/api/v1/cases{query}")
            with monkeypatch.context() as patched:
                # The page handed back to ninja, which validates and writes it.
                patched.setattr(common, "trusted_answer", lambda request, response, data: data)
                validated = client.get(f"/api/v1/cases{query}")

            assert trusted.status_code == validated.status_code == 200, (role, query)
            assert trusted.content == validated.content, (role, query)
            assert trusted["Content-Type"] == validated["Content-Type"]
            listed += len(trusted.json()["items"])
    assert listed > len(cases)


def test_the_lists_rows_read_their_posts_code_and_name_by_its_key_and_give_them_back_whole(
    cases: list[Case], officer: User
) -> None:
    # Joined, the post was read for every case the reader sees before the page's limit
    # (on PostgreSQL a scan of the posts for each); now a subquery for the page's rows, its
    # code and name written in one value and read back whatever they hold.
    post = Case.objects.select_related("post").get(pk=cases[0].pk).post
    Post.objects.filter(pk=post.pk).update(code="V:1 2", name="Embassy: 12:")
    _, token = create_api_token(acting_user=officer, user=officer, name="tests")
    client = Client(headers={"Authorization": f"Bearer {token}"})
    with CaptureQueriesContext(connection) as captured:
        items = client.get("/api/v1/cases").json()["items"]

    assert {(item["post"]["code"], item["post"]["name"]) for item in items} == {
        ("V:1 2", "Embassy: 12:")
    }
    # The list's reads of cases (the caller's principal, read with the official it acts as,
    # joins its own post).
    listed = [query["sql"] for query in captured if 'FROM "cases_case"' in query["sql"]]
    assert listed
    assert not any('JOIN "directory_post"' in sql for sql in listed)


def test_on_sqlite_the_lists_threats_are_walked_from_their_own_index(
    cases: list[Case], officer: User
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL probes each case's obligations (docs/benchmarks.md)")
    # The module (the package's ``list_choices`` is its function).
    choices = importlib.import_module("defector.cases.queries.list_choices")
    statement = choices.statement_for(officer)
    assert statement is not None
    sql, params = statement
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())

    assert "USING COVERING INDEX cases_obligation_open_threats" in plan
    assert queries.list_choices(officer).threats  # the case with threat information
