"""Free text never holds the subject's true name or an alias (``6b(1)``, issue 10 finding 3).

Notes, tasks and every stated reason are stored in clear and searched by everyone who sees
the case, so the actions refuse a text that names the subject — in any case, with or without
diacritics, with extra spacing — and say where the name belongs: the sealed identity. A word
that merely contains a name is accepted (whole words only).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from defector.cases import actions, queries
from defector.cases.models import Case, CaseNote, Obligation
from defector.core.actions import create_api_token
from defector.core.errors import InvalidInput

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]

#: Where the error says the name belongs.
WHERE = "it belongs in the sealed identity (Subject), which is shown only on reveal"


@pytest.fixture
def case(open_case: Any, walk_in_facts: dict[str, Any]) -> Case:
    return open_case(facts=walk_in_facts, note="Came alone.")


def add_note(case: Case, user: User, text: str) -> CaseNote:
    case.refresh_from_db()
    return actions.add_note(
        acting_user=user, case_id=case.pk, expected_version=case.version, text=text
    )


def refused_fields(error: pytest.ExceptionInfo[InvalidInput]) -> dict[str, str]:
    return {item["field"]: item["message"] for item in error.value.errors}


NAMED = {
    "the whole true name": "Met Arkady Nikolayevich Shevchenko at noon.",
    "the surname in capitals": "SHEVCHENKO was calm.",
    "the surname in another case and with a diacritic added": "shevchénko was calm.",
    "the name with extra spaces and punctuation": "Arkady   ,  Shevchenko came back.",
    "the given name alone": "arkady asked for tea.",
    "an alias on its own line": "Arkasha phoned twice.",
    "a whole alias with its initials": "a.n. shevchenko signed.",
}


@pytest.mark.parametrize("text", NAMED.values(), ids=NAMED)
def test_a_note_naming_the_subject_is_refused_saying_where_the_name_belongs(
    case: Case, officer: User, text: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        add_note(case, officer, text)
    message = refused_fields(refused)["text"]
    assert WHERE in message
    assert "shevchenko" not in message.casefold()
    assert not CaseNote.objects.filter(case=case, text=text).exists()


def test_a_note_with_a_word_that_contains_a_name_is_accepted(case: Case, officer: User) -> None:
    note = add_note(case, officer, "Shevchenkovsky district; Arkadyevich's cousin is unknown.")
    assert note.pk is not None


def test_a_note_naming_a_diacritic_name_without_its_diacritics_is_refused(
    open_case: Any, officer: User
) -> None:
    case = open_case(true_name="José Núñez Peña")
    with pytest.raises(InvalidInput):
        add_note(case, officer, "jose nunez pena came")


def test_the_note_search_cannot_find_a_true_name_written_in_a_note(
    case: Case, officer: User, member: User
) -> None:
    with pytest.raises(InvalidInput):
        add_note(case, officer, "Shevchenko said the cable was forged.")
    add_note(case, officer, "The cable was forged, he said.")
    assert queries.search_notes(member, "Shevchenko") == []
    assert len(queries.search_notes(member, "cable")) == 1


def test_the_first_note_at_intake_may_not_name_the_subject(open_case: Any, counts: Any) -> None:
    before = counts()
    with pytest.raises(InvalidInput) as refused:
        open_case(note="Shevchenko walked in.", received_where="Consular section")
    assert WHERE in refused_fields(refused)["note"]
    assert counts() == before


def test_a_task_naming_the_subject_is_refused_on_each_field(
    case: Case, officer: User, world: Any
) -> None:
    with pytest.raises(InvalidInput) as refused:
        actions.create_task(
            acting_user=officer,
            case_id=case.pk,
            expected_version=case.version,
            title="Check Shevchenko's travel",
            details="Arkasha's travel since 1970.",
            due_on=timezone.localdate() + dt.timedelta(days=7),
            agency_id=world.cia.pk,
        )
    assert set(refused_fields(refused)) >= {"title", "details"}


def test_a_reason_naming_the_subject_is_refused(case: Case, officer: User, chair: User) -> None:
    with pytest.raises(InvalidInput) as moved:
        actions.move_case(
            acting_user=officer,
            case_id=case.pk,
            expected_version=case.version,
            to="closed",
            outcome="withdrew",
            reason="Shevchenko went home.",
        )
    assert WHERE in refused_fields(moved)["reason"]
    obligation = Obligation.objects.filter(case=case).first()
    assert obligation is not None
    with pytest.raises(InvalidInput) as waived:
        actions.waive_obligation(
            acting_user=chair,
            case_id=case.pk,
            obligation_id=obligation.pk,
            expected_version=case.version,
            reason="Shevchenko is handled elsewhere.",
        )
    assert WHERE in refused_fields(waived)["reason"]


def test_the_political_risk_reasoning_may_not_name_the_subject(case: Case, senior: User) -> None:
    with pytest.raises(InvalidInput) as refused:
        actions.determine_political_risk(
            acting_user=senior,
            case_id=case.pk,
            expected_version=case.version,
            subject="case",
            level="low",
            reasoning="Shevchenko's defection would embarrass no one.",
        )
    assert WHERE in refused_fields(refused)["reasoning"]


def test_the_api_answers_422_naming_the_field(case: Case, officer: User) -> None:
    _, token = create_api_token(acting_user=officer, user=officer, name="tests")
    response = Client().post(
        f"/api/v1/cases/{case.pk}/notes",
        data=json.dumps({"version": case.version, "text": "Shevchenko came."}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["errors"][0]["field"] == "text"
    assert WHERE in body["errors"][0]["message"]
    assert "Shevchenko" not in response.content.decode()


def test_the_page_puts_the_error_on_the_field(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    client = client_for(officer)
    client.get(reverse("cases:detail", args=[case.pk]))
    response = client.post(
        reverse("cases:note", args=[case.pk]),
        {
            "version": case.version,
            "text": "Shevchenko came.",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 200
    assertContains(response, WHERE)
    error = re.search(r'id="[^"]*text_error">([^<]*)<', response.content.decode())
    assert error is not None
    assert WHERE in error.group(1)
    assert not CaseNote.objects.filter(case=case, text="Shevchenko came.").exists()
