"""Safe retries of the API's writes (``Idempotency-Key``, ``core.idempotency``): a retry with the
same key gets the first answer and creates nothing; another request under the key is refused;
keys belong to one user and expire; only successes are kept; the change and its answer are
committed together or not at all."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from defector.cases import actions as case_actions
from defector.cases.models import Case
from defector.core import actions, tokens
from defector.core.models import ApiToken, AuditEvent, IdempotencyKey
from defector.core.sealing import reset_keyring
from support.builders import TRUE_NAME
from support.fixtures import MakeOfficial
from support.scratch import migrated_sqlite
from support.world import World

pytestmark = pytest.mark.django_db

WALK_INS = "/api/v1/cases/walk-ins"
TESTS = Path(__file__).resolve().parents[1]
KEY = "0b6f4c8e-5d1a-4c43-9a57-3e0f2d9c1a77"


@pytest.fixture(autouse=True)
def _sealed(sealing_keys: None) -> Iterator[None]:
    yield
    reset_keyring()


@pytest.fixture
def world_parts() -> tuple[str, ...]:
    return ("cia", "state", "vienna", "bonn")


@dataclass
class Caller:
    """Calls the API as one user with a write token."""

    client: Client
    token: str

    def post(self, path: str, body: object, key: str | None = KEY, **headers: str) -> Any:
        if key is not None:
            headers["Idempotency-Key"] = key
        return self.client.post(
            path,
            data=json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.token}", **headers},
        )


def caller_for(user: User) -> Caller:
    plain = tokens.new_token()
    ApiToken.objects.create(
        user=user,
        name="tests",
        prefix=plain[:10],
        digest=tokens.digest(plain),
        scope="write",
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    return Caller(Client(enforce_csrf_checks=True), plain)


@pytest.fixture
def officer(make_official: MakeOfficial, world: World) -> User:
    return make_official("case.officer", ("case_officer", world.vienna))


@pytest.fixture
def walk_in(world: World) -> dict[str, Any]:
    return {
        "facts": {"nationalities": ["SU"], "requests": ["asylum"]},
        "post_id": world.vienna.pk,
        "true_name": TRUE_NAME,
        "received_where": "the consular section",
    }


def counts() -> tuple[int, int, int]:
    return Case.objects.count(), AuditEvent.objects.count(), IdempotencyKey.objects.count()


# --- a retry -----------------------------------------------------------------------------------


def test_without_a_key_every_walk_in_is_a_new_case(officer: User, walk_in: dict[str, Any]) -> None:
    api = caller_for(officer)
    first = api.post(WALK_INS, walk_in, key=None)
    second = api.post(WALK_INS, walk_in, key=None)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]
    assert IdempotencyKey.objects.count() == 0


def test_a_retried_walk_in_with_the_same_key_returns_the_first_case_and_creates_nothing(
    officer: User, walk_in: dict[str, Any]
) -> None:
    api = caller_for(officer)
    before = counts()
    first = api.post(WALK_INS, walk_in)
    assert first.status_code == 201, first.content
    after_first = counts()
    assert after_first[0] == before[0] + 1
    assert after_first[2] == before[2] + 1

    again = api.post(WALK_INS, walk_in)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert again["Content-Type"] == first["Content-Type"]
    assert "Idempotent-Replayed" not in first
    assert counts() == after_first  # no second case, no audit event, no second answer


def test_a_quoted_key_is_the_same_key_as_the_bare_one(
    officer: User, walk_in: dict[str, Any]
) -> None:
    api = caller_for(officer)
    first = api.post(WALK_INS, walk_in, key=KEY)
    again = api.post(WALK_INS, walk_in, key=f'"{KEY}"')  # the draft's structured-field string
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]


def test_a_retry_with_the_same_input_in_another_json_layout_is_a_retry(
    officer: User, walk_in: dict[str, Any]
) -> None:
    api = caller_for(officer)
    first = api.post(WALK_INS, walk_in)
    reordered = dict(reversed(list(walk_in.items())))
    again = api.post(WALK_INS, reordered)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]


# --- another request under the same key ----------------------------------------------------------


def test_the_same_key_with_another_body_answers_422_and_creates_nothing(
    officer: User, walk_in: dict[str, Any]
) -> None:
    api = caller_for(officer)
    api.post(WALK_INS, walk_in)
    before = counts()
    other = api.post(WALK_INS, {**walk_in, "received_where": "the motor pool"})
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert "Idempotent-Replayed" not in other
    assert counts() == before


def test_the_same_key_on_another_operation_answers_422(
    officer: User, walk_in: dict[str, Any]
) -> None:
    api = caller_for(officer)
    api.post(WALK_INS, walk_in)
    before = counts()
    other = api.post(
        "/api/v1/cases/reports",
        {**walk_in, "kind": "disaffected_person", "note": "Seen at the fair."},
    )
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert counts() == before


def test_another_user_with_the_same_key_is_independent(
    officer: User, make_official: MakeOfficial, world: World, walk_in: dict[str, Any]
) -> None:
    other = make_official("second.officer", ("case_officer", world.vienna))
    mine = caller_for(officer).post(WALK_INS, walk_in)
    theirs = caller_for(other).post(WALK_INS, walk_in)
    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs
    assert mine.json()["id"] != theirs.json()["id"]
    assert IdempotencyKey.objects.filter(key=KEY).count() == 2


def test_a_second_token_of_the_same_user_shares_the_key(
    officer: User, walk_in: dict[str, Any]
) -> None:
    first = caller_for(officer).post(WALK_INS, walk_in)
    again = caller_for(officer).post(WALK_INS, walk_in)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]


# --- time, refusals, keys ------------------------------------------------------------------------


def test_an_expired_key_is_forgotten_and_the_request_is_done_again(
    officer: User, walk_in: dict[str, Any]
) -> None:
    api = caller_for(officer)
    first = api.post(WALK_INS, walk_in)
    IdempotencyKey.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    again = api.post(WALK_INS, walk_in)
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert again.json()["id"] != first.json()["id"]
    assert IdempotencyKey.objects.get().expires_at > timezone.now()


def test_keys_are_kept_for_the_configured_hours(
    officer: User, walk_in: dict[str, Any], settings: Any
) -> None:
    settings.IDEMPOTENCY_KEY_HOURS = 2
    caller_for(officer).post(WALK_INS, walk_in)
    kept = IdempotencyKey.objects.get()
    assert kept.expires_at - kept.created_at == dt.timedelta(hours=2)


def test_a_refused_request_is_not_kept_and_a_corrected_retry_with_the_same_key_succeeds(
    officer: User, walk_in: dict[str, Any]
) -> None:
    api = caller_for(officer)
    before = counts()
    refused = api.post(WALK_INS, {**walk_in, "sensitivity": "COSMIC"})
    assert refused.status_code == 422
    assert refused.json()["code"] == "validation_error"
    assert counts() == before  # nothing kept: the refusal changed nothing
    corrected = api.post(WALK_INS, walk_in)
    assert corrected.status_code == 201
    assert "Idempotent-Replayed" not in corrected
    again = api.post(WALK_INS, walk_in)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == corrected.json()["id"]


@pytest.mark.parametrize(
    "key",
    ["", "   ", "x" * 256, "clé", "tab\there", '"unterminated', '""', "back\\slash"],
    ids=[
        "empty",
        "blank",
        "too long",
        "not ASCII",
        "a control character",
        "a stray quote",
        "an empty quoted string",
        "a backslash",
    ],
)
def test_a_malformed_key_answers_422_naming_the_header_and_creates_nothing(
    officer: User, walk_in: dict[str, Any], key: str
) -> None:
    api = caller_for(officer)
    before = counts()
    response = api.post(WALK_INS, walk_in, key=key)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert [error["field"] for error in body["errors"]] == ["Idempotency-Key"]
    assert counts() == before


def test_a_key_of_255_printable_characters_is_accepted(
    officer: User, walk_in: dict[str, Any]
) -> None:
    key = ("A-z 0~" * 50)[:255]
    assert caller_for(officer).post(WALK_INS, walk_in, key=key).status_code == 201
    assert IdempotencyKey.objects.get().key == key


# --- in flight, crashes ---------------------------------------------------------------------------


def test_a_request_still_being_answered_answers_409_and_creates_nothing(
    officer: User, walk_in: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    api = caller_for(officer)
    before = counts()
    # Another transaction holds the key (on PostgreSQL, its advisory lock).
    monkeypatch.setattr(actions, "claim_idempotency_key", lambda user_id, key: False)
    response = api.post(WALK_INS, walk_in)
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_in_use"
    assert counts() == before


def test_a_crash_before_the_commit_keeps_neither_the_case_nor_the_answer(
    officer: User, walk_in: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    api = caller_for(officer)
    before = counts()

    def crash(answer: IdempotencyKey) -> IdempotencyKey:
        raise SystemExit("the server dies after the case was made, before the commit")

    monkeypatch.setattr(actions, "store_idempotent_answer", crash)
    with pytest.raises(SystemExit):
        api.post(WALK_INS, walk_in)
    assert counts() == before  # the case went with the answer
    monkeypatch.undo()
    retried = api.post(WALK_INS, walk_in)
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried
    assert Case.objects.count() == before[0] + 1


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_with_one_key_make_one_case_and_the_other_answers_409(
    officer: User, walk_in: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor == "sqlite":
        pytest.skip(
            "SQLite admits one writer at a time (and the in-memory test database refuses a "
            "second instead of queueing it): the retry waits and is replayed; run on PostgreSQL"
        )
    api = caller_for(officer)
    inside, release = threading.Event(), threading.Event()
    real = case_actions.open_case

    def slow_open_case(**kwargs: Any) -> Any:
        inside.set()
        release.wait(10)
        return real(**kwargs)

    monkeypatch.setattr(case_actions, "open_case", slow_open_case)
    answers: list[Any] = []

    def first() -> None:
        try:
            answers.append(api.post(WALK_INS, walk_in))
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert inside.wait(10)
    second = caller_for(officer).post(WALK_INS, walk_in)
    release.set()
    thread.join()
    assert second.status_code == 409
    assert second.json()["code"] == "idempotency_key_in_use"
    assert answers[0].status_code == 201
    assert Case.objects.count() == 1
    assert api.post(WALK_INS, walk_in)["Idempotent-Replayed"] == "true"


# --- at rest, purging, the document ---------------------------------------------------------------


def test_the_kept_answer_is_sealed_and_the_request_kept_only_as_a_digest(
    officer: User, walk_in: dict[str, Any]
) -> None:
    first = caller_for(officer).post(WALK_INS, walk_in)
    row = IdempotencyKey.objects.values().get()
    stored = json.dumps(row, default=str)
    assert first.json()["cryptonym"] not in stored
    assert TRUE_NAME not in stored
    assert "consular" not in stored
    assert row["body"].startswith("v1.")
    assert row["status_code"] == 201


def test_purging_deletes_only_expired_keys_and_records_how_many(
    officer: User, walk_in: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    api = caller_for(officer)
    api.post(WALK_INS, walk_in, key="old")
    api.post(WALK_INS, walk_in, key="new")
    IdempotencyKey.objects.filter(key="old").update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    call_command("purge_idempotency_keys")
    assert "deleted 1 expired" in capsys.readouterr().out
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert event.action == "core.idempotency.purge"
    assert event.after == {"rows": 1}
    assert actions.purge_idempotency_keys() == 0


def test_every_post_and_patch_documents_the_header_except_those_answered_afresh() -> None:
    document = Client().get("/api/v1/openapi.json").json()
    with_header, without = set(), set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method not in ("post", "patch"):
                continue
            names = {parameter["name"] for parameter in operation.get("parameters", [])}
            (with_header if "Idempotency-Key" in names else without).add(path)
            if "Idempotency-Key" in names:
                assert {"409", "422"} <= set(operation["responses"]), path
                success = [code for code in operation["responses"] if code.startswith("2")]
                assert all(
                    "Idempotent-Replayed" in operation["responses"][code]["headers"]
                    for code in success
                ), path
    assert without == {
        "/api/v1/policy/assess",
        "/api/v1/audit/verify",
        "/api/v1/cases/{case_id}/reveal",
    }
    assert {WALK_INS, "/api/v1/cases/{case_id}/notes", "/api/v1/escalations/problems"} <= (
        with_header
    )


def test_a_reveal_is_answered_afresh_whatever_the_key(
    officer: User, walk_in: dict[str, Any]
) -> None:
    api = caller_for(officer)
    case_id = api.post(WALK_INS, walk_in, key=None).json()["id"]
    reveal = {"field": "true_name", "reason": "Name trace requested by the committee"}
    path = f"/api/v1/cases/{case_id}/reveal"
    first = api.post(path, reveal, key="reveal")
    again = api.post(path, reveal, key="reveal")
    assert first.status_code == again.status_code == 200
    assert "Idempotent-Replayed" not in again
    assert AuditEvent.objects.filter(action__contains="reveal").count() == 2
    assert IdempotencyKey.objects.count() == 0


def test_the_header_is_offered_on_the_writes_of_every_router(
    officer: User, make_official: MakeOfficial, world: World
) -> None:
    admin = make_official("ops.admin", ("administrator", None))
    api = caller_for(admin)
    body = {"code": "LANTERN", "name": "Lantern"}
    first = api.post("/api/v1/directory/compartments", body, key="compartment")
    again = api.post("/api/v1/directory/compartments", body, key="compartment")
    assert first.status_code == 201, first.content
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()


# --- SQLite, as deployed: threads against one database file ---------------------------------------

SQLITE_RACE = """
import json, sys, threading, time
import django
django.setup()
from django.db import connection
from django.test import Client
from defector.cases import actions as case_actions
from defector.cases.models import Case
from defector.core import actions, tokens
from defector.core.models import IdempotencyKey
from support.builders import make_official
from support.world import build_world

world = build_world(("cia", "vienna"))
officer = make_official("case.officer", ("case_officer", world.vienna), agency=world.cia)
token, plain = actions.create_api_token(
    acting_user=None, user=officer, name="race", days=1, scope="write"
)
connection.close()
real = case_actions.open_case

def slow_open_case(**kwargs):
    time.sleep(0.5)  # inside the request's transaction: the other request comes meanwhile
    return real(**kwargs)

case_actions.open_case = slow_open_case
body = json.dumps({"facts": {"nationalities": ["SU"]}, "post_id": world.vienna.pk})
start = threading.Barrier(2)
answers, errors = [], []

def post():
    try:
        start.wait()
        answers.append(Client().post(
            "/api/v1/cases/walk-ins", data=body, content_type="application/json",
            headers={"Authorization": "Bearer " + plain, "Idempotency-Key": "race"},
        ))
    except BaseException as exc:
        errors.append(repr(exc))
    finally:
        connection.close()

threads = [threading.Thread(target=post) for _ in range(2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({
    "errors": errors,
    "statuses": sorted(answer.status_code for answer in answers),
    "replayed": sorted(answer.get("Idempotent-Replayed", "") for answer in answers),
    "ids": sorted({answer.json().get("id") for answer in answers}),
    "cases": Case.objects.count(),
    "kept": IdempotencyKey.objects.count(),
}))
"""


def test_two_requests_at_once_with_one_key_on_a_sqlite_file_make_one_case(
    tmp_path: Path,
) -> None:
    """Two threads post one walk-in with one key at once against a SQLite file (WAL, immediate
    transactions): the second waits for the first's commit and gets its answer."""
    if connection.vendor != "sqlite":
        pytest.skip("a test of the SQLite deployment; the PostgreSQL run tests threads above")
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DEFECTOR_STATE_DIR": str(tmp_path),
        "DEFECTOR_ALLOWED_HOSTS": "testserver",
        "DJANGO_SETTINGS_MODULE": "defector.settings",
        "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
    }
    migrated_sqlite(tmp_path)  # what `defector migrate` makes there (support.scratch)
    race = subprocess.run(
        [sys.executable, "-c", SQLITE_RACE], env=env, capture_output=True, text=True, timeout=120
    )
    assert race.returncode == 0, race.stderr
    result = json.loads(race.stdout.strip().splitlines()[-1])
    assert result["errors"] == []
    assert result["statuses"] == [201, 201]
    assert result["replayed"] == ["", "true"]
    assert len(result["ids"]) == 1
    assert result["cases"] == 1
    assert result["kept"] == 1
