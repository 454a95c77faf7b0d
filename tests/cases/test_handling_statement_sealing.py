"""The voluntary statement sealed at rest (issue 10, finding 2): its texts are sealed columns
and its signature file is ciphertext on disk; whoever may see the case still reads both, on
the pages and through the API; ``rotate-keys`` re-seals them; the migration seals the
statements recorded before it (and opens them again backwards)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.test import Client

from defector.cases import actions as actions_handling
from defector.cases import signatures
from defector.cases.models import Case, VoluntaryStatement
from defector.core import sealing

pytestmark = pytest.mark.django_db

SIGNED = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)
CANARY = "Shevchenko-Canary-7731"
ORIGINAL = f"Я, Аркадий {CANARY}, добровольно прошу политического убежища."
ENGLISH = f"I, Arkady {CANARY}, of my own free will request political asylum."
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
    + f"BT (I, Arkady {CANARY}, request asylum) Tj ET\n".encode()
    + b"trailer << >>\n%%EOF\n"
)
TABLE = VoluntaryStatement._meta.db_table


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture(autouse=True)
def key_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Keys from a key file in this test's own state directory, so rotation can add one."""
    monkeypatch.setenv("DEFECTOR_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv(sealing.KEYS_ENV, raising=False)
    monkeypatch.delenv("DEFECTOR_ENV", raising=False)
    sealing.reset_keyring()
    yield tmp_path / "state"
    sealing.reset_keyring()


@pytest.fixture
def case(open_case: Any, walk_in_facts: dict[str, Any]) -> Case:
    return open_case(facts=walk_in_facts)


def record(case: Case, user: User) -> VoluntaryStatement:
    case.refresh_from_db()
    return actions_handling.record_statement(
        acting_user=user,
        case_id=case.pk,
        expected_version=case.version,
        language_code="ru",
        language_name="Russian",
        text_original=ORIGINAL,
        text_english=ENGLISH,
        signed_at=SIGNED,
        signature_file=SimpleUploadedFile("statement.pdf", PDF),
    )


def raw_row(statement: VoluntaryStatement) -> dict[str, Any]:
    """The row as the database holds it, read past the model's fields."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {TABLE} WHERE id = %s", [statement.pk])  # noqa: S608
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def on_disk(media_root: Path, statement: VoluntaryStatement) -> bytes:
    return (media_root / "statements" / raw_row(statement)["file_path"]).read_bytes()


def download(case: Case, statement: VoluntaryStatement) -> bytes:
    return actions_handling.read_statement_file(
        acting_user=case.officers.get().user, case_id=case.pk, statement_id=statement.pk
    ).content


def test_the_statement_texts_are_sealed_in_their_columns(case: Case, officer: User) -> None:
    statement = record(case, officer)
    row = raw_row(statement)
    assert row["text_original"].startswith("v1.")
    assert row["text_english"].startswith("v1.")
    assert row["file_key"].startswith("v1.")
    assert not [name for name, value in row.items() if CANARY in str(value)]


def sealing_migration() -> tuple[tuple[str, str], tuple[str, str]]:
    """The cases migration that seals the statements, and the one before it (found by name, so
    renumbering does not break this test)."""
    graph = MigrationLoader(connection).graph
    (node,) = [n for n in graph.nodes if n[0] == "cases" and n[1].endswith("_seal_statements")]
    (before,) = [parent for parent in graph.node_map[node].parents if parent.key[0] == "cases"]
    return before.key, node


@pytest.mark.skipif(connection.vendor != "sqlite", reason="copies the SQLite database file")
@pytest.mark.django_db(transaction=True)
def test_grepping_a_copy_of_the_database_file_finds_no_statement_text(
    case: Case, officer: User, tmp_path: Path
) -> None:
    record(case, officer)
    copy = tmp_path / "copy.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(copy)])
    content = copy.read_bytes()
    assert content.startswith(b"SQLite format 3")
    for text in (CANARY, ORIGINAL, ENGLISH):
        assert text.encode("utf-8") not in content
    with sqlite3.connect(copy) as copied:
        (found,) = copied.execute(f"SELECT count(*) FROM {TABLE}").fetchone()  # noqa: S608
    assert found == 1


def test_the_signature_file_on_disk_holds_only_ciphertext(
    case: Case, officer: User, media_root: Path
) -> None:
    statement = record(case, officer)
    files = [path for path in (media_root / "statements").rglob("*") if path.is_file()]
    assert len(files) == 1
    content = files[0].read_bytes()
    assert CANARY.encode() not in content
    assert b"%PDF" not in content
    assert files[0].suffix == ".sealed"
    assert statement.sha256 == raw_row(statement)["sha256"]  # the hash of the clear file


def test_the_download_gives_the_original_bytes_on_the_page_and_through_the_api(
    case: Case, officer: User, member: User, client_for: Callable[[User], Client]
) -> None:
    statement = record(case, officer)
    client = client_for(member)
    for url in (
        f"/cases/{case.pk}/statements/{statement.pk}/file/",
        f"/api/v1/cases/{case.pk}/statements/{statement.pk}/file",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            f'attachment; filename="{case.cryptonym}-statement-{statement.number}.pdf"'
        )


def test_those_who_see_the_case_read_the_texts_on_the_page_and_through_the_api(
    case: Case, officer: User, member: User, client_for: Callable[[User], Client]
) -> None:
    statement = record(case, officer)
    client = client_for(member)
    page = client.get(f"/cases/{case.pk}/statements/{statement.pk}/")
    assert page.status_code == 200
    assert ORIGINAL in page.content.decode()
    assert ENGLISH in page.content.decode()
    one = client.get(f"/api/v1/cases/{case.pk}/statements/{statement.pk}").json()
    assert (one["text_original"], one["text_english"]) == (ORIGINAL, ENGLISH)
    (listed,) = client.get(f"/api/v1/cases/{case.pk}/statements").json()["items"]
    assert (listed["text_original"], listed["text_english"]) == (ORIGINAL, ENGLISH)


@pytest.mark.parametrize("who", ["officer_in_bonn", "second_officer", "auditor", "no_roles"])
def test_those_who_may_not_see_the_case_get_404_for_the_sealed_statement(
    case: Case,
    officer: User,
    who: str,
    request: pytest.FixtureRequest,
    client_for: Callable[[User], Client],
) -> None:
    statement = record(case, officer)
    client = client_for(request.getfixturevalue(who))
    for url in (
        f"/cases/{case.pk}/statements/{statement.pk}/",
        f"/cases/{case.pk}/statements/{statement.pk}/file/",
        f"/api/v1/cases/{case.pk}/statements/{statement.pk}",
        f"/api/v1/cases/{case.pk}/statements/{statement.pk}/file",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert CANARY not in response.content.decode(errors="replace")


def test_a_sealed_file_copied_onto_another_statement_does_not_open(
    case: Case, officer: User, media_root: Path
) -> None:
    first, second = record(case, officer), record(case, officer)
    target = media_root / "statements" / raw_row(second)["file_path"]
    target.write_bytes(on_disk(media_root, first))  # the same clear file, sealed for another row
    with pytest.raises(signatures.StatementFileError, match="no longer matches its seal"):
        download(case, second)
    assert download(case, first) == PDF


def test_rotate_keys_reseals_the_statement_texts_and_file_key(
    case: Case, officer: User, member: User, client_for: Callable[[User], Client]
) -> None:
    statement = record(case, officer)
    old = sealing.keyring().primary
    call_command("rotate_keys", new_key=True, stdout=None)
    new = sealing.keyring().primary
    assert new != old
    row = raw_row(statement)
    for column in ("text_original", "text_english", "file_key"):
        assert row[column].startswith(f"v1.{new}."), column
    assert sealing.count_on_key(old) == {}
    call_command("rotate_keys", retire=old)  # nothing of the statement needs the old key
    assert old not in sealing.keyring().keys
    assert download(case, statement) == PDF
    page = client_for(member).get(f"/cases/{case.pk}/statements/{statement.pk}/")
    assert ORIGINAL in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_statements_recorded_in_clear_and_opens_them_backwards(
    case: Case, officer: User, media_root: Path
) -> None:
    statement = record(case, officer)
    before, sealing_node = sealing_migration()
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([before])  # backwards: the row in clear
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT text_original, text_english, file_path FROM {TABLE}"  # noqa: S608
            )
            original, english, path = cursor.fetchone()
        assert (original, english) == (ORIGINAL, ENGLISH)
        assert path.endswith(".pdf")
        assert (media_root / "statements" / path).read_bytes() == PDF
        assert len([p for p in (media_root / "statements").rglob("*") if p.is_file()]) == 1
        executor = MigrationExecutor(connection)
        executor.migrate([sealing_node])  # forwards: sealed again
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    row = raw_row(statement)
    assert row["text_original"].startswith("v1.")
    assert row["text_english"].startswith("v1.")
    assert not [name for name, value in row.items() if CANARY in str(value)]
    files = [p for p in (media_root / "statements").rglob("*") if p.is_file()]
    assert [p.suffix for p in files] == [".sealed"]  # the clear file is gone
    assert CANARY.encode() not in files[0].read_bytes()
    assert download(case, statement) == PDF
    reloaded = VoluntaryStatement.objects.get(pk=statement.pk)
    assert sealing.open_sealed(reloaded, "text_original") == ORIGINAL
