"""Tampering with a stored audit chain, kind by kind, and what a forged append does to writes.

Each test tampers as someone with database access could (on PostgreSQL, past the triggers) and
checks that ``defector audit verify`` names the fault: which event, what kind. After a forged
append every audited write answers 503 ``audit_chain_fault`` (API and pages), and ``audit
checkpoint`` refuses, naming the fault.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from defector.core import actions, audit, chain, signing
from defector.core.errors import AuditChainFault
from defector.core.models import AuditCheckpoint, AuditEvent, AuditHead
from defector.directory.choices import Role
from defector.directory.models import Agency, Official, RoleAssignment
from support.api import api_as
from support.builders import TRUE_NAME
from support.fixtures import MakeOfficial
from support.postgres import settle_deferred_checks
from support.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_key(monkeypatch: pytest.MonkeyPatch) -> str:
    text = chain.new_private_key_text()
    monkeypatch.setenv(signing.ENV_NAME, text)
    return text


def append(count: int) -> None:
    for number in range(count):
        with transaction.atomic():
            audit.record(
                actor=None,
                action="test.thing.touch",
                object_type="test.thing",
                object_id=number,
                after={"n": number},
            )


def checkpoint() -> None:
    actions.create_audit_checkpoint(acting_user=None)


def run(*args: str) -> tuple[int, str, str]:
    """``defector audit ARGS``: (exit status, standard output, the error's message)."""
    out = StringIO()
    try:
        call_command("audit", *args, stdout=out, stderr=StringIO())
    except CommandError as exc:
        return exc.returncode, out.getvalue(), str(exc)
    return 0, out.getvalue(), ""


def faults() -> list[dict[str, Any]]:
    status, out, _ = run("verify", "--json")
    report = json.loads(out)
    assert (status == 0) == report["ok"]
    found: list[dict[str, Any]] = report["faults"]
    return found


def kinds() -> set[tuple[int, str]]:
    return {(fault["seq"], fault["kind"]) for fault in faults()}


def tamper(sql: str, params: list[Any] | None = None) -> None:
    """Change the log with SQL, past every trigger of the audit tables on PostgreSQL."""
    tables = ("core_auditevent", "core_auditcheckpoint")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            settle_deferred_checks(cursor)
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(sql, params or [])
        if connection.vendor == "postgresql":
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def forged_fields(seq: int, prev_hash: str) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "seq": seq,
        "at": timezone.now(),
        "actor_id": None,
        "actor_name": "system",
        "action": "test.thing.forge",
        "object_type": "test.thing",
        "object_id": "99",
        "cryptonym": "",
        "before": None,
        "after": {"forged": True},
        "decision": None,
        "policy_version": "",
        "reason": "",
        "request_id": "",
        "prev_hash": prev_hash,
    }
    fields["hash"] = chain.event_hash(fields)
    return fields


def insert(fields: dict[str, Any]) -> None:
    names = list(fields)
    values = [json.dumps(value) if isinstance(value, dict) else value for value in fields.values()]
    placeholders = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO core_auditevent ({', '.join(names)}) VALUES ({placeholders})"  # noqa: S608
    tamper(sql, values)


def forge_append() -> int:
    """One event after the last, with a correct hash and link; the head row left alone."""
    last = AuditEvent.objects.order_by("-seq").first()
    assert last is not None
    insert(forged_fields(last.seq + 1, last.hash))
    return last.seq + 1


# --- what verify finds -------------------------------------------------------------------------


def test_a_forged_event_appended_after_the_head_is_detected_as_past_the_head() -> None:
    append(4)
    seq = forge_append()
    status, out, _ = run("verify")
    assert status == 1
    assert (
        f"first bad:    event {seq}: past the head: the head row ends the chain at event 4" in out
    )
    assert "result:       FAULTY" in out


def test_a_forged_append_is_detected_with_a_kept_checkpoint_too(tmp_path: Path) -> None:
    append(3)
    path = tmp_path / "kept.json"
    assert run("checkpoint", "--output", str(path))[0] == 0
    forge_append()
    status, out, _ = run("verify", "--checkpoint", str(path))
    assert status == 1
    assert "event 5: past the head" in out


def test_a_deleted_checkpoint_row_is_detected_by_its_event_still_in_the_chain() -> None:
    append(2)
    checkpoint()  # event 3
    append(2)
    checkpoint()  # event 6, the last checkpoint
    tamper("DELETE FROM core_auditcheckpoint WHERE size = %s", [6])
    assert kinds() == {(6, "checkpoint row missing")}


def test_a_checkpoint_row_without_its_checkpoint_event_is_detected() -> None:
    append(3)
    third = AuditEvent.objects.get(seq=3)
    signed = chain.sign_checkpoint(signing.signing_key(), size=3, head=third.hash, time=third.at)
    AuditCheckpoint.objects.create(**signed.to_dict())
    found = faults()
    assert [fault["kind"] for fault in found] == ["checkpoint without its event"]
    assert "event 3 is not an audit.checkpoint event" in found[0]["detail"]


def test_a_checkpoint_row_signed_by_another_key_than_its_event_names_is_detected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    append(1)
    checkpoint()  # event 2, row signed by this deployment's key
    other = chain.new_private_key_text()
    event = AuditEvent.objects.get(seq=2)
    signed = chain.sign_checkpoint(
        chain.load_private_key(other), size=2, head=event.hash, time=event.at
    )
    tamper("DELETE FROM core_auditcheckpoint")
    AuditCheckpoint.objects.create(**signed.to_dict())
    monkeypatch.setenv(
        signing.PREVIOUS_KEYS_ENV, chain.public_key_text(chain.load_private_key(other).public_key())
    )
    assert kinds() == {(2, "checkpoint mismatch")}


def stored_body(seq: int) -> bytes:
    body = AuditEvent.objects.get(seq=seq).body
    assert body is not None
    return bytes(body)


def test_an_edited_event_is_altered_at_its_seq() -> None:
    append(4)
    checkpoint()
    edited = stored_body(2).replace(b'"reason":""', b'"reason":"edited"')
    tamper("UPDATE core_auditevent SET body = %s WHERE seq = %s", [edited, 2])
    assert kinds() == {(2, "altered")}


def test_an_edited_event_at_the_end_of_a_batch_is_altered_at_its_seq_all_the_same() -> None:
    # A batch checks its last event's bytes by the next batch's first link: event 4 here.
    append(9)
    edited = stored_body(4).replace(b'"reason":""', b'"reason":"edited"')
    tamper("UPDATE core_auditevent SET body = %s WHERE seq = %s", [edited, 4])
    found = audit.verify_stored(public_keys={}, chunk_size=4)
    assert [(fault.seq, fault.kind) for fault in found.report.faults] == [(4, "altered")]


def test_an_edited_column_is_found_by_verify_deep_and_never_shown() -> None:
    append(4)
    tamper("UPDATE core_auditevent SET reason = %s, actor_name = %s WHERE seq = %s", ["x", "y", 2])
    # A JSON column is stored empty (its bytes hold it); one that holds a value is compared.
    tamper("UPDATE core_auditevent SET after = %s WHERE seq = %s", ['{"n": 99}', 3])
    tamper("UPDATE core_auditevent SET after = %s WHERE seq = %s", ['{"n": 3}', 4])
    # The chain (the bytes hashed) is intact: the default verify is clean …
    assert kinds() == set()
    # … the columns the pages filter on are not what was hashed: --deep says so,
    status, out, _ = run("verify", "--deep", "--json")
    report = json.loads(out)
    assert status == 1
    faults = [(f["seq"], f["kind"]) for f in report["faults"]]
    assert faults == [(2, "columns differ"), (3, "columns differ")]
    # and what an auditor is shown is what was hashed, not the edited columns.
    shown = audit.hashed_fields(AuditEvent.objects.get(seq=2))
    assert (shown["reason"], shown["actor_name"]) == ("", "system")
    assert not audit.event_matches(AuditEvent.objects.get(seq=2))


def test_a_deleted_event_is_out_of_sequence_and_broken_at_the_next() -> None:
    append(5)
    tamper("DELETE FROM core_auditevent WHERE seq = %s", [3])
    found = kinds()
    assert (4, "out of sequence") in found
    assert (4, "broken link") in found


def test_an_event_inserted_in_the_middle_with_a_correct_hash_and_link_is_detected() -> None:
    append(5)
    third = AuditEvent.objects.get(seq=3)
    # Make room after event 3 (two steps, so that seq stays unique on every database).
    tamper("UPDATE core_auditevent SET seq = seq + 1000 WHERE seq > %s", [3])
    tamper("UPDATE core_auditevent SET seq = seq - 999 WHERE seq > 1000")
    insert(forged_fields(4, third.hash))
    found = kinds()
    # The old event 4, renumbered 5, still says (in the bytes its hash covers) it is event 4.
    assert (4, "out of sequence") in found
    assert (4, "broken link") in found
    assert (6, "past the head") in found


def test_reordered_events_are_detected_where_the_order_breaks() -> None:
    append(5)
    tamper("UPDATE core_auditevent SET seq = seq + 1000 WHERE seq IN (2, 3)")
    tamper("UPDATE core_auditevent SET seq = 3 WHERE seq = 1002")
    tamper("UPDATE core_auditevent SET seq = 2 WHERE seq = 1003")
    found = kinds()
    # Each moved event says where it belongs: event 3 first, then event 2.
    assert (3, "out of sequence") in found
    assert (3, "broken link") in found
    assert (2, "out of sequence") in found
    assert (2, "broken link") in found


def test_a_truncation_after_the_last_checkpoint_is_detected_by_the_head_row() -> None:
    append(2)
    checkpoint()  # event 3
    append(3)
    tamper("DELETE FROM core_auditevent WHERE seq > %s", [4])
    assert kinds() == {(0, "truncated")}
    assert "head row says it has 6 events; it has 4" in faults()[0]["detail"]


def test_a_truncation_before_the_last_checkpoint_is_detected_by_the_checkpoint() -> None:
    append(2)
    checkpoint()  # event 3
    append(2)
    checkpoint()  # event 6
    tamper("DELETE FROM core_auditevent WHERE seq > %s", [4])
    details = [fault["detail"] for fault in faults()]
    assert "a checkpoint says the chain had 6 events; it has 4" in details
    assert "the chain's head row says it has 6 events; it has 4" in details


def test_a_head_row_naming_another_hash_is_detected() -> None:
    append(3)
    AuditHead.objects.filter(pk=1).update(hash="f" * 64)
    assert kinds() == {(3, "head mismatch")}


def test_a_deleted_head_row_is_detected() -> None:
    append(3)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            settle_deferred_checks(cursor)
    AuditHead.objects.all().delete()
    assert kinds() == {(0, "no head row")}


def test_a_clean_chain_with_checkpoints_has_no_fault() -> None:
    append(2)
    checkpoint()
    append(1)
    checkpoint()
    assert faults() == []


# --- writes after a forged append ----------------------------------------------------------------


def test_after_a_forged_append_record_raises_the_chain_fault_not_a_duplicate_key() -> None:
    append(2)
    forge_append()
    with pytest.raises(AuditChainFault) as raised, transaction.atomic():
        audit.record(actor=None, action="test.thing.touch")
    assert raised.value.status == 503
    assert raised.value.code == "audit_chain_fault"
    assert "event 3 cannot be appended after the head row (event 2)" in raised.value.message
    assert AuditEvent.objects.count() == 3


def test_after_a_forged_append_audit_checkpoint_refuses_naming_the_fault() -> None:
    append(2)
    forge_append()
    status, _, message = run("checkpoint")
    assert status == 2
    assert "audit chain fault: event 3 cannot be appended" in message
    assert not AuditCheckpoint.objects.exists()


def test_a_checkpoint_is_never_signed_over_a_head_row_that_names_a_missing_event() -> None:
    append(3)
    tamper("DELETE FROM core_auditevent WHERE seq = %s", [3])
    status, _, message = run("checkpoint")
    assert status == 2
    assert "the head row names event 3, which is missing" in message
    assert not AuditCheckpoint.objects.exists()


@pytest.fixture
def auditor_client(make_user: Callable[..., Any]) -> Client:
    user = make_user("i.novak", first_name="Iris", last_name="Novak")
    agency = Agency.objects.create(code="OVERSIGHT", name="Office of the Inspector General")
    official = Official.objects.create(user=user, agency=agency, clearance="SECRET")
    RoleAssignment.objects.create(official=official, role=Role.AUDITOR)
    client = Client()
    client.force_login(user)
    return client


def test_after_a_forged_append_a_page_write_answers_a_503_page_naming_the_fault(
    auditor_client: Client,
) -> None:
    append(2)
    forge_append()
    response = auditor_client.post(reverse("audit:export"), {"reason": "review"})
    assert response.status_code == 503
    text = response.content.decode()
    assert "audit_chain_fault" in text
    assert "event 3 cannot be appended after the head row (event 2)" in text


@pytest.fixture
def world_parts() -> tuple[str, ...]:
    return ("cia", "state", "vienna")


def test_after_a_forged_append_an_api_write_answers_503_audit_chain_fault(
    sealing_keys: None, make_official: MakeOfficial, world: World
) -> None:
    officer: User = make_official("case.officer", ("case_officer", world.vienna))
    caller = api_as(officer, "/api/v1/cases")  # creating the token is audited: before the forgery
    forge_append()
    response = caller.post(
        "", {"post_id": world.vienna.pk, "sensitivity": "SECRET", "true_name": TRUE_NAME}
    )
    assert response.status_code == 503, response.content
    body = response.json()
    assert body["code"] == "audit_chain_fault"
    assert "cannot be appended after the head row" in body["message"]


# --- the PostgreSQL triggers ---------------------------------------------------------------------


def needs_the_trigger() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the audit triggers are PostgreSQL's; SQLite has none")


def test_postgresql_refuses_an_insert_that_does_not_extend_the_chain() -> None:
    needs_the_trigger()
    append(3)
    third = AuditEvent.objects.get(seq=3)
    for fields in (forged_fields(5, third.hash), forged_fields(4, "b" * 64)):
        with pytest.raises(IntegrityError, match="only grows at its head"), transaction.atomic():
            AuditEvent.objects.create(**fields)
    assert AuditEvent.objects.count() == 3


def test_postgresql_refuses_to_commit_an_event_that_leaves_the_head_alone() -> None:
    needs_the_trigger()
    append(3)
    third = AuditEvent.objects.get(seq=3)
    with connection.cursor() as cursor:  # what COMMIT would check, checked at each statement
        cursor.execute("SET CONSTRAINTS core_auditevent_moves_head IMMEDIATE")
    with pytest.raises(IntegrityError, match="head row was not moved"), transaction.atomic():
        AuditEvent.objects.create(**forged_fields(4, third.hash))
    assert AuditEvent.objects.count() == 3


def test_postgresql_lets_record_append_past_both_triggers() -> None:
    needs_the_trigger()
    append(3)
    append(2)
    with connection.cursor() as cursor:  # what COMMIT checks, checked now
        cursor.execute("SET CONSTRAINTS core_auditevent_moves_head IMMEDIATE")
    assert faults() == []
