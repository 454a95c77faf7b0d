"""The auditor proves who did what and when without reading the case (issue 10, finding 4).

Case content — before/after of every object outside the administrative apps, and the reason
stated except for a reveal or an export — shows to auditors as field names with keyed digests
on the event page, in the API and in the CSV export; the stored chain is unchanged and still
verifies.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from defector.core import audit, chain, redaction, signing
from defector.core.models import AuditEvent
from defector.directory.choices import Role
from defector.directory.models import Agency, Official, RoleAssignment
from support.postgres import settle_deferred_checks

pytestmark = pytest.mark.django_db

RATIONALE = "CANARY-RATIONALE he named his handler in Vienna"
SPECIAL_VALUE = "CANARY-SPECIAL knows the order of battle"
FINDINGS = "CANARY-FINDINGS polygraph inconclusive"


@pytest.fixture(autouse=True)
def signing_key(monkeypatch: pytest.MonkeyPatch) -> str:
    text = chain.new_private_key_text()
    monkeypatch.setenv(signing.ENV_NAME, text)
    return text


@pytest.fixture
def auditor(make_user: Callable[..., Any]) -> Any:
    user = make_user("i.novak", first_name="Iris", last_name="Novak")
    agency = Agency.objects.create(code="OVERSIGHT", name="Office of the Inspector General")
    official = Official.objects.create(user=user, agency=agency, clearance="SECRET")
    RoleAssignment.objects.create(official=official, role=Role.AUDITOR)
    return user


@pytest.fixture
def auditor_client(auditor: Any) -> Client:
    client = Client()
    client.force_login(auditor)
    return client


def write(action: str, object_type: str, **fields: Any) -> AuditEvent:
    with transaction.atomic():
        return audit.record(actor=None, action=action, object_type=object_type, **fields)


@pytest.fixture
def log() -> list[AuditEvent]:
    return [
        write(
            "cases.status.decide",
            "cases.statusdecision",
            cryptonym="AEKESTREL",
            before={"status": "open", "rationale": ""},
            after={"status": "resettled", "rationale": RATIONALE, "special_value": SPECIAL_VALUE},
            reason=RATIONALE,
        ),
        write(
            "cases.bonafides.record",
            "cases.bonafidescheck",
            cryptonym="AEKESTREL",
            after={"findings": FINDINGS, "rationale": RATIONALE, "true_name": "[sealed]"},
        ),
        write(
            "cases.subject.reveal",
            "cases.subject",
            cryptonym="AEKESTREL",
            reason="name trace requested by the IDC",
            after={"true_name": "[sealed]"},
        ),
        write(
            "directory.post.update",
            "directory.post",
            before={"name": "Vienna station"},
            after={"name": "Vienna post"},
        ),
    ]


CANARIES = ("CANARY", "resettled", "order of battle")


def assert_no_content(text: str) -> None:
    for canary in CANARIES:
        assert canary not in text


def test_the_event_page_shows_case_content_as_field_names_and_digests(
    auditor_client: Client, log: list[AuditEvent]
) -> None:
    response = auditor_client.get(reverse("audit:event", kwargs={"seq": 1}))
    assert response.status_code == 200
    text = response.content.decode()
    assert_no_content(text)
    for name in ("status", "rationale", "special_value"):
        assert f"&quot;{name}&quot;: &quot;hmac-sha256:" in text
    assertContains(response, 'data-redacted="true"')
    assertContains(response, "Hash matches")  # checked on the stored event, not on what shows
    assertContains(response, "Linked to the event before")


def test_the_api_shows_case_content_as_digests_and_equal_values_as_equal_digests(
    auditor_client: Client, log: list[AuditEvent]
) -> None:
    listed = auditor_client.get("/api/v1/audit/events")
    one = auditor_client.get("/api/v1/audit/events/2")
    assert listed.status_code == one.status_code == 200
    assert_no_content(listed.content.decode())
    assert_no_content(one.content.decode())
    items = {item["seq"]: item for item in listed.json()["items"]}
    first, second = items[1], items[2]
    assert set(first["after"]["[redacted]"]) == {"status", "rationale", "special_value"}
    # The same rationale in two events: the same digest, so they compare without reading.
    assert first["after"]["[redacted]"]["rationale"] == second["after"]["[redacted]"]["rationale"]
    assert first["reason"] == first["after"]["[redacted]"]["rationale"]
    assert first["before"]["[redacted]"]["rationale"] != first["after"]["[redacted]"]["rationale"]
    assert second["after"]["[redacted]"]["true_name"] == "[sealed]"
    assert one.json() == second
    assert first["hash"] == log[0].hash


def test_the_csv_export_shows_no_case_content_and_still_verifies_its_links_offline(
    auditor_client: Client, log: list[AuditEvent]
) -> None:
    auditor_client.get(reverse("audit:index"))
    response = auditor_client.post(reverse("audit:export"), {"reason": "annual review"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    assert_no_content(body)
    events = []
    for row in csv.DictReader(io.StringIO(body)):
        event: dict[str, Any] = dict(row)
        event["seq"] = int(row["seq"])
        event["actor_id"] = int(row["actor_id"]) if row["actor_id"] else None
        for name in ("before", "after", "decision"):
            event[name] = json.loads(row[name]) if row[name] else None
        events.append(event)
    report = chain.verify(events, [], {}, redacted=True)
    assert report.ok, report.faults
    assert (report.events, report.redacted) == (5, 3)
    # Without ``redacted`` the digests are not the content the hashes cover.
    assert not chain.verify(events, [], {}).ok


def test_administrative_events_and_a_reveals_reason_show_in_full(
    auditor_client: Client, log: list[AuditEvent]
) -> None:
    post = auditor_client.get("/api/v1/audit/events/4").json()
    assert post["before"] == {"name": "Vienna station"}
    assert post["after"] == {"name": "Vienna post"}
    reveal = auditor_client.get("/api/v1/audit/events/3").json()
    assert reveal["reason"] == "name trace requested by the IDC"
    page = auditor_client.get(reverse("audit:event", kwargs={"seq": 4}))
    assertContains(page, "&quot;name&quot;: &quot;Vienna post&quot;")
    assertNotContains(page, 'data-redacted="true"')


def test_the_stored_rows_keep_the_content_the_hashes_cover(log: list[AuditEvent]) -> None:
    stored = AuditEvent.objects.get(seq=1)
    assert stored.after is not None
    assert stored.after["rationale"] == RATIONALE
    assert audit.verify_stored().ok


def test_a_stored_event_dressed_as_redacted_is_still_altered_for_verify(
    log: list[AuditEvent],
) -> None:
    trigger = "core_auditevent_append_only"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            settle_deferred_checks(cursor)
            cursor.execute(f"ALTER TABLE core_auditevent DISABLE TRIGGER {trigger}")
        dressed = {"[redacted]": {"status": "hmac-sha256:00"}}
        event = AuditEvent.objects.get(seq=1)
        body = chain.event_body({**audit.event_fields(event), "after": dressed})
        cursor.execute(
            "UPDATE core_auditevent SET after = %s, body = %s WHERE seq = 1",
            [json.dumps(dressed), body],
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE core_auditevent ENABLE TRIGGER {trigger}")
    faults = audit.verify_stored().report.faults
    assert [(fault.seq, fault.kind) for fault in faults] == [(1, "altered")]


@pytest.mark.parametrize(
    ("object_type", "action", "content"),
    [
        ("cases.case", "cases.case.update", True),
        ("committees.determination", "committees.determination.record", True),
        ("escalations.problem", "escalations.problem.open", True),
        ("notifications.notice", "notifications.notice.send", True),
        ("newapp.thing", "newapp.thing.make", True),
        ("directory.post", "directory.post.update", False),
        ("auth.user", "accounts.user.create", False),
        ("core.auditevent", "audit.export", False),
        ("sealing.key", "sealing.key.rotate", False),
        ("", "audit.checkpoint", False),
    ],
)
def test_case_content_is_every_app_but_the_administrative_ones(
    object_type: str, action: str, content: bool
) -> None:
    assert redaction.is_case_content(object_type, action) is content
