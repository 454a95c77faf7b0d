"""The audit pages and the audit API: auditors only (404 for everyone else), filters, one event,
verification, and the CSV export, which is itself audited."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from defector.core import audit, chain, signing
from defector.core.models import AuditEvent
from defector.directory.choices import Role
from defector.directory.models import Agency, Official, RoleAssignment
from support.postgres import settle_deferred_checks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_key(monkeypatch: pytest.MonkeyPatch) -> str:
    text = chain.new_private_key_text()
    monkeypatch.setenv(signing.ENV_NAME, text)
    return text


def with_role(user: Any, role: str) -> Any:
    agency, _ = Agency.objects.get_or_create(code="STATE", defaults={"name": "Department of State"})
    official = Official.objects.create(user=user, agency=agency, clearance="TOP SECRET")
    RoleAssignment.objects.create(official=official, role=role)
    return user


@pytest.fixture
def auditor(make_user: Callable[..., Any]) -> Any:
    return with_role(make_user("i.novak", first_name="Iris", last_name="Novak"), Role.AUDITOR)


@pytest.fixture
def idc_member(make_user: Callable[..., Any]) -> Any:
    return with_role(make_user("o.park", first_name="Owen", last_name="Park"), Role.IDC_MEMBER)


@pytest.fixture
def auditor_client(auditor: Any) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(auditor)
    return client


def csrf_post(client: Client, url: str, data: dict[str, Any], *, page: str) -> Any:
    client.get(page)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def write(actor: Any, action: str, **fields: Any) -> AuditEvent:
    with transaction.atomic():
        return audit.record(actor=actor, action=action, **fields)


@pytest.fixture
def log(official: Any, idc_member: Any) -> list[AuditEvent]:
    """A small log: two actors, several actions, objects and cryptonyms."""
    return [
        write(official, "cases.case.create", object_type="cases.case", object_id=7,
              cryptonym="AEKESTREL", after={"status": "open"}),
        write(official, "cases.subject.reveal", object_type="cases.subject", object_id=3,
              cryptonym="AEKESTREL", reason="name trace", after={"true_name": "[sealed]"}),
        write(idc_member, "cases.case.update", object_type="cases.case", object_id=9,
              cryptonym="QRHARBOR", before={"status": "open"}, after={"status": "closed"}),
        write(idc_member, "directory.post.update", object_type="directory.post", object_id=1),
    ]  # fmt: skip


def tamper(sql: str, params: list[Any]) -> None:
    """Change the log with SQL (on PostgreSQL, past its trigger, inside the test's transaction)."""
    trigger = "core_auditevent_append_only"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            settle_deferred_checks(cursor)
            cursor.execute(f"ALTER TABLE core_auditevent DISABLE TRIGGER {trigger}")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE core_auditevent ENABLE TRIGGER {trigger}")


def seqs_shown(response: Any) -> list[int]:
    return [event.seq for event in response.context["page_obj"]]


class Markup(HTMLParser):
    """Counts what the Content-Security-Policy forbids: inline scripts and style attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.inline = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if (tag == "script" and not named.get("src")) or tag == "style" or "style" in named:
            self.inline += 1
        self.inline += sum(1 for name in named if name.startswith("on"))


def assert_clean_markup(response: Any) -> None:
    parser = Markup()
    parser.feed(response.content.decode())
    assert parser.inline == 0
    assertTemplateUsed(response, "web/base.html")


# --- who may see the pages -------------------------------------------------------------------

PAGES = [
    ("audit:index", {}),
    ("audit:event", {"seq": 1}),
    ("audit:verify", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES, ids=[name for name, _ in PAGES])
def test_anonymous_visitors_are_sent_to_sign_in(
    client: Client, name: str, kwargs: dict[str, Any], log: list[AuditEvent]
) -> None:
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:sign-in"))


@pytest.mark.parametrize(("name", "kwargs"), PAGES, ids=[name for name, _ in PAGES])
@pytest.mark.parametrize("who", ["official", "idc_member", "administrator"])
def test_users_who_are_not_auditors_get_404_as_if_the_pages_did_not_exist(
    request: pytest.FixtureRequest,
    make_user: Callable[..., Any],
    name: str,
    kwargs: dict[str, Any],
    who: str,
    log: list[AuditEvent],
) -> None:
    user = (
        make_user("root", is_superuser=True, is_staff=True)
        if who == "administrator"
        else request.getfixturevalue(who)
    )
    client = Client()
    client.force_login(user)
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 404
    assert client.post(reverse("audit:verify")).status_code == 404
    assert client.post(reverse("audit:export"), {}).status_code == 404
    assert not AuditEvent.objects.filter(action="audit.export").exists()


def test_the_navigation_links_the_audit_area(auditor_client: Client) -> None:
    response = auditor_client.get(reverse("web:home"))
    assertContains(response, f'href="{reverse("audit:index")}"')


# --- the log and its filters -----------------------------------------------------------------


def test_an_auditor_sees_the_log_newest_first(
    auditor_client: Client, log: list[AuditEvent]
) -> None:
    response = auditor_client.get(reverse("audit:index"))
    assert response.status_code == 200
    assert seqs_shown(response) == [4, 3, 2, 1]
    assertContains(response, "<h1>Audit log</h1>", html=True)
    assertContains(response, log[1].hash[:12])
    assertContains(response, "cases.subject.reveal")
    assertContains(response, f'href="{reverse("audit:event", kwargs={"seq": 2})}"')
    assertNotContains(response, 'id="error-summary"')
    assert_clean_markup(response)


FILTERS: dict[str, tuple[dict[str, str], list[int]]] = {
    "part of the actor's name, in any case": ({"actor": "owen"}, [4, 3]),
    "an action prefix": ({"action": "cases."}, [3, 2, 1]),
    "a whole action": ({"action": "cases.subject.reveal"}, [2]),
    "an object type": ({"object_type": "cases.case"}, [3, 1]),
    "an object type and id": ({"object_type": "cases.case", "object_id": "9"}, [3]),
    "a cryptonym in any case": ({"cryptonym": "aekestrel"}, [2, 1]),
    "every filter at once": (
        {"actor": "Duty", "action": "cases.", "cryptonym": "AEKESTREL", "object_id": "3"},
        [2],
    ),
    "nothing matching": ({"actor": "nobody"}, []),
}


@pytest.mark.parametrize(("query", "expected"), list(FILTERS.values()), ids=list(FILTERS))
def test_the_log_filters_by(
    auditor_client: Client, log: list[AuditEvent], query: dict[str, str], expected: list[int]
) -> None:
    response = auditor_client.get(reverse("audit:index"), query)
    assert response.status_code == 200
    assert seqs_shown(response) == expected
    if not expected:
        assertContains(response, "No event matches.")


def test_a_time_window_keeps_the_events_inside_it(
    auditor_client: Client, log: list[AuditEvent]
) -> None:
    second = log[1].at
    minute = second.replace(second=0, microsecond=0)
    query = {"since": f"{minute:%Y-%m-%dT%H:%M}", "until": f"{minute:%Y-%m-%dT%H:%M}"}
    response = auditor_client.get(reverse("audit:index"), query)
    assert 2 in seqs_shown(response)
    later = minute + dt.timedelta(minutes=2)
    response = auditor_client.get(reverse("audit:index"), {"since": f"{later:%Y-%m-%dT%H:%M}"})
    assert seqs_shown(response) == []


def test_a_window_that_ends_before_it_starts_is_refused_with_an_error_summary(
    auditor_client: Client, log: list[AuditEvent]
) -> None:
    response = auditor_client.get(
        reverse("audit:index"), {"since": "2026-03-02T10:00", "until": "2026-03-01T10:00"}
    )
    assert response.status_code == 200
    assertContains(response, 'id="error-summary"')
    assertContains(response, 'href="#id_until"')
    assertContains(response, "must not be before the start")
    assert response.context["page_obj"] is None
    assert response.context["form"].errors["until"]
    assertContains(response, "<title>Error: Audit log", count=1)


def test_a_time_that_is_not_a_time_is_refused(auditor_client: Client) -> None:
    response = auditor_client.get(reverse("audit:index"), {"since": "yesterday"})
    assertContains(response, 'href="#id_since"')


def test_the_log_is_paginated_and_the_pages_keep_the_filter(
    auditor_client: Client, official: Any
) -> None:
    for number in range(60):
        write(official, "cases.case.update", object_type="cases.case", object_id=number)
    write(official, "directory.post.update")
    response = auditor_client.get(reverse("audit:index"), {"action": "cases."})
    page = response.context["page_obj"]
    assert page.paginator.count == 60
    assert len(page.object_list) == 50
    assertContains(response, "Page 1 of 2")
    assertContains(response, 'href="?action=cases.&amp;page=2"')
    second = auditor_client.get(reverse("audit:index"), {"action": "cases.", "page": "2"})
    assert seqs_shown(second) == list(range(10, 0, -1))


# --- one event -------------------------------------------------------------------------------


def test_an_event_page_shows_every_field_and_that_its_hash_holds(
    auditor_client: Client, log: list[AuditEvent]
) -> None:
    response = auditor_client.get(reverse("audit:event", kwargs={"seq": 3}))
    assert response.status_code == 200
    event = log[2]
    assertContains(response, event.hash)
    assertContains(response, event.prev_hash)
    assertContains(response, "cases.case.update")
    assertContains(response, "Owen Park (o.park)")
    assertContains(response, "QRHARBOR")
    # A case's field shows by name with a digest, never its value (core.redaction).
    assertContains(response, "&quot;status&quot;: &quot;hmac-sha256:")
    assertNotContains(response, "closed")
    assertContains(response, "Hash matches")
    assertContains(response, "Linked to the event before")
    assertContains(response, f'href="{reverse("audit:event", kwargs={"seq": 2})}"')
    assertContains(response, f'href="{reverse("audit:event", kwargs={"seq": 4})}"')
    assert_clean_markup(response)


def test_an_event_page_shows_a_hash_that_does_not_hold(
    auditor_client: Client, log: list[AuditEvent]
) -> None:
    tamper("UPDATE core_auditevent SET reason = %s WHERE seq = %s", ["edited later", 2])
    response = auditor_client.get(reverse("audit:event", kwargs={"seq": 2}))
    assertContains(response, "Hash does not match the content")


def test_a_missing_event_is_404(auditor_client: Client, log: list[AuditEvent]) -> None:
    assert auditor_client.get(reverse("audit:event", kwargs={"seq": 99})).status_code == 404


# --- verification ----------------------------------------------------------------------------


def test_the_verify_page_runs_the_verification_on_request(
    auditor_client: Client, log: list[AuditEvent]
) -> None:
    page = reverse("audit:verify")
    response = auditor_client.get(page)
    assert response.status_code == 200
    assertNotContains(response, 'data-result="ok"')
    assertContains(response, "defector audit checkpoint")
    response = csrf_post(auditor_client, page, {}, page=page)
    assert response.status_code == 200
    assertContains(response, 'data-result="ok"')
    assertContains(response, "The chain verifies")
    assertContains(response, log[-1].hash)
    assert_clean_markup(response)


def test_the_verify_page_names_the_first_bad_event(
    auditor_client: Client, log: list[AuditEvent]
) -> None:
    event = AuditEvent.objects.get(seq=3)
    body = chain.event_body({**audit.event_fields(event), "actor_name": "Someone Else"})
    tamper("UPDATE core_auditevent SET body = %s WHERE seq = %s", [body, 3])
    page = reverse("audit:verify")
    response = csrf_post(auditor_client, page, {}, page=page)
    assertContains(response, 'data-result="faulty"')
    assertContains(
        response,
        f'<a class="usa-link" href="{reverse("audit:event", kwargs={"seq": 3})}">event 3</a>',
    )
    assertContains(response, "altered")


def test_the_verify_page_lists_the_stored_checkpoints(
    auditor_client: Client, log: list[AuditEvent]
) -> None:
    from defector.core import actions

    _, signed = actions.create_audit_checkpoint(acting_user=None)
    response = auditor_client.get(reverse("audit:verify"))
    assertContains(response, signed.key_id)
    assertContains(response, signed.head[:12])


# --- the CSV export --------------------------------------------------------------------------


def export(client: Client, data: dict[str, str]) -> Any:
    return csrf_post(client, reverse("audit:export"), data, page=reverse("audit:index"))


def read_csv(response: Any) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(body)))


def test_the_export_is_audited_first_then_streams_the_filtered_events(
    auditor_client: Client, auditor: Any, log: list[AuditEvent]
) -> None:
    response = export(auditor_client, {"cryptonym": "AEKESTREL", "reason": "annual review"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == 'attachment; filename="audit-events-5.csv"'
    recorded = AuditEvent.objects.get(seq=5)
    assert recorded.action == "audit.export"
    assert recorded.actor_id == auditor.pk
    assert recorded.reason == "annual review"
    assert recorded.after == {"filter": {"cryptonym": "AEKESTREL"}, "format": "csv"}
    rows = read_csv(response)
    assert [row["seq"] for row in rows] == ["1", "2"]
    assert list(rows[0]) == [*chain.HASHED_FIELDS, "hash"]
    assert rows[1]["hash"] == log[1].hash
    assert json.loads(rows[1]["after"]) == {"[redacted]": {"true_name": "[sealed]"}}


def test_an_unfiltered_export_verifies_offline_including_its_own_record(
    auditor_client: Client, log: list[AuditEvent]
) -> None:
    rows = read_csv(export(auditor_client, {}))
    events = []
    for row in rows:
        event: dict[str, Any] = dict(row)
        event["seq"] = int(row["seq"])
        event["actor_id"] = int(row["actor_id"]) if row["actor_id"] else None
        for name in ("before", "after", "decision"):
            event[name] = json.loads(row[name]) if row[name] else None
        events.append(event)
    assert events[-1]["action"] == "audit.export"
    # Case content shows as digests (core.redaction): those events' links and order verify,
    # the others (directory, the export's own record) are re-hashed in full.
    report = chain.verify(events, [], {}, redacted=True)
    assert report.ok, report.faults
    assert report.events == 5
    assert report.redacted == 3


def test_an_export_cell_that_a_spreadsheet_would_run_is_defused(
    auditor_client: Client,
) -> None:
    write(None, "directory.thing.touch", reason='=HYPERLINK("http://example.com")')
    rows = read_csv(export(auditor_client, {}))
    assert rows[0]["reason"] == '\'=HYPERLINK("http://example.com")'


def test_an_invalid_export_request_shows_the_errors_and_records_nothing(
    auditor_client: Client, log: list[AuditEvent]
) -> None:
    response = export(auditor_client, {"reason": "x" * 501, "since": "soon"})
    assert response.status_code == 200
    assertContains(response, 'id="error-summary"')
    assertContains(response, 'href="#id_reason"')
    assertContains(response, 'href="#id_since"')
    assert not AuditEvent.objects.filter(action="audit.export").exists()


def test_the_export_needs_a_post_with_the_csrf_token(
    auditor_client: Client, log: list[AuditEvent]
) -> None:
    assert auditor_client.get(reverse("audit:export")).status_code == 303  # to its page
    assert auditor_client.post(reverse("audit:export"), {}).status_code == 403
    assert not AuditEvent.objects.filter(action="audit.export").exists()


# --- the API ---------------------------------------------------------------------------------


@pytest.fixture
def api(auditor: Any) -> Client:
    client = Client()
    client.force_login(auditor)
    return client


def test_the_api_lists_events_newest_first_with_the_same_filters(
    api: Client, log: list[AuditEvent]
) -> None:
    response = api.get("/api/v1/audit/events", {"action": "cases.", "page_size": 2})
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (3, 1, 2)
    assert [item["seq"] for item in body["items"]] == [3, 2]
    item = body["items"][1]
    assert item["hash"] == log[1].hash
    assert item["reason"] == "name trace"
    assert item["after"] == {"[redacted]": {"true_name": "[sealed]"}}
    again = api.get("/api/v1/audit/events", {"action": "cases.", "page_size": 2, "page": 2})
    assert [item["seq"] for item in again.json()["items"]] == [1]


def test_the_api_reads_a_time_without_an_offset_as_utc(api: Client, log: list[AuditEvent]) -> None:
    later = (timezone.now() + dt.timedelta(hours=1)).astimezone(dt.UTC).replace(tzinfo=None)
    response = api.get("/api/v1/audit/events", {"since": later.isoformat()})
    assert response.json()["count"] == 0
    response = api.get("/api/v1/audit/events", {"until": later.isoformat()})
    assert response.json()["count"] == 4


def test_the_api_refuses_a_window_that_ends_before_it_starts(api: Client) -> None:
    response = api.get(
        "/api/v1/audit/events",
        {"since": "2026-03-02T00:00:00Z", "until": "2026-03-01T00:00:00Z"},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "until", "message": "must not be before the start"}
    ]


def test_the_api_gives_others_an_empty_list_and_404_for_an_event(
    official: Any, log: list[AuditEvent]
) -> None:
    client = Client()
    client.force_login(official)
    body = client.get("/api/v1/audit/events").json()
    assert (body["count"], body["items"]) == (0, [])
    assert client.get("/api/v1/audit/events/1").status_code == 404
    response = client.post("/api/v1/audit/verify", {}, content_type="application/json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_api_needs_a_caller(client: Client) -> None:
    assert client.get("/api/v1/audit/events").status_code == 401


def test_the_api_gives_one_event_or_404(api: Client, log: list[AuditEvent]) -> None:
    body = api.get("/api/v1/audit/events/2").json()
    assert body["seq"] == 2
    assert body["prev_hash"] == log[0].hash
    assert body["cryptonym"] == "AEKESTREL"
    assert api.get("/api/v1/audit/events/99").status_code == 404


def test_the_api_verifies_the_chain_with_kept_checkpoints(
    api: Client, log: list[AuditEvent], signing_key: str
) -> None:
    key = chain.load_private_key(signing_key)
    kept = chain.sign_checkpoint(key, size=4, head=log[-1].hash, time=timezone.now())
    response = api.post("/api/v1/audit/verify", {}, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert (body["ok"], body["events"], body["first_bad"], body["faults"]) == (True, 4, None, [])
    future = chain.sign_checkpoint(key, size=9, head=log[-1].hash, time=timezone.now())
    response = api.post(
        "/api/v1/audit/verify",
        {"checkpoints": [kept.to_dict(), future.to_dict()]},
        content_type="application/json",
    )
    body = response.json()
    assert body["ok"] is False
    assert body["kept_checkpoints"] == 2
    assert body["first_bad"]["kind"] == "truncated"


def test_the_api_refuses_a_malformed_public_key(api: Client, log: list[AuditEvent]) -> None:
    response = api.post(
        "/api/v1/audit/verify", {"public_keys": ["nope"]}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "public_keys"
