"""Two officials editing one case never lose an update: every change names the version it
was made on, and a stale one is refused (409) saying who changed the case and when."""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from defector.cases import actions
from defector.cases.models import Assessment, Case, CaseNote, Obligation
from defector.core.actions import create_api_token
from defector.core.errors import Conflict, InvalidInput

AT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
FACTS: dict[str, Any] = {
    "nationalities": ["SU"],
    "location": "AT",
    "escaped_control": True,
    "unwilling_to_return": True,
    "special_value": ["information"],
    "requests": ["asylum"],
    "threat_information": True,
}


@pytest.mark.django_db
def test_a_second_write_on_the_same_version_is_refused_and_the_first_is_kept(
    open_case: Any, officer: User, chair: User, counts: Any
) -> None:
    case = open_case(facts=FACTS, at=AT)
    seen = case.version  # both officials opened the page at version 1
    actions.update_facts(
        acting_user=chair,
        case_id=case.pk,
        expected_version=seen,
        facts={**FACTS, "induced": True},
        at=AT + dt.timedelta(minutes=5),
    )
    before = counts()
    with pytest.raises(Conflict) as caught:
        actions.update_facts(
            acting_user=officer,
            case_id=case.pk,
            expected_version=seen,
            facts={**FACTS, "threat_information": False},
        )
    assert caught.value.status == 409
    assert caught.value.message == (
        "This case was changed by Committee Chair at 02 Mar 2026 09:35 UTC since you opened it "
        "(it is at version 2; you had version 1); reload to see the changes."
    )
    assert caught.value.data["version"] == 2
    assert counts() == before
    latest = Assessment.objects.filter(case=case).order_by("-number").first()
    assert latest is not None
    assert latest.facts["induced"] is True  # the first update stands


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["note", "move", "discharge", "reassign", "waive"])
def test_every_change_of_a_case_checks_the_version(
    open_case: Any, chair: User, member: User, counts: Any, action: str
) -> None:
    case = open_case(acting_user=chair, facts=FACTS, at=AT)
    actions.add_note(acting_user=chair, case_id=case.pk, expected_version=1, text="First note.")
    threat = Obligation.objects.get(case=case, identifier="disseminate_threat_information")
    stale = {"acting_user": chair, "case_id": case.pk, "expected_version": 1}
    calls = {
        "note": lambda: actions.add_note(**stale, text="Second note."),
        "move": lambda: actions.move_case(**stale, to="assessment"),
        "discharge": lambda: actions.discharge_obligation(
            **stale, obligation_id=threat.pk, evidence="Cable sent at 09:41."
        ),
        "reassign": lambda: actions.reassign_obligation(
            **stale, obligation_id=threat.pk, owner_id=member.official.pk
        ),
        "waive": lambda: actions.waive_obligation(
            **stale, obligation_id=threat.pk, reason="Not needed after all, says the chair."
        ),
    }
    before = counts()
    with pytest.raises(Conflict, match="reload to see the changes"):
        calls[action]()
    assert counts() == before


@pytest.mark.django_db
def test_a_change_without_a_version_is_refused(open_case: Any, officer: User) -> None:
    case = open_case(facts=FACTS, at=AT)
    with pytest.raises(InvalidInput) as caught:
        actions.add_note(acting_user=officer, case_id=case.pk, expected_version=None, text="x")
    assert caught.value.errors == [
        {
            "field": "version",
            "message": "is required: send the version of the case you read "
            "(a positive whole number)",
        }
    ]


@pytest.mark.django_db
def test_each_change_raises_the_version_by_one(open_case: Any, officer: User) -> None:
    case = open_case(facts=FACTS, at=AT)
    for expected in (1, 2, 3):
        actions.add_note(
            acting_user=officer, case_id=case.pk, expected_version=expected, text=f"Note {expected}"
        )
    case.refresh_from_db()
    assert case.version == 4
    assert case.changed_by is not None
    assert case.changed_by.user == officer


# --- the API and the pages ------------------------------------------------------------------


def _api(user: User) -> tuple[Client, dict[str, str]]:
    _, token = create_api_token(acting_user=user, user=user, name="tests")
    return Client(), {"Authorization": f"Bearer {token}"}


@pytest.mark.django_db
def test_the_api_answers_409_with_the_message_and_takes_if_match(
    open_case: Any, officer: User, chair: User
) -> None:
    case = open_case(facts=FACTS, at=AT)
    client, auth = _api(officer)
    etag = client.get(f"/api/v1/cases/{case.pk}", headers=auth)["ETag"]
    assert etag == '"1"'
    actions.add_note(acting_user=chair, case_id=case.pk, expected_version=1, text="Chair's note.")
    stale = client.put(
        f"/api/v1/cases/{case.pk}/facts",
        data=json.dumps({"facts": {**FACTS, "induced": True}}),
        content_type="application/json",
        headers={**auth, "If-Match": etag},
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    assert "changed by Committee Chair" in stale.json()["message"]
    fresh = client.put(
        f"/api/v1/cases/{case.pk}/facts",
        data=json.dumps({"facts": {**FACTS, "induced": True}, "version": 2}),
        content_type="application/json",
        headers=auth,
    )
    assert fresh.status_code == 200, fresh.content
    assert fresh.json()["number"] == 2


@pytest.mark.django_db
def test_a_stale_form_shows_who_changed_the_case(
    open_case: Any, officer: User, chair: User, client_for: Any
) -> None:
    case = open_case(facts=FACTS, at=AT)
    client = client_for(officer)
    page = f"/cases/{case.pk}/"
    client.get(page)
    actions.add_note(acting_user=chair, case_id=case.pk, expected_version=1, text="Chair's note.")
    response = client.post(
        f"/cases/{case.pk}/notes/",
        {
            "version": 1,
            "text": "My note, written on the old page.",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "This case was changed by Committee Chair" in body
    assert "My note, written on the old page." in body  # what was typed is kept
    assert CaseNote.objects.filter(case=case).count() == 1


# --- threads (PostgreSQL) ---------------------------------------------------------------------


def _skip_on_sqlite() -> None:
    if connection.vendor == "sqlite":
        pytest.skip(
            "the in-memory SQLite test database shares one cache between threads, which "
            "refuses concurrent writers instead of queueing them; run on PostgreSQL"
        )


@pytest.mark.django_db(transaction=True)
def test_threads_writing_on_the_same_version_let_exactly_one_win(
    open_case: Any, officer: User
) -> None:
    _skip_on_sqlite()
    case = open_case(facts=FACTS, at=AT)
    writers = 8
    start = threading.Barrier(writers)
    won: list[int] = []
    refused: list[int] = []
    errors: list[BaseException] = []

    def write(number: int) -> None:
        try:
            start.wait()
            actions.update_facts(
                acting_user=officer,
                case_id=case.pk,
                expected_version=1,
                facts={**FACTS, "induced": bool(number % 2), "as_of": f"2026-03-{number + 3:02d}"},
            )
            won.append(number)
        except Conflict:
            refused.append(number)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(won) == 1
    assert len(refused) == writers - 1
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.version == 2
    assert Assessment.objects.filter(case=case).count() == 2


@pytest.mark.django_db(transaction=True)
def test_threads_that_retry_on_conflict_lose_no_update(open_case: Any, officer: User) -> None:
    _skip_on_sqlite()
    case = open_case(facts=FACTS, at=AT)
    writers, per_writer = 6, 5
    start = threading.Barrier(writers)
    errors: list[BaseException] = []
    conflicts: list[int] = []

    def write(number: int) -> None:
        try:
            start.wait()
            for n in range(per_writer):
                while True:
                    seen = Case.objects.values_list("version", flat=True).get(pk=case.pk)
                    try:
                        actions.add_note(
                            acting_user=officer,
                            case_id=case.pk,
                            expected_version=seen,
                            text=f"writer {number} note {n}",
                        )
                        break
                    except Conflict:
                        conflicts.append(number)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    total = writers * per_writer
    assert CaseNote.objects.filter(case=case).count() == total
    assert Case.objects.get(pk=case.pk).version == 1 + total
    assert conflicts, "the writers never collided: the test proves little"
