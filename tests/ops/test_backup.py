"""``defector backup`` and ``defector restore``: a round trip gives the same content hash, the
audit chain verifies against a checkpoint taken before, sealed fields open with the keyring,
which is never in a backup; a restore over data is refused unless forced.

The tests run on the suite's database: SQLite (the backup API) or, in ``make test``'s second
pass, PostgreSQL (``pg_dump``/``pg_restore``); the last ones are PostgreSQL's own.
"""

from __future__ import annotations

import base64
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from django.contrib.auth.models import User
from django.db import connection

from defector.cases.models import Case, Subject
from defector.core import actions, audit, chain, sealing, signing
from defector.ops import backups
from support.builders import TRUE_NAME, case_opener
from support.fixtures import MakeOfficial
from support.scratch import migrated_sqlite
from support.world import World

from .conftest import clean_env, run_defector

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _keys(sealing_keys: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test keyring (environment) and a signing key of this test's own."""
    monkeypatch.setenv(signing.ENV_NAME, chain.new_private_key_text())


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def officer(make_official: MakeOfficial, world: World) -> User:
    return make_official("case.officer", ("case_officer", world.vienna))


@pytest.fixture
def opened(officer: User, world: World) -> Case:
    return case_opener(acting_user=officer, post_id=world.vienna.pk)(
        facts={"nationalities": ["SU"], "escaped_control": True, "special_value": ["information"]}
    )


def key_material() -> list[bytes]:
    """Every spelling of every key in force: the raw bytes and their base64."""
    raw = [*sealing.keyring().keys.values()]
    raw.append(
        signing.signing_key().private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
    )
    found = []
    for key in raw:
        found += [key, base64.b64encode(key), base64.urlsafe_b64encode(key).rstrip(b"=")]
    return found


def test_a_round_trip_gives_the_same_content_hash_and_the_chain_verifies_against_a_checkpoint(
    opened: Case, officer: User, world: World, media: Path, tmp_path: Path
) -> None:
    _, kept = actions.create_audit_checkpoint(acting_user=None)
    before = backups.content_digest()
    path = tmp_path / "defector.backup"
    made = backups.backup(path)
    assert made.digest == before
    assert made.engine == connection.vendor
    assert path.stat().st_mode & 0o777 == 0o600

    # Life goes on after the backup: another case, another checkpoint.
    case_opener(acting_user=officer, post_id=world.vienna.pk)(true_name="Viktor Belenko")
    actions.create_audit_checkpoint(acting_user=None)
    assert backups.content_digest() != before

    restored = backups.restore(path, force=True)
    assert restored.digest == before
    assert backups.content_digest().differences(before) == []
    assert list(Case.objects.values_list("pk", flat=True)) == [opened.pk]
    verification = audit.verify_stored(kept=[kept], public_keys=signing.verification_keys())
    assert verification.ok, verification.report.faults
    assert verification.kept_checkpoints == 1
    subject = Subject.objects.get(case=opened)
    assert sealing.open_sealed(subject, "true_name") == TRUE_NAME


def test_the_keys_and_the_true_names_are_never_in_a_backup(
    opened: Case, media: Path, tmp_path: Path
) -> None:
    path = tmp_path / "defector.backup"
    backups.backup(path)
    stored = path.read_bytes()
    for material in key_material():
        assert material not in stored
    for part in TRUE_NAME.split():
        assert part.encode() not in stored
    assert not list(tmp_path.glob("*.json")), "no key file beside the backup"


def test_a_restore_over_a_database_that_holds_data_is_refused_unless_forced(
    opened: Case, media: Path, tmp_path: Path
) -> None:
    path = tmp_path / "defector.backup"
    backups.backup(path)
    before = backups.content_digest()
    with pytest.raises(backups.BackupError, match=r"holds data .*give --force"):
        backups.restore(path)
    assert backups.content_digest() == before
    assert "auth_user" in backups.tables_with_data()


def test_the_sealed_files_go_beside_the_backup_and_come_back(
    opened: Case, media: Path, tmp_path: Path
) -> None:
    sealed = media / "statements" / str(opened.pk) / "0f1e2d3c.bin"
    sealed.parent.mkdir(parents=True)
    sealed.write_bytes(b"DSF1 sealed bytes")
    path = tmp_path / "defector.backup"
    assert backups.backup(path).files == 1
    assert backups.files_archive(path).is_file()
    shutil.rmtree(media)
    assert backups.restore(path, force=True).files == 1
    assert sealed.read_bytes() == b"DSF1 sealed bytes"
    assert sealed.stat().st_mode & 0o777 == 0o600


def test_a_file_that_is_no_backup_is_refused(media: Path, tmp_path: Path, world: World) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup")
    with pytest.raises(backups.BackupError, match="neither a SQLite backup nor a pg_dump"):
        backups.restore(junk, force=True)
    with pytest.raises(backups.BackupError, match="no backup at"):
        backups.restore(tmp_path / "missing", force=True)


def test_a_backup_of_the_other_engine_is_refused(media: Path, tmp_path: Path, world: World) -> None:
    other = tmp_path / "other.backup"
    if connection.vendor == "sqlite":
        other.write_bytes(b"PGDMP" + bytes(64))
        expected = "is a postgresql backup and the database is sqlite"
    else:
        sqlite3.connect(other).close()
        with sqlite3.connect(other) as database:
            database.execute("CREATE TABLE t (x)")
        expected = "is a sqlite backup and the database is postgresql"
    with pytest.raises(backups.BackupError, match=expected):
        backups.restore(other, force=True)


# --- the commands, on SQLite files: a restore on another machine ------------------------------


def sqlite_only() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the commands are run here on the embedded default (SQLite files)")


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database just migrated, made once: each machine below starts from a copy."""
    sqlite_only()
    return migrated_sqlite(tmp_path_factory.mktemp("migrated"))


def new_machine(state: Path, migrated: Path) -> dict[str, str]:
    state.mkdir(mode=0o700)
    shutil.copy2(migrated, state / "defector.sqlite3")
    return clean_env(DEFECTOR_STATE_DIR=str(state))


def test_the_commands_restore_a_backup_on_a_new_machine_with_the_keys_brought_apart(
    tmp_path: Path, migrated: Path
) -> None:
    sqlite_only()
    first, second = tmp_path / "first", tmp_path / "second"
    env_first = new_machine(first, migrated)
    made = run_defector(
        "createuser",
        "duty.officer",
        "--password-stdin",
        env=env_first,
        stdin="x" * 8 + "-Pa55-word",
    )
    assert made.returncode == 0, made.stderr
    checkpoint = run_defector("audit", "checkpoint", env=env_first)
    assert checkpoint.returncode == 0, checkpoint.stderr
    (tmp_path / "kept.json").write_text(checkpoint.stdout)

    backup = run_defector("backup", str(tmp_path / "b.sqlite3"), "--json", env=env_first)
    assert backup.returncode == 0, backup.stderr
    content = json.loads(backup.stdout)["content"]
    # The new machine: migrated, empty; the keys come apart from the backup.
    env_second = new_machine(second, migrated)
    for name in ("sealing_keys.json", "audit_signing_key"):
        if (first / name).exists():
            shutil.copy2(first / name, second / name)
    restored = run_defector("restore", str(tmp_path / "b.sqlite3"), env=env_second)
    assert restored.returncode == 0, restored.stderr
    assert content["sha256"] in restored.stdout
    verified = run_defector(
        "audit", "verify", "--checkpoint", str(tmp_path / "kept.json"), env=env_second
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "OK" in verified.stdout

    again = run_defector("restore", str(tmp_path / "b.sqlite3"), env=env_second)
    assert again.returncode == 2
    assert "holds data" in again.stderr


def test_verify_refuses_a_damaged_backup(opened: Case, media: Path, tmp_path: Path) -> None:
    sqlite_only()
    path = tmp_path / "b.sqlite3"
    made = backups.backup(path)
    assert backups.verify(path).digest == made.digest
    data = bytearray(path.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 4096] = bytes(4096)
    path.write_bytes(bytes(data))
    with pytest.raises(backups.BackupError, match=r"integrity|cannot be read"):
        backups.verify(path)


# --- PostgreSQL's own -------------------------------------------------------------------------


@pytest.mark.postgres
def test_a_postgresql_backup_is_a_pg_dump_archive_in_custom_format(
    opened: Case, media: Path, tmp_path: Path
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump archives are PostgreSQL's")
    path = tmp_path / "defector.dump"
    made = backups.backup(path)
    assert path.read_bytes()[:5] == b"PGDMP"
    checked = backups.verify(path)
    assert checked.engine == "postgresql"
    assert checked.entries > 50
    assert made.digest == backups.content_digest()
