"""The stored audit chain: ``record``, ``defector audit checkpoint|verify``, concurrent writers,
the PostgreSQL trigger, and the signing key.

Runs on SQLite and on PostgreSQL (``make test`` runs the suite on both). Where a test alters
the log behind the application's back it does so with SQL; on PostgreSQL it first disables
the append-only trigger inside the test's transaction.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from defector.core import actions, audit, chain, signing
from defector.core.context import request_context
from defector.core.errors import NotFound
from defector.core.models import AuditCheckpoint, AuditEvent, AuditHead
from defector.directory.choices import Role
from defector.directory.models import Agency, Official, RoleAssignment
from defector.policy import POLICY_VERSION, Decision
from support.postgres import settle_deferred_checks
from support.scratch import migrated_sqlite

TRIGGERS = {
    "core_auditevent": "core_auditevent_append_only",
    "core_auditcheckpoint": "core_auditcheckpoint_append_only",
}


@pytest.fixture(autouse=True)
def signing_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """A key of the test's own, from the environment (so no file is written under var/)."""
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


def append(count: int, *, actor: Any = None, action: str = "test.thing.touch") -> None:
    for number in range(count):
        with transaction.atomic():
            audit.record(
                actor=actor,
                action=action,
                object_type="test.thing",
                object_id=number,
                cryptonym="AEKESTREL" if number % 2 else "",
                before={"n": number},
                after={"n": number + 1, "ratio": 0.5, "tags": {"b", "a"}},
            )


def run(*args: str) -> tuple[int, str]:
    """``defector audit ARGS`` in-process: (exit status, standard output)."""
    out = StringIO()
    try:
        call_command("audit", *args, stdout=out, stderr=StringIO())
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def edit(seq: int, **changes: Any) -> None:
    """Change event ``seq`` where its hash covers it: its stored bytes (format 2), and its
    columns to match, as someone with database access could."""
    event = AuditEvent.objects.get(seq=seq)
    body = chain.event_body({**audit.event_fields(event), **changes})
    columns = ", ".join(f"{name} = %s" for name in changes)
    tamper(
        f"UPDATE core_auditevent SET body = %s, {columns} WHERE seq = %s",  # noqa: S608
        [body, *changes.values(), seq],
    )


def tamper(sql: str, params: list[Any] | None = None) -> None:
    """Change the log with SQL, as someone with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            settle_deferred_checks(cursor)
            for table, trigger in TRIGGERS.items():
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        cursor.execute(sql, params or [])
        if connection.vendor == "postgresql":
            for table, trigger in TRIGGERS.items():
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")


def kept_checkpoint(tmp_path: Path) -> Path:
    path = tmp_path / "checkpoint.json"
    status, _ = run("checkpoint", "--output", str(path))
    assert status == 0
    return path


# --- record ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_events_written_through_record_verify_clean(official: Any) -> None:
    append(5, actor=official)
    with transaction.atomic():
        audit.record(
            actor=official,
            action="cases.case.determine",
            decision=Decision.allow("2a", "7a", reason="meets 2a; risk accepted"),
            reason="committee of 3 March",
        )
    result = audit.verify_stored()
    assert result.ok, result.report.faults
    assert result.report.events == 6
    last = AuditEvent.objects.get(seq=6)
    assert last.policy_version == POLICY_VERSION
    assert last.decision == {
        "allowed": True,
        "clauses": ["2a", "7a"],
        "reason": "meets 2a; risk accepted",
    }
    assert result.report.head == last.hash == AuditHead.objects.get(pk=1).hash


@pytest.mark.django_db
def test_each_event_links_to_the_one_before_and_keeps_the_actor_and_request(
    official: Any,
) -> None:
    with request_context("req-1234"):
        append(3, actor=official)
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == chain.GENESIS
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert {e.request_id for e in events} == {"req-1234"}
    assert {e.actor_name for e in events} == {"Duty Officer (official)"}
    assert {e.actor_id for e in events} == {official.pk}


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_raises() -> None:
    with pytest.raises(RuntimeError, match="inside the action's transaction"):
        audit.record(actor=None, action="test.thing.touch")
    assert not AuditEvent.objects.exists()


def assert_linear(events: list[dict[str, Any]], total: int) -> None:
    """Sequence numbers 1..total without a gap, and every event linked to the one before."""
    assert [e["seq"] for e in events] == list(range(1, total + 1))
    previous = chain.GENESIS
    for event in events:
        assert event["prev_hash"] == previous, f"event {event['seq']} links elsewhere"
        previous = event["hash"]
    # The writers really interleaved (otherwise these tests prove little).
    actions = [e["action"] for e in events]
    assert sum(1 for a, b in itertools.pairwise(actions) if a != b) >= 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_writer_threads_keep_the_chain_linear() -> None:
    """Threads append at once; each append locks the head row, so the chain stays one line."""
    if connection.vendor == "sqlite":
        pytest.skip(
            "the in-memory SQLite test database shares one cache between threads, which "
            "refuses concurrent writers instead of queueing them; the next test runs threads "
            "and processes against a SQLite file, as deployed"
        )
    append(1)  # the head row exists before the race (a flushed test database has none)
    threads, per_thread = 6, 20
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def writer(number: int) -> None:
        try:
            start.wait()
            append(per_thread, action=f"test.writer{number}.touch")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    total = 1 + threads * per_thread
    fields = ("seq", "action", "prev_hash", "hash")
    assert_linear(list(AuditEvent.objects.order_by("seq").values(*fields)), total)
    result = audit.verify_stored()
    assert result.ok, result.report.faults
    head = AuditHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (total, result.report.head)


WRITER = """
import os, sys, threading, time
from pathlib import Path
import django
django.setup()
from django.db import connection, transaction
from defector.core import audit

name, threads, per_thread, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
errors = []

def write(number):
    try:
        for n in range(per_thread):
            with transaction.atomic():
                audit.record(actor=None, action=f"test.{name}-{number}.touch", object_id=n)
    except BaseException as exc:
        errors.append(repr(exc))
    finally:
        connection.close()

workers = [threading.Thread(target=write, args=(n,)) for n in range(threads)]
Path(str(go) + "." + name).touch()
deadline = time.monotonic() + 60
while not go.exists() and time.monotonic() < deadline:
    time.sleep(0.01)
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
print("; ".join(errors), file=sys.stderr)
sys.exit(1 if errors else 0)
"""


def test_concurrent_processes_and_threads_keep_a_sqlite_file_chain_linear(
    tmp_path: Path, signing_key: str
) -> None:
    """Two processes of four threads each append to one SQLite file (WAL, immediate
    transactions), as several server processes of the embedded deployment would."""
    if connection.vendor != "sqlite":
        pytest.skip("a test of the SQLite deployment; the PostgreSQL run tests threads above")
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DEFECTOR_STATE_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "defector.settings",
    }
    cli = [sys.executable, "-m", "defector.cli"]
    migrated_sqlite(tmp_path)  # what `defector migrate` makes there (support.scratch)
    go = tmp_path / "go"
    processes, threads, per_thread = 2, 4, 15
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, f"p{n}", str(threads), str(per_thread), str(go)],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(processes)
    ]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not all(
        (tmp_path / f"go.p{n}").exists() or writer.poll() is not None
        for n, writer in enumerate(writers)
    ):
        time.sleep(0.01)
    go.touch()
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    with sqlite3.connect(tmp_path / "defector.sqlite3") as db:
        rows = db.execute(
            "SELECT seq, action, prev_hash, hash FROM core_auditevent ORDER BY seq"
        ).fetchall()
    events = [dict(zip(("seq", "action", "prev_hash", "hash"), row, strict=True)) for row in rows]
    assert_linear(events, processes * threads * per_thread)
    verify = subprocess.run(
        [*cli, "audit", "verify"], env=env, capture_output=True, text=True, timeout=120
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert f"events:       {processes * threads * per_thread}" in verify.stdout


# --- defector audit checkpoint -----------------------------------------------------------------


@pytest.mark.django_db
def test_checkpoint_prints_a_signed_checkpoint_that_covers_its_own_event(
    tmp_path: Path, signing_key: str
) -> None:
    append(4)
    path = tmp_path / "kept.json"
    status, out = run("checkpoint", "--output", str(path))
    assert status == 0
    printed = json.loads(out)
    assert json.loads(path.read_text(encoding="utf-8")) == printed
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert event.action == "audit.checkpoint"
    assert event.actor_name == "system"
    assert (printed["size"], printed["head"]) == (event.seq, event.hash) == (5, event.hash)
    key = chain.load_private_key(signing_key).public_key()
    assert printed["public_key"] == chain.public_key_text(key)
    assert printed["key_id"] == chain.key_id(key) == event.after["key_id"]
    checkpoint = chain.Checkpoint.from_dict(printed)
    assert checkpoint.verify_signature(chain.load_public_key(printed["public_key"]))
    row = AuditCheckpoint.objects.get()
    assert audit.checkpoint_of(row) == checkpoint


@pytest.mark.django_db
def test_public_key_prints_the_key_that_verifies_checkpoints(signing_key: str) -> None:
    status, out = run("public-key")
    assert status == 0
    assert out.strip() == chain.public_key_text(chain.load_private_key(signing_key).public_key())


@pytest.mark.django_db
def test_an_auditor_may_sign_a_checkpoint_and_nobody_else(auditor: Any, official: Any) -> None:
    row, signed = actions.create_audit_checkpoint(acting_user=auditor)
    assert row.size == signed.size == 1
    with pytest.raises(NotFound):
        actions.create_audit_checkpoint(acting_user=official)
    assert AuditCheckpoint.objects.count() == 1


# --- defector audit verify -------------------------------------------------------------------


@pytest.mark.django_db
def test_verify_of_a_clean_chain_prints_a_summary_and_exits_0(tmp_path: Path) -> None:
    append(3)
    path = kept_checkpoint(tmp_path)
    append(2)
    status, out = run("verify", "--checkpoint", str(path))
    assert status == 0
    assert "events:       6" in out
    assert "1 stored, 1 kept" in out
    assert "result:       OK" in out
    assert "events/s" in out


@pytest.mark.django_db
def test_an_event_altered_in_the_database_makes_verify_exit_1_naming_its_seq() -> None:
    append(6)
    edit(4, actor_name="Someone Else")
    status, out = run("verify")
    assert status == 1
    assert "first bad:    event 4: altered" in out
    assert "result:       FAULTY" in out


@pytest.mark.django_db
def test_verify_reports_as_json(tmp_path: Path) -> None:
    append(3)
    edit(2, reason="edited")
    status, out = run("verify", "--json")
    assert status == 1
    report = json.loads(out)
    assert report["ok"] is False
    assert report["events"] == 3
    assert report["first_bad"] == {
        "seq": 2,
        "position": 2,
        "kind": "altered",
        "detail": "its content does not match its hash",
    }


@pytest.mark.django_db
def test_a_deleted_event_breaks_the_chain_at_the_next_one() -> None:
    append(5)
    tamper("DELETE FROM core_auditevent WHERE seq = %s", [3])
    status, out = run("verify")
    assert status == 1
    assert "first bad:    event at position 3 (seq 4): out of sequence" in out


@pytest.mark.django_db
def test_a_tail_deleted_without_rewriting_the_head_row_is_detected() -> None:
    append(5)
    tamper("DELETE FROM core_auditevent WHERE seq > %s", [3])
    status, out = run("verify")
    assert status == 1
    assert "truncated: the chain's head row says it has 5 events; it has 3" in out


@pytest.mark.django_db
def test_a_kept_checkpoint_detects_a_truncation_hidden_everywhere_else(tmp_path: Path) -> None:
    append(5)
    path = kept_checkpoint(tmp_path)  # event 6 is the checkpoint's own
    # Someone with the database cuts the tail, removes the stored checkpoint and rewinds
    # the head row: the database alone now looks clean...
    tamper("DELETE FROM core_auditevent WHERE seq > %s", [3])
    tamper("DELETE FROM core_auditcheckpoint")
    third = AuditEvent.objects.get(seq=3)
    AuditHead.objects.filter(pk=1).update(seq=3, hash=third.hash)
    assert run("verify")[0] == 0
    # ...but not against the checkpoint kept elsewhere.
    status, out = run("verify", "--checkpoint", str(path))
    assert status == 1
    assert "a checkpoint says the chain had 6 events; it has 3" in out


@pytest.mark.django_db
def test_a_chain_rewritten_without_the_signing_key_fails_its_checkpoint(tmp_path: Path) -> None:
    append(4)
    kept_checkpoint(tmp_path)
    # Edit event 2 and re-hash every event after it so that every link holds again.
    edit(2, reason="rewritten")
    previous = AuditEvent.objects.get(seq=1).hash
    for event in AuditEvent.objects.filter(seq__gte=2).order_by("seq"):
        fields = {**audit.event_fields(event), "prev_hash": previous}
        body = chain.event_body(fields)
        digest = chain.body_hash(body)
        tamper(
            "UPDATE core_auditevent SET body = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [body, previous, digest, event.seq],
        )
        previous = digest
    AuditHead.objects.filter(pk=1).update(hash=previous)
    status, out = run("verify")
    assert status == 1
    assert "first bad:    event 5: checkpoint mismatch" in out


@pytest.mark.django_db
def test_an_old_checkpoint_verifies_with_the_old_public_key_after_a_key_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signing_key: str
) -> None:
    append(2)
    path = kept_checkpoint(tmp_path)
    old_public = chain.public_key_text(chain.load_private_key(signing_key).public_key())
    monkeypatch.setenv(signing.ENV_NAME, chain.new_private_key_text())
    status, out = run("verify", "--checkpoint", str(path))
    assert status == 1
    assert "unknown key" in out
    status, out = run("verify", "--checkpoint", str(path), "--public-key", old_public)
    assert status == 0, out
    monkeypatch.setenv(signing.PREVIOUS_KEYS_ENV, f"{old_public}, ")
    status, out = run("verify", "--checkpoint", str(path))
    assert status == 0, out
    monkeypatch.setenv(signing.PREVIOUS_KEYS_ENV, "garbage")
    status, _ = run("verify")
    assert status == 2


@pytest.mark.django_db
def test_a_checkpoint_signed_by_another_key_is_refused_even_if_it_names_that_key(
    tmp_path: Path,
) -> None:
    append(2)
    forger = Ed25519PrivateKey.generate()
    head = AuditEvent.objects.get(seq=2).hash
    forged = chain.sign_checkpoint(forger, size=2, head=head, time=audit.timezone.now())
    path = tmp_path / "forged.json"
    body = {**forged.to_dict(), "public_key": chain.public_key_text(forger.public_key())}
    path.write_text(json.dumps(body), encoding="utf-8")
    status, out = run("verify", "--checkpoint", str(path))
    assert status == 1
    assert "unknown key" in out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read checkpoint"),
        ("{not json", "is not JSON"),
        ('{"size": 3}', "not a checkpoint"),
        ("[1, 2]", "not a checkpoint object"),
    ],
    ids=["a missing file", "a file that is not JSON", "a partial checkpoint", "a list of numbers"],
)
def test_a_bad_checkpoint_file_exits_2_with_the_reason(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "kept.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message) as caught:
        call_command("audit", "verify", "--checkpoint", str(path), stdout=StringIO())
    assert caught.value.returncode == 2


@pytest.mark.django_db
def test_a_malformed_public_key_exits_2() -> None:
    with pytest.raises(CommandError, match="not an Ed25519 public key") as caught:
        call_command("audit", "verify", "--public-key", "not-base64!", stdout=StringIO())
    assert caught.value.returncode == 2


@pytest.mark.django_db
def test_verify_reports_progress_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    from defector.core import audit_cli

    monkeypatch.setattr(audit_cli, "PROGRESS_EVERY", 2)
    append(5)
    err = StringIO()
    call_command("audit", "verify", "--progress", stdout=StringIO(), stderr=err)
    assert "verified 4 events…" in err.getvalue()


# --- the PostgreSQL trigger ------------------------------------------------------------------


def needs_the_trigger() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's; SQLite has none")


@pytest.mark.django_db
def test_postgresql_refuses_to_update_an_audit_event() -> None:
    needs_the_trigger()
    append(2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(reason="changed")
    assert AuditEvent.objects.get(seq=1).reason == ""


@pytest.mark.django_db
def test_postgresql_refuses_to_delete_an_audit_event() -> None:
    needs_the_trigger()
    append(2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=2).delete()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM core_auditevent")
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db
def test_postgresql_refuses_to_change_or_delete_a_checkpoint() -> None:
    needs_the_trigger()
    actions.create_audit_checkpoint(acting_user=None)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditCheckpoint.objects.update(size=99)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditCheckpoint.objects.all().delete()
    assert AuditCheckpoint.objects.get().size == 1


# --- the signing key -------------------------------------------------------------------------


@pytest.fixture
def key_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.delenv(signing.ENV_NAME, raising=False)
    monkeypatch.setenv("DEFECTOR_STATE_DIR", str(tmp_path))
    return tmp_path / signing.FILE_NAME


def test_the_signing_key_comes_from_the_environment(signing_key: str) -> None:
    expected = chain.load_private_key(signing_key).public_key()
    assert chain.key_id(signing.public_key()) == chain.key_id(expected)


def test_development_creates_a_private_key_file_on_first_use(key_file: Path) -> None:
    first = signing.signing_key()
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    raw = base64.b64decode(key_file.read_text(encoding="ascii").strip())
    assert len(raw) == 32
    again = signing.signing_key()
    assert chain.key_id(first.public_key()) == chain.key_id(again.public_key())


def test_production_refuses_to_sign_without_a_key(key_file: Path, settings: Any) -> None:
    settings.PRODUCTION = True
    with pytest.raises(signing.SigningKeyError, match="audit signing key is missing"):
        signing.signing_key()
    with pytest.raises(signing.SigningKeyError):
        signing.verification_keys()
    assert not key_file.exists()


def test_verifying_never_creates_a_key(key_file: Path) -> None:
    assert signing.verification_keys() == {}
    assert not key_file.exists()


def test_a_malformed_key_is_refused_with_where_it_came_from(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(signing.ENV_NAME, base64.b64encode(b"too short").decode())
    with pytest.raises(signing.SigningKeyError, match=signing.ENV_NAME):
        signing.signing_key()


@pytest.mark.django_db
def test_checkpoint_without_a_key_in_production_exits_2(key_file: Path, settings: Any) -> None:
    settings.PRODUCTION = True
    append(1)
    status, _ = run("checkpoint")
    assert status == 2
    assert not AuditCheckpoint.objects.exists()
    assert AuditEvent.objects.count() == 1  # the checkpoint's event was not kept either
