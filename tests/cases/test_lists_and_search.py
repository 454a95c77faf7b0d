"""The case list's filters — the page and the API give the same rows — and the full-text
search over notes (SQLite FTS5 or PostgreSQL full-text search, whichever the tests run on)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from defector.cases import actions, queries
from defector.cases.models import Case
from defector.cases.queries import lists
from defector.core import prepared
from defector.core.actions import create_api_token
from defector.core.errors import InvalidInput
from defector.directory.models import Official, Post

pytestmark = pytest.mark.django_db

NOW = dt.datetime.now(dt.UTC)
DEFECTOR: dict[str, Any] = {
    "nationalities": ["SU"],
    "escaped_control": True,
    "unwilling_to_return": True,
    "special_value": ["information"],
}
POTENTIAL: dict[str, Any] = {
    "nationalities": ["PL"],
    "dissatisfied": True,
    "susceptible": True,
    "special_value": ["operational"],
}


@pytest.fixture
def cases(
    open_case: Any, officer: User, second_officer: User, officer_in_bonn: User, world: Any
) -> dict[str, Case]:
    """Five cases: two at Vienna by different officers, one moved on, one with a late threat
    obligation, one at Bonn, one without facts."""
    late = open_case(
        facts={**DEFECTOR, "threat_information": True},
        received_at=NOW - dt.timedelta(hours=2),
        at=NOW - dt.timedelta(hours=1),
    )
    moved = open_case(acting_user=second_officer, facts=POTENTIAL, kind="potential_defector")
    actions.move_case(
        acting_user=second_officer, case_id=moved.pk, expected_version=1, to="assessment"
    )
    bonn = open_case(acting_user=officer_in_bonn, post_id=world.bonn.pk, facts=POTENTIAL)
    bare = open_case()
    return {"late": late, "moved": moved, "bonn": bonn, "bare": bare}


def api_rows(user: User, query: dict[str, str]) -> list[str]:
    _, token = create_api_token(acting_user=user, user=user, name="tests")
    response = Client().get("/api/v1/cases", query, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.content
    return [row["cryptonym"] for row in response.json()["items"]]


def page_rows(user: User, query: dict[str, str]) -> list[str]:
    client = Client()
    client.force_login(user)
    response = client.get("/cases/", query)
    assert response.status_code == 200
    return re.findall(r'data-case="([A-Z]+)"', response.content.decode())


FILTERS = {
    "no filter": {},
    "by post": {"post": "VIENNA"},
    "by stage": {"stage": "assessment"},
    "by category": {"category": "defector"},
    "by a category that is part of another's name": {"category": "potential_defector"},
    "overdue": {"overdue": "true"},
    "not overdue": {"overdue": "false"},
    "by officer": {"officer": "second.officer"},
    "by kind": {"kind": "potential_defector"},
    "by post and stage": {"post": "VIENNA", "stage": "reception"},
}


@pytest.mark.parametrize("name", FILTERS, ids=[f"the page and the API agree {n}" for n in FILTERS])
def test_the_page_and_the_api_list_the_same_cases(
    cases: dict[str, Case], idc: User, world: Any, second_officer: User, name: str
) -> None:
    query = dict(FILTERS[name])
    if query.get("post") == "VIENNA":
        query["post"] = str(world.vienna.pk)
    if query.get("officer") == "second.officer":
        query["officer"] = str(second_officer.official.pk)
    assert page_rows(idc, query) == api_rows(idc, query)


def test_each_filter_keeps_the_right_cases(
    cases: dict[str, Case], idc: User, world: Any, second_officer: User
) -> None:
    def rows(**filters: Any) -> set[str]:
        return {c.cryptonym for c in queries.cases_for(idc, queries.CaseFilters(**filters))}

    names = {key: case.cryptonym for key, case in cases.items()}
    assert rows() == set(names.values())
    assert rows(post=world.bonn.pk) == {names["bonn"]}
    assert rows(stage="assessment") == {names["moved"]}
    assert rows(category="defector") == {names["late"]}
    assert rows(category="potential_defector") == {names["moved"], names["bonn"]}
    assert rows(overdue=True) == {names["late"]}
    assert rows(officer=second_officer.official.pk) == {names["moved"]}
    assert rows(kind="potential_defector") == {names["moved"]}


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ({"stage": "limbo"}, {"stage"}),
        ({"category": "spy"}, {"category"}),
        ({"overdue": "maybe"}, {"overdue"}),
        ({"officer": "x", "post": "y"}, {"officer", "post"}),
        ({"kind": "tourist"}, {"kind"}),
    ],
    ids=[
        "an unknown stage",
        "an unknown category",
        "overdue neither true nor false",
        "ids that are not numbers",
        "an unknown kind",
    ],
)
def test_bad_filters_are_named(query: dict[str, str], fields: set[str]) -> None:
    with pytest.raises(InvalidInput) as caught:
        queries.parse_case_filters(query)
    assert {error["field"] for error in caught.value.errors} == fields


def test_the_api_answers_422_for_a_bad_filter(cases: dict[str, Case], idc: User) -> None:
    _, token = create_api_token(acting_user=idc, user=idc, name="tests")
    response = Client().get(
        "/api/v1/cases", {"stage": "limbo"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "stage"


def test_the_page_explains_a_bad_filter(cases: dict[str, Case], idc: User) -> None:
    client = Client()
    client.force_login(idc)
    response = client.get("/cases/", {"stage": "limbo"})
    assert 'id="error-summary"' in response.content.decode()


def test_the_list_shows_overdue_cases_in_red(cases: dict[str, Case], officer: User) -> None:
    client = Client()
    client.force_login(officer)
    body = client.get("/cases/").content.decode()
    row = re.search(rf'<tr data-case="{cases["late"].cryptonym}"[^>]*>', body)
    assert row is not None
    assert "text-error-dark" in row.group(0)
    assert "1 overdue" in body  # the threat information, due 15 minutes after intake


# --- notes and their search -----------------------------------------------------------------


def note(case: Case, user: User, text: str) -> None:
    case.refresh_from_db()
    actions.add_note(acting_user=user, case_id=case.pk, expected_version=case.version, text=text)


@pytest.fixture
def notes(open_case: Any, officer: User, officer_in_bonn: User, world: Any) -> dict[str, Case]:
    vienna = open_case()
    other = open_case()
    bonn = open_case(acting_user=officer_in_bonn, post_id=world.bonn.pk)
    note(vienna, officer, "Debriefing meeting at the safe house; he described the CABLE traffic.")
    note(vienna, officer, "Cable sent to Washington. Another cable follows; cable count three.")
    note(other, officer, "Polygraph scheduled; no meetings before Thursday.")
    note(bonn, officer_in_bonn, "The cable from Bonn about the border crossing.")
    return {"vienna": vienna, "other": other, "bonn": bonn}


def texts(hits: list[queries.NoteHit]) -> list[str]:
    return [hit.note.text for hit in hits]


def test_the_search_matches_words_in_any_case_and_ranks_the_best_first(
    notes: dict[str, Case], officer: User
) -> None:
    found = texts(queries.search_notes(officer, "cable"))
    assert found == [
        "Cable sent to Washington. Another cable follows; cable count three.",
        "Debriefing meeting at the safe house; he described the CABLE traffic.",
    ]
    assert texts(queries.search_notes(officer, "CABLE")) == found


def test_the_search_finds_related_forms_of_a_word(notes: dict[str, Case], officer: User) -> None:
    found = texts(queries.search_notes(officer, "meetings"))
    assert sorted(found) == [
        "Debriefing meeting at the safe house; he described the CABLE traffic.",
        "Polygraph scheduled; no meetings before Thursday.",
    ]


def test_every_word_must_occur(notes: dict[str, Case], officer: User) -> None:
    assert texts(queries.search_notes(officer, "cable washington")) == [
        "Cable sent to Washington. Another cable follows; cable count three."
    ]
    assert queries.search_notes(officer, "cable polygraph") == []


def test_the_search_shows_only_notes_of_cases_the_user_may_see(
    notes: dict[str, Case], officer: User, officer_in_bonn: User, idc: User, auditor: User
) -> None:
    assert "The cable from Bonn about the border crossing." not in texts(
        queries.search_notes(officer, "cable")
    )
    assert texts(queries.search_notes(officer_in_bonn, "cable")) == [
        "The cable from Bonn about the border crossing."
    ]
    assert len(queries.search_notes(idc, "cable")) == 3
    assert queries.search_notes(auditor, "cable") == []


@pytest.mark.parametrize(
    "text",
    ['"cable', "cable AND", "NEAR(cable)", "cable*", "-cable", "cable:", "(", "''"],
    ids=[
        "a stray quote",
        "a dangling operator",
        "a function",
        "a wildcard",
        "a minus",
        "a column filter",
        "a bracket",
        "empty quotes",
    ],
)
def test_query_syntax_is_searched_as_words_never_run(
    notes: dict[str, Case], officer: User, text: str
) -> None:
    hits = queries.search_notes(officer, text)
    assert all("cable" in hit.note.text.lower() for hit in hits)


def test_an_empty_or_overlong_search(notes: dict[str, Case], officer: User) -> None:
    assert queries.search_notes(officer, "   ") == []
    with pytest.raises(InvalidInput):
        queries.search_notes(officer, "word " * 50)


def test_the_search_page_and_the_api(notes: dict[str, Case], officer: User) -> None:
    client = Client()
    client.force_login(officer)
    page = client.get("/cases/notes/", {"q": "Cable"}).content.decode()
    assert page.count("data-note=") == 2
    assert notes["vienna"].cryptonym in page
    _, token = create_api_token(acting_user=officer, user=officer, name="tests")
    response = Client().get(
        "/api/v1/cases/notes/search", {"q": "Cable"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    body = response.json()["items"]
    assert [hit["cryptonym"] for hit in body] == [notes["vienna"].cryptonym] * 2
    assert body[0]["rank"] >= body[1]["rank"]


def test_the_search_uses_the_databases_full_text_index(notes: dict[str, Case]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'cases_casenote_fts'")
        else:
            cursor.execute(
                "SELECT count(*) FROM pg_indexes WHERE indexname = 'cases_casenote_text_search'"
            )
        assert cursor.fetchone() == (1,)


def test_an_edited_note_is_found_by_its_new_words(notes: dict[str, Case], officer: User) -> None:
    """The SQLite index follows the table through its triggers (notes are not edited by any
    action yet; this guards the trigger)."""
    from defector.cases.models import CaseNote

    target = CaseNote.objects.get(text__startswith="Polygraph")
    CaseNote.objects.filter(pk=target.pk).update(text="Fluoroscope appointment moved.")
    assert texts(queries.search_notes(officer, "fluoroscope")) == ["Fluoroscope appointment moved."]
    assert queries.search_notes(officer, "polygraph") == []


def test_the_sqlite_index_is_put_back_after_a_table_rebuild(
    notes: dict[str, Case], officer: User
) -> None:
    """A migration that alters the notes table rebuilds it on SQLite, which drops its
    triggers; ``ensure_index`` (run after every migrate) puts them back."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's FTS5 triggers")
    from defector.cases import search

    with connection.cursor() as cursor:
        for statement in search.SQLITE_TEARDOWN:
            cursor.execute(statement)
    assert texts(queries.search_notes(officer, "polygraph")) == [
        "Polygraph scheduled; no meetings before Thursday."
    ]  # without the index, the plain search still answers
    search.ensure_index()
    note(notes["other"], officer, "Second polygraph session booked.")
    assert len(queries.search_notes(officer, "polygraph")) == 2


def test_the_lists_sql_is_compiled_once_for_a_reader_and_the_filters_set(
    cases: dict[str, Case], idc: User, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled: list[Any] = []
    original = prepared._compile

    def counting(queryset: Any) -> Any:
        compiled.append(queryset)
        return original(queryset)

    monkeypatch.setattr(prepared, "_compile", counting)
    lists._list_reads.cache_clear()

    def read(post: int) -> tuple[int, list[str]]:
        rows = queries.case_rows(idc, queries.CaseFilters(post=post, overdue=False), now=NOW)
        return rows.count(), [row.cryptonym for row in rows[0:50]]

    filters = queries.CaseFilters(post=world.vienna.pk, overdue=False)
    expected = [c.cryptonym for c in queries.cases_for(idc, filters, now=NOW)]
    assert read(world.vienna.pk) == (len(expected), expected)
    assert len(compiled) == 2  # the count and the page
    assert read(world.bonn.pk) == (1, [cases["bonn"].cryptonym])
    assert len(compiled) == 2


def test_an_id_beyond_any_column_matches_no_case(cases: dict[str, Case], idc: User) -> None:
    assert api_rows(idc, {"officer": str(2**63)}) == []
    assert api_rows(idc, {"post": str(2**64), "q": "A"}) == []


def test_the_filters_choices_and_the_count_are_what_the_orm_reads_for_every_role(
    cases: dict[str, Case], request: pytest.FixtureRequest, officer: User
) -> None:
    officer.first_name = officer.last_name = ""  # an officer shown by their username
    officer.save()
    for role in ("officer", "second_officer", "member", "officer_in_bonn", "idc", "auditor"):
        user: User = request.getfixturevalue(role)
        visible = queries.visible_cases(user)
        posts = Post.objects.filter(pk__in=visible.values("post_id")).order_by("name")
        officers = Official.objects.filter(
            pk__in=Case.officers.through.objects.filter(case_id__in=visible.values("pk")).values(
                "official_id"
            )
        ).order_by("user__last_name", "user__first_name", "user__username")

        choices = queries.list_choices(user)
        assert (choices.count, choices.posts, choices.officers) == (
            visible.count(),
            tuple((post.pk, post.name) for post in posts),
            tuple(
                (o.pk, f"{o.user.first_name} {o.user.last_name}".strip() or o.user.username)
                for o in officers
            ),
        ), role
        assert choices.post_codes == tuple((post.pk, post.code) for post in posts), role
        assert queries.list_may_open(user) == queries.can_open_cases(user), role
        assert queries.case_rows(user).count() == visible.count()
