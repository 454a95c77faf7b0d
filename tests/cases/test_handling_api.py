"""The handling through the API: bona fides checks and verdicts, the statement (drawn as JSON,
scanned as multipart) with its access-checked file, tasks — 404 for a case the caller may not
see, 409 on a stale version, 422 naming every bad field (and the clause, for a refusal under
the directive)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from defector.cases.models import Case, CaseTask, Obligation, VoluntaryStatement
from defector.core.actions import create_api_token
from defector.directory.models import Official

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%%EOF\n"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4//8/AAX+Av4N70a4AAAAAElFTkSuQmCC"
)


@dataclass
class Api:
    client: Client
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str) -> Any:
        return self.client.get("/api/v1/cases" + path, headers=self.auth)

    def send(self, method: str, path: str, body: object, **headers: str) -> Any:
        return getattr(self.client, method)(
            "/api/v1/cases" + path,
            data=json.dumps(body, default=str),
            content_type="application/json",
            headers={**self.auth, **headers},
        )

    def upload(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post("/api/v1/cases" + path, data, headers=self.auth)


def api_for(user: User) -> Api:
    _, token = create_api_token(acting_user=user, user=user, name="tests")
    return Api(Client(), token)


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture
def case(open_case: Any, walk_in_facts: dict[str, Any]) -> Case:
    return open_case(facts=walk_in_facts)


def version(case: Case) -> int:
    case.refresh_from_db()
    return case.version


def official_id(user: User) -> int:
    return Official.objects.get(user=user).pk


# --- bona fides ---------------------------------------------------------------------------------


def test_checks_and_an_established_verdict_through_the_api(case: Case, officer: User) -> None:
    api = api_for(officer)
    created = api.send(
        "post",
        f"/{case.pk}/bona-fides/checks",
        {"version": version(case), "kind": "name_traces", "analyst_id": official_id(officer)},
    )
    assert created.status_code == 201, created.json()
    check = created.json()
    assert (check["result"], check["kind_label"]) == ("pending", "Name traces")
    done = api.send(
        "post",
        f"/{case.pk}/bona-fides/checks/{check['id']}/result",
        {
            "version": version(case),
            "result": "consistent",
            "checked_on": timezone.localdate().isoformat(),
            "finding": "Traces agree with AEBEACON's account.",
        },
    )
    assert done.status_code == 200
    verdict = api.send(
        "post",
        f"/{case.pk}/bona-fides/verdicts",
        {
            "version": version(case),
            "verdict": "established",
            "check_ids": [check["id"]],
            "rationale": "Traces agree; nothing contradicts.",
        },
    )
    assert verdict.status_code == 201, verdict.json()
    assert verdict.json()["basis"] == [
        {"id": check["id"], "kind": "name_traces", "result": "consistent"}
    ]
    whole = api.get(f"/{case.pk}/bona-fides").json()
    assert whole["clock"]["established"] is True
    assert whole["clock"]["text"] == "established on day 1 of 30"
    assert whole["current"]["verdict"] == "established"
    assert Obligation.objects.get(case=case, identifier="establish_bona_fides").status == "done"


def test_an_established_verdict_on_an_inconsistent_check_answers_422_with_the_clause(
    case: Case, officer: User
) -> None:
    api = api_for(officer)
    check = api.send(
        "post",
        f"/{case.pk}/bona-fides/checks",
        {
            "version": version(case),
            "kind": "identity_documents",
            "analyst_id": official_id(officer),
            "result": "inconsistent",
            "checked_on": timezone.localdate().isoformat(),
            "finding": "The passport's stamps are forged.",
        },
    ).json()
    refused = api.send(
        "post",
        f"/{case.pk}/bona-fides/verdicts",
        {
            "version": version(case),
            "verdict": "established",
            "check_ids": [check["id"]],
            "rationale": "Established regardless.",
        },
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "policy_refusal"
    assert refused.json()["clauses"] == ["6b(3)(b)"]


def test_a_stale_if_match_answers_409(case: Case, officer: User) -> None:
    api = api_for(officer)
    body = {"kind": "name_traces", "analyst_id": official_id(officer)}
    stale = version(case)
    first = api.send("post", f"/{case.pk}/bona-fides/checks", body, **{"If-Match": f'"{stale}"'})
    assert first.status_code == 201
    response = api.send("post", f"/{case.pk}/bona-fides/checks", body, **{"If-Match": f'"{stale}"'})
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


def test_bona_fides_of_an_unseen_case_is_not_found(case: Case, officer_in_bonn: User) -> None:
    api = api_for(officer_in_bonn)
    assert api.get(f"/{case.pk}/bona-fides").status_code == 404
    response = api.send(
        "post",
        f"/{case.pk}/bona-fides/checks",
        {"version": 1, "kind": "name_traces", "analyst_id": official_id(officer_in_bonn)},
    )
    assert response.status_code == 404


# --- the statement ------------------------------------------------------------------------------


def statement_body(case: Case) -> dict[str, Any]:
    return {
        "version": version(case),
        "language_code": "zh",
        "language_name": "Chinese",
        "text_original": "我自愿请求政治庇护。",
        "text_english": "Of my own free will I request political asylum.",
        "signed_at": timezone.now().isoformat(),
    }


def test_a_drawn_statement_as_json_then_witnessed_and_downloaded(
    case: Case, officer: User, member: User, officer_in_bonn: User
) -> None:
    body = statement_body(case) | {"signature_png": base64.b64encode(PNG).decode()}
    created = api_for(officer).send("post", f"/{case.pk}/statements", body)
    assert created.status_code == 201, created.json()
    statement = created.json()
    assert statement["signature_method"] == "drawn"
    assert statement["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert statement["counts"] is False
    witnessed = api_for(member).send(
        "post", f"/{case.pk}/statements/{statement['id']}/witness", {"version": version(case)}
    )
    assert witnessed.status_code == 200
    assert witnessed.json()["counts"] is True
    assert witnessed.json()["witness"]["id"] == official_id(member)
    got = api_for(member).get(f"/{case.pk}/statements/{statement['id']}/file")
    assert got.status_code == 200
    assert got.content == PNG
    assert got["Content-Type"] == "image/png"
    assert got["X-Content-SHA256"] == statement["sha256"]
    assert statement["file_url"] == f"/api/v1/cases/{case.pk}/statements/{statement['id']}/file"
    stranger = api_for(officer_in_bonn)
    assert stranger.get(f"/{case.pk}/statements/{statement['id']}/file").status_code == 404
    assert stranger.get(f"/{case.pk}/statements/{statement['id']}").status_code == 404


def test_the_recorder_may_not_witness_through_the_api(case: Case, officer: User) -> None:
    api = api_for(officer)
    body = statement_body(case) | {"signature_png": base64.b64encode(PNG).decode()}
    statement = api.send("post", f"/{case.pk}/statements", body).json()
    refused = api.send(
        "post", f"/{case.pk}/statements/{statement['id']}/witness", {"version": version(case)}
    )
    assert refused.status_code == 403
    assert refused.json()["clauses"] == ["6b(3)(c)"]


def test_a_scanned_statement_as_multipart(case: Case, officer: User) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = statement_body(case) | {
        "signature_file": SimpleUploadedFile("scan.pdf", PDF, "application/pdf")
    }
    created = api_for(officer).upload(f"/{case.pk}/statements/scanned", data)
    assert created.status_code == 201, created.json()
    assert created.json()["content_type"] == "application/pdf"
    assert created.json()["sha256"] == hashlib.sha256(PDF).hexdigest()


def test_a_text_file_renamed_pdf_answers_422_and_nothing_is_saved(
    case: Case, officer: User, media_root: Path
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = version(case)
    data = statement_body(case) | {
        "signature_file": SimpleUploadedFile("scan.pdf", b"hello\n", "application/pdf")
    }
    refused = api_for(officer).upload(f"/{case.pk}/statements/scanned", data)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "signature_file"
    assert VoluntaryStatement.objects.count() == 0
    assert version(case) == before


def test_a_withdrawn_statement_stops_counting(case: Case, officer: User, chair: User) -> None:
    body = statement_body(case) | {"signature_png": base64.b64encode(PNG).decode()}
    statement = api_for(officer).send("post", f"/{case.pk}/statements", body).json()
    api_for(chair).send(
        "post", f"/{case.pk}/statements/{statement['id']}/witness", {"version": version(case)}
    )
    withdrawn = api_for(officer).send(
        "post",
        f"/{case.pk}/statements/{statement['id']}/withdraw",
        {"version": version(case), "reason": "AEBEACON retracted it in writing."},
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["counts"] is False


# --- tasks --------------------------------------------------------------------------------------


def test_a_task_through_the_api(case: Case, officer: User, member: User, chair: User) -> None:
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    created = api_for(officer).send(
        "post",
        f"/{case.pk}/tasks",
        {
            "version": version(case),
            "title": "Interpreter for AEBEACON's debriefing",
            "official_id": official_id(member),
            "due_on": due,
        },
    )
    assert created.status_code == 201, created.json()
    task = created.json()
    assert (task["status"], task["overdue"], task["official"]["id"]) == (
        "assigned",
        False,
        official_id(member),
    )
    patched = api_for(chair).send(
        "patch",
        f"/{case.pk}/tasks/{task['id']}",
        {"version": version(case), "details": "Mandarin."},
    )
    assert patched.status_code == 200
    assert patched.json()["details"] == "Mandarin."
    refused = api_for(chair).send(
        "post", f"/{case.pk}/tasks/{task['id']}/accept", {"version": version(case)}
    )
    assert refused.status_code == 403
    assert refused.json()["clauses"] == ["6b(3)(d)"]
    member_api = api_for(member)
    assert (
        member_api.send(
            "post", f"/{case.pk}/tasks/{task['id']}/accept", {"version": version(case)}
        ).json()["status"]
        == "accepted"
    )
    done = member_api.send(
        "post",
        f"/{case.pk}/tasks/{task['id']}/complete",
        {"version": version(case), "result": "Interpreter booked for Monday."},
    )
    assert done.json()["status"] == "done"
    listed = member_api.get(f"/{case.pk}/tasks").json()["items"]
    assert [row["id"] for row in listed] == [task["id"]]


def test_a_task_with_two_assignees_answers_422_and_saves_nothing(
    case: Case, officer: User, member: User, world: Any
) -> None:
    refused = api_for(officer).send(
        "post",
        f"/{case.pk}/tasks",
        {
            "version": version(case),
            "title": "Two at once",
            "official_id": official_id(member),
            "agency_id": world.cia.pk,
            "due_on": timezone.localdate().isoformat(),
        },
    )
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "assignee", "message": "give an agency or an official, not both"}
    ]
    assert CaseTask.objects.count() == 0


def test_an_id_beyond_64_bits_is_refused_by_the_schema(case: Case, officer: User) -> None:
    refused = api_for(officer).send(
        "post",
        f"/{case.pk}/tasks",
        {
            "version": version(case),
            "title": "Overflow",
            "official_id": 2**70,
            "due_on": timezone.localdate().isoformat(),
        },
    )
    assert refused.status_code == 422


def test_a_scanned_statement_retried_with_its_idempotency_key_is_recorded_once(
    case: Case, officer: User
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from defector.core.models import IdempotencyKey

    api = api_for(officer)
    body = statement_body(case)  # the retry sends exactly what the first request sent
    path = f"/api/v1/cases/{case.pk}/statements/scanned"

    def send(content: bytes) -> Any:
        data = body | {"signature_file": SimpleUploadedFile("scan.pdf", content, "application/pdf")}
        return api.client.post(path, data, headers={**api.auth, "Idempotency-Key": "scan-1"})

    first = send(PDF)
    again = send(PDF)
    assert first.status_code == again.status_code == 201, first.content
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert VoluntaryStatement.objects.count() == 1
    other = send(PDF + b"% another scan\n")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert VoluntaryStatement.objects.count() == 1
    kept = json.dumps(list(IdempotencyKey.objects.values()), default=str, ensure_ascii=False)
    assert "政治庇护" not in kept  # the answer is sealed at rest
    assert "political asylum" not in kept
