"""``GET /cases/{id}`` answers, byte for byte, what the schema's validation of the case's views
gives (``describe``, ``latest_assessment``, ``obligations_of``, ``timeline_of``, as the
answer was built before it was read in its own shape with prepared reads and written without
validating it again): for every role, a case with and without an assessment, with a sealed
identity recorded in part, compartments and officers, closed, and with obligations
reassigned, discharged and waived; a case the caller may not see answers as a missing one.
The case page's case, from prepared reads too, is the ORM's, with its related rows."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Prefetch
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder

from defector.cases import actions, queries
from defector.cases.api.common import assessment_out, case_out, entry_out
from defector.cases.models import Case, Obligation
from defector.cases.queries import case_row
from defector.cases.queries.case_row import obligation_rows_key
from defector.cases.queries.obligations import OBLIGATION_ROWS
from defector.cases.schemas import CaseRecordOut
from defector.core.access import Action, get_for, may, remembered, remembering
from defector.core.actions import create_api_token
from defector.core.errors import NotFound
from defector.directory.models import Official
from support.world import World

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
ROLES = (
    "officer",
    "second_officer",
    "member",
    "chair",
    "senior",
    "officer_in_bonn",
    "idc",
    "auditor",
)


def _version(case: Case) -> int:
    return Case.objects.values_list("version", flat=True).get(pk=case.pk)


def _validated(user: User, case_id: int) -> tuple[int, bytes | None]:
    """The answer as ninja gave it from the views: validated by the schema, then written."""
    try:
        case = queries.case_detail(user, case_id)  # not the prepared reads of the page
    except NotFound:
        return 404, None
    view = queries.describe(user, case)
    latest = queries.latest_assessment(user, case)
    data = {
        **case_out(view),
        "latest_assessment": assessment_out(latest) if latest is not None else None,
        "obligations": queries.obligations_of(user, case),
        "timeline": [entry_out(entry) for entry in queries.timeline_of(user, case)],
    }
    dumped = CaseRecordOut.model_validate(data).model_dump()
    return 200, json.dumps(dumped, cls=NinjaJSONEncoder).encode()


@pytest.fixture
def cases(
    open_case: Any, officer: User, second_officer: User, chair: User, member: User, world: World
) -> list[Case]:
    assessed = open_case(facts=FACTS, note="Came alone.")
    partial = open_case(
        aliases="",
        birth_date="",
        birth_place="Horlivka",
        identity_documents="",
        compartments=["ALPHA"],
    )
    closed = open_case(facts=FACTS, officer_ids=[second_officer.official.pk])  # type: ignore[attr-defined]
    actions.move_case(
        acting_user=officer,
        case_id=closed.pk,
        expected_version=_version(closed),
        to="closed",
        outcome="withdrew",
    )
    worked = open_case(facts=FACTS)
    first, second, third = Obligation.objects.filter(case=worked, status="open").order_by("pk")[:3]
    actions.reassign_obligation(
        acting_user=officer,
        case_id=worked.pk,
        obligation_id=first.pk,
        expected_version=_version(worked),
        owner_id=member.official.pk,  # type: ignore[attr-defined]
    )
    actions.discharge_obligation(
        acting_user=officer,
        case_id=worked.pk,
        obligation_id=second.pk,
        expected_version=_version(worked),
        evidence="Flash cable to Washington at 09:41.",
    )
    actions.waive_obligation(
        acting_user=chair,
        case_id=worked.pk,
        obligation_id=third.pk,
        expected_version=_version(worked),
        reason="Reported through the station's own channel, per the committee.",
    )
    actions.update_facts(
        acting_user=officer,
        case_id=worked.pk,
        expected_version=_version(worked),
        facts={**FACTS, "threat_information": False},
    )
    return [assessed, partial, closed, worked]


def test_the_case_read_answers_what_the_validated_views_give(
    cases: list[Case], request: pytest.FixtureRequest
) -> None:
    answered = set()
    for role in ROLES:
        user: User = request.getfixturevalue(role)
        _, token = create_api_token(acting_user=user, user=user, name="tests")
        client = Client(headers={"Authorization": f"Bearer {token}"})
        missing = client.get("/api/v1/cases/999999")
        for case in cases:
            status, expected = _validated(user, case.pk)
            response = client.get(f"/api/v1/cases/{case.pk}")

            assert response.status_code == status, (role, case.cryptonym)
            if expected is None:
                assert response.content == missing.content
                continue
            answered.add((role, case.pk))
            assert response.content == expected, (role, case.cryptonym)
            assert response["Content-Type"] == "application/json; charset=utf-8"
            assert response["ETag"] == f'"{_version(case)}"'
    # Each case is seen by some and hidden from others: the compartmented one by one officer.
    assert {pk for _, pk in answered} == {case.pk for case in cases}
    assert len(answered) < len(ROLES) * len(cases)


def _fields(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _official(official: Official | None) -> Any:
    return None if official is None else (_fields(official), _fields(official.user))


def test_the_case_page_reads_its_case_as_the_orm_reads_it(
    cases: list[Case], request: pytest.FixtureRequest
) -> None:
    read = Case.objects.select_related(
        "post", "opened_by__user", "changed_by__user", "subject"
    ).prefetch_related(
        "compartments", Prefetch("officers", Official.objects.select_related("user"))
    )
    for role in ("officer", "member", "chair", "officer_in_bonn", "idc"):
        user: User = request.getfixturevalue(role)
        for case in cases:
            try:
                expected = get_for(
                    user, Action.VIEW, read, case.pk, also=(Action.CHANGE, Action.REVEAL)
                )
            except NotFound:
                with pytest.raises(NotFound):
                    queries.case_page(user, case.pk)
                continue
            with CaptureQueriesContext(connection) as counted:
                found = queries.case_page(user, case.pk)
                allowed = may(user, (Action.CHANGE, Action.REVEAL), found)
                subject = getattr(found, "subject", None)
                row = (
                    _fields(found),
                    _fields(found.post),
                    _official(found.opened_by),
                    _official(found.changed_by),
                    None if subject is None else _fields(subject),
                    [_official(o) for o in found.officers.all()],
                    [_fields(c) for c in found.compartments.all()],
                )

            # On PostgreSQL its officers, compartments and obligations are in the case's row.
            assert len(counted) == (1 if connection.vendor == "postgresql" else 2), counted
            assert allowed == may(user, (Action.CHANGE, Action.REVEAL), expected), role
            assert row == (
                _fields(expected),
                _fields(expected.post),
                _official(expected.opened_by),
                _official(expected.changed_by),
                _fields(expected.subject),
                [_official(o) for o in expected.officers.all()],
                [_fields(c) for c in expected.compartments.all()],
            ), (role, case.cryptonym)


def test_the_case_page_reads_its_obligations_as_the_orm_reads_them_each_official_made_once(
    cases: list[Case], request: pytest.FixtureRequest
) -> None:
    repeated = 0
    for role in ("officer", "member", "chair", "idc"):
        user: User = request.getfixturevalue(role)
        for case in cases:
            with remembering():  # as a page reads: the case decided, its obligations prepared
                try:
                    page = queries.case_page(user, case.pk)
                except NotFound:
                    continue
                found = queries.visible_obligations(user, page)
            expected = (
                Obligation.objects.filter(case=case)
                .select_related("owner__user", "closed_by__user")
                .order_by("arose_at", "pk")
            )
            assert [(_fields(o), _official(o.owner), _official(o.closed_by)) for o in found] == [
                (_fields(o), _official(o.owner), _official(o.closed_by)) for o in expected
            ], (role, case.cryptonym)
            made: dict[int, Official] = {}
            for obligation in found:
                for who in (obligation.owner, obligation.closed_by):
                    if who is not None:
                        repeated += who.pk in made
                        assert made.setdefault(who.pk, who) is who
                        assert who.user.pk == who.user_id
    assert repeated  # an official named by several obligations of a case


def test_a_case_read_asks_a_test_that_is_the_one_of_seeing_the_case_only_once(
    cases: list[Case], request: pytest.FixtureRequest
) -> None:
    # An assigned officer may see, change and reveal the case by one and the same test; a
    # committee member sees and changes it by one and reveals nothing; the IDC sees every
    # case it is cleared for and changes and reveals only those in Washington.
    for role, tests, may_change, may_reveal in (
        ("officer", 1, True, True),
        ("member", 1, True, False),
        ("idc", 3, False, False),
    ):
        user: User = request.getfixturevalue(role)
        sent: list[str] = []

        def grab(execute: Any, sql: str, *rest: Any, into: list[str] = sent) -> Any:
            into.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(grab):
            record = queries.case_record(user, cases[0].pk)
        (case_row,) = [sql for sql in sent if "may_change" in sql]

        assert case_row.count("EXISTS (SELECT 1 FROM (") == tests, role
        assert (record["can_change"], record["can_reveal"]) == (may_change, may_reveal), role


@pytest.mark.parametrize("case_id", [2**63, 2**85 + 7], ids=["just past 64 bits", "far past"])
def test_a_case_number_past_any_key_is_not_found_by_the_api_nor_the_page(
    officer: User, case_id: int
) -> None:
    _, token = create_api_token(acting_user=officer, user=officer, name="t", days=1)
    api = Client(headers={"Authorization": f"Bearer {token}"})
    assert api.get(f"/api/v1/cases/{case_id}").status_code == 404
    web = Client()
    web.force_login(officer)
    assert web.get(f"/cases/{case_id}/").status_code == 404


def test_the_case_pages_obligations_from_their_named_rows_are_those_of_the_obligations(
    cases: list[Case], request: pytest.FixtureRequest
) -> None:
    # Once the page has decided its case, ``obligations_of`` shows the rows that name the
    # officials (``OBLIGATION_ROWS``), not the obligations themselves: the same views.
    shown = 0
    now = timezone.now()
    for role in ROLES:
        user: User = request.getfixturevalue(role)
        for case in cases:
            with remembering():
                try:
                    page = queries.case_page(user, case.pk)
                except NotFound:
                    continue
                from_rows = queries.obligations_of(user, page, now=now)
                with CaptureQueriesContext(connection) as again:
                    assert queries.obligations_of(user, page, now=now) == from_rows
                assert not again.captured_queries  # read once per page
            found = queries.case_detail(user, case.pk)  # not decided: the obligations read
            assert from_rows == queries.obligations_of(user, found, now=now)
            shown += len(from_rows)
    assert shown


def test_the_case_pages_obligation_rows_are_those_of_their_own_read(
    cases: list[Case], request: pytest.FixtureRequest
) -> None:
    # On PostgreSQL the page reads them in the case's row (as JSON): the same rows, values
    # and types (times in UTC, as Django reads them) as their own read gives.
    compared = 0
    for role in ("officer", "member", "chair", "idc"):
        user: User = request.getfixturevalue(role)
        for case in cases:
            with remembering():
                try:
                    queries.case_page(user, case.pk)
                except NotFound:
                    continue
                with CaptureQueriesContext(connection) as read:
                    rows = remembered(
                        obligation_rows_key(user, case.pk),
                        lambda case=case: OBLIGATION_ROWS.rows(case=case.pk),
                    )
            expected = sorted(OBLIGATION_ROWS.rows(case=case.pk), key=lambda row: row["id"])
            assert sorted(rows, key=lambda row: row["id"]) == expected, (role, case.cryptonym)
            for row, own in zip(sorted(rows, key=lambda row: row["id"]), expected, strict=True):
                assert [type(v) for v in row.values()] == [type(v) for v in own.values()]
                assert list(row) == list(own)
                for name in ("arose_at", "due_at", "closed_at"):
                    if own[name] is not None:
                        assert row[name].tzinfo is own[name].tzinfo, name
            compared += len(rows)
            assert len(read.captured_queries) == (0 if connection.vendor == "postgresql" else 1)
    assert compared


def _state(queryset: Any) -> dict[str, Any]:
    """A queryset's state, its case hint by key, its query's as its own state."""
    state = {k: v for k, v in vars(queryset).items() if k not in {"_query", "_hints"}}
    state["hints"] = {k: getattr(v, "pk", v) for k, v in queryset._hints.items()}
    query = vars(queryset._query)
    # None on both: a new query's is its class's, a clone's is set to None in its own state
    state["query"] = {k: v for k, v in query.items() if k != "_annotation_select_cache"}
    state["annotation_select_cache"] = queryset._query._annotation_select_cache
    return state


def test_the_case_pages_officers_and_compartments_are_kept_as_prefetch_related_keeps_them(
    cases: list[Case], officer: User
) -> None:
    for case in cases:
        with remembering():
            try:
                page = queries.case_page(officer, case.pk)
            except NotFound:
                continue
        for name in ("officers", "compartments"):
            kept = page._prefetched_objects_cache[name]
            django = getattr(Case.objects.get(pk=case.pk), name).get_queryset()
            assert type(kept) is type(django)
            assert kept._hints["instance"] is page
            assert _state(kept) | {"_result_cache": None, "_prefetch_done": False} == _state(django)
            assert str(kept.filter(pk=1).query) == str(django.filter(pk=1).query)
            with CaptureQueriesContext(connection) as counted:
                rows = list(getattr(page, name).all())
            assert not counted.captured_queries
            assert rows == list(django)
            assert str(kept.query) == str(django.query)  # the deferred filter, applied


def test_a_relation_not_a_many_to_many_of_the_case_is_kept_by_its_related_manager() -> None:
    assert case_row._plain_relation("post") is None  # a foreign key
    assert case_row._plain_relation("no_such_relation") is None
    assert case_row._plain_relation("officers") is not None
