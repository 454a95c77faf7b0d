"""The voluntary statement (6b(3)(c)): both texts, signed by a scanned upload (its type sniffed
from its bytes, its SHA-256 kept) or a drawing (a PNG); witnessed by another official of the
post; withdrawn, after which it no longer counts; its file served only to those who see the
case."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import importlib
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from defector.cases import actions as actions_handling
from defector.cases import queries as queries_handling
from defector.cases import signatures
from defector.cases.models import Case, Obligation, TimelineEntry, VoluntaryStatement
from defector.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from defector.core.models import AuditEvent

pytestmark = pytest.mark.django_db

SIGNED = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def png(width: int = 40, height: int = 12) -> bytes:
    """A real (tiny, white) PNG, as the signature pad sends."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + b"\xff\xff\xff" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


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


Record = Callable[..., VoluntaryStatement]


@pytest.fixture
def record(case: Case, officer: User) -> Record:
    def record_(user: User | None = None, **signature: Any) -> VoluntaryStatement:
        if not signature:
            signature = {"signature_file": SimpleUploadedFile("statement.pdf", PDF)}
        return actions_handling.record_statement(
            acting_user=user or officer,
            case_id=case.pk,
            expected_version=version(case),
            language_code="ru",
            language_name="Russian",
            text_original="Я, AEBEACON, добровольно прошу политического убежища.",
            text_english="I, AEBEACON, of my own free will request political asylum.",
            signed_at=SIGNED,
            **signature,
        )

    return record_


def stored(media_root: Path, statement: VoluntaryStatement) -> Path:
    return media_root / "statements" / statement.file_path


def read_back(case: Case, statement: VoluntaryStatement) -> bytes:
    """The file as its download gives it (read by the case officer)."""
    return actions_handling.read_statement_file(
        acting_user=case.officers.get().user, case_id=case.pk, statement_id=statement.pk
    ).content


def witness(case: Case, user: User, statement: VoluntaryStatement) -> VoluntaryStatement:
    return actions_handling.witness_statement(
        acting_user=user,
        case_id=case.pk,
        statement_id=statement.pk,
        expected_version=version(case),
    )


def statement_obligation(case: Case) -> Obligation:
    return Obligation.objects.filter(case=case, identifier="obtain_voluntary_statement").latest(
        "pk"
    )


# --- the upload ---------------------------------------------------------------------------------


def test_an_upload_is_stored_with_its_hash_and_its_sniffed_type(
    case: Case, record: Record, media_root: Path
) -> None:
    statement = record(signature_file=SimpleUploadedFile("scan.bin", JPEG, "text/plain"))
    assert statement.signature_method == "upload"
    assert statement.content_type == "image/jpeg"
    assert statement.sha256 == hashlib.sha256(JPEG).hexdigest()
    assert statement.size == len(JPEG)
    path = stored(media_root, statement)
    assert path.read_bytes().startswith(b"DSF1")  # sealed: the clear bytes are not on disk
    assert JPEG not in path.read_bytes()
    assert read_back(case, statement) == JPEG
    assert path.suffix == ".sealed"  # a random name that does not show the file's kind
    assert path.stat().st_mode & 0o777 == 0o600
    assert statement.file_path.startswith(f"{case.pk}/")
    event = AuditEvent.objects.filter(action="cases.voluntarystatement.record").get()
    assert event.after["sha256"] == statement.sha256
    assert "AEBEACON" not in str(event.after)  # the texts stay out of the audit log
    assert (event.after["text_original"], event.after["text_english"]) == ("[sealed]",) * 2


def test_a_text_file_renamed_pdf_is_refused_and_nothing_is_stored(
    case: Case, record: Record, media_root: Path, counts: Callable[[], tuple[int, ...]]
) -> None:
    before = counts(), version(case)
    fake = SimpleUploadedFile("statement.pdf", b"I hereby request asylum.\n", "application/pdf")
    with pytest.raises(InvalidInput) as refused:
        record(signature_file=fake)
    assert refused.value.errors == [
        {
            "field": "signature_file",
            "message": "must be a PDF, PNG or JPEG file (judged by its content, not its name)",
        }
    ]
    assert (counts(), version(case)) == before
    assert VoluntaryStatement.objects.count() == 0
    assert not (media_root / "statements").exists() or not any(
        (media_root / "statements").rglob("*.*")
    )


def test_an_upload_over_10_mb_is_refused(record: Record) -> None:
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(InvalidInput, match="at most 10 MB"):
        record(signature_file=big)


def test_every_bad_field_is_named_at_once(case: Case, officer: User) -> None:
    with pytest.raises(InvalidInput) as refused:
        actions_handling.record_statement(
            acting_user=officer,
            case_id=case.pk,
            expected_version=version(case),
            language_code="Russian!",
            language_name="",
            text_original=" ",
            text_english="",
            signed_at=dt.datetime(2026, 3, 3, 10, 0),  # noqa: DTZ001 (a naive time, refused)
        )
    assert {e["field"] for e in refused.value.errors} == {
        "language_code",
        "language_name",
        "text_original",
        "text_english",
        "signed_at",
        "signature",
    }


def test_one_signature_not_two(record: Record) -> None:
    with pytest.raises(InvalidInput, match="give one signature"):
        record(
            signature_file=SimpleUploadedFile("a.pdf", PDF),
            signature_drawing=base64.b64encode(png()).decode(),
        )


def test_a_file_written_for_a_failing_action_is_removed(
    case: Case, record: Record, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the audit chain is unavailable")

    monkeypatch.setattr("defector.cases.actions.statements.record_event", broken)
    with pytest.raises(RuntimeError):
        record()
    assert VoluntaryStatement.objects.count() == 0
    assert [p for p in (media_root / "statements").rglob("*") if p.is_file()] == []


def test_a_stale_version_is_refused(case: Case, officer: User, record: Record) -> None:
    stale = version(case)
    record()
    with pytest.raises(Conflict):
        actions_handling.record_statement(
            acting_user=officer,
            case_id=case.pk,
            expected_version=stale,
            language_code="ru",
            language_name="Russian",
            text_original="Текст",
            text_english="Text",
            signed_at=SIGNED,
            signature_file=PDF,
        )
    assert VoluntaryStatement.objects.count() == 1


# --- the drawing --------------------------------------------------------------------------------


def test_a_drawn_signature_is_stored_as_a_png_with_its_hash(
    record: Record, media_root: Path
) -> None:
    drawing = png()
    statement = record(
        signature_drawing="data:image/png;base64," + base64.b64encode(drawing).decode()
    )
    assert statement.signature_method == "drawn"
    assert statement.content_type == "image/png"
    assert statement.sha256 == hashlib.sha256(drawing).hexdigest()
    assert drawing not in stored(media_root, statement).read_bytes()
    assert read_back(statement.case, statement) == drawing


@pytest.mark.parametrize(
    ("drawing", "message"),
    [
        ("data:image/svg+xml;base64,PHN2Zz4=", "must be a PNG image"),
        ("not base64 at all!", "is not valid base64"),
        (base64.b64encode(PDF).decode(), "is not a PNG image"),
        (base64.b64encode(png(width=5000)).decode(), "at most 4000 pixels"),
    ],
    ids=[
        "another kind of data URL is refused",
        "text that is not base64 is refused",
        "base64 of something else than a PNG is refused",
        "an absurdly large drawing is refused",
    ],
)
def test_a_bad_drawing_is_refused(record: Record, drawing: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        record(signature_drawing=drawing)


# --- the witness --------------------------------------------------------------------------------


def test_the_official_who_recorded_it_may_not_witness_it(
    case: Case, record: Record, officer: User
) -> None:
    statement = record()
    with pytest.raises(PermissionDenied) as refused:
        witness(case, officer, statement)
    assert refused.value.clauses == ("6b(3)(c)",)
    assert "another official of the post" in refused.value.message


def test_an_official_away_from_the_post_may_not_witness_it(
    case: Case, record: Record, idc: User
) -> None:
    with pytest.raises(PermissionDenied, match="official of the case's post"):
        witness(case, idc, record())


def test_an_official_who_may_not_see_the_case_cannot_witness(
    case: Case, record: Record, second_officer: User, officer_in_bonn: User
) -> None:
    statement = record()
    for stranger in (second_officer, officer_in_bonn):
        with pytest.raises(NotFound):
            witness(case, stranger, statement)


def test_another_official_of_the_post_witnesses_and_the_obligation_is_done(
    case: Case, record: Record, member: User
) -> None:
    statement = record()
    assert not queries_handling.signed_statement_on_file(case).allowed
    assert statement_obligation(case).status == "open"
    witnessed = witness(case, member, statement)
    assert witnessed.witness is not None
    assert witnessed.witness.user == member
    assert witnessed.witnessed_at is not None
    gate = queries_handling.signed_statement_on_file(case)
    assert (gate.allowed, gate.clauses) == (True, ("6b(3)(c)",))
    done = statement_obligation(case)
    assert done.status == "done"
    assert (done.evidence_label, done.evidence_id) == (
        "cases.voluntarystatement",
        str(statement.pk),
    )
    with pytest.raises(InvalidInput, match="witnessed already"):
        witness(case, member, statement)


def test_the_gate_says_why_no_statement_counts(case: Case, record: Record) -> None:
    assert queries_handling.signed_statement_on_file(case).reason == (
        "no signed voluntary statement is on file"
    )
    record()
    assert queries_handling.signed_statement_on_file(case).reason == (
        "the voluntary statement is not witnessed yet"
    )


# --- the withdrawal -----------------------------------------------------------------------------


def test_a_withdrawn_statement_no_longer_counts_and_the_obligation_opens_again(
    case: Case, record: Record, member: User, officer: User
) -> None:
    statement = witness(case, member, record())
    withdrawn = actions_handling.withdraw_statement(
        acting_user=officer,
        case_id=case.pk,
        statement_id=statement.pk,
        expected_version=version(case),
        reason="AEBEACON asked for the statement back at the second meeting.",
    )
    assert withdrawn.withdrawn_at is not None
    assert withdrawn.withdrawn_by is not None
    assert withdrawn.withdrawn_by.user == officer
    gate = queries_handling.signed_statement_on_file(case)
    assert (gate.allowed, gate.reason) == (False, "the voluntary statement was withdrawn")
    assert statement_obligation(case).status == "open"
    assert TimelineEntry.objects.filter(kind="cases.voluntarystatement.withdraw").exists()
    event = AuditEvent.objects.filter(action="cases.voluntarystatement.withdraw").get()
    assert event.reason.startswith("AEBEACON asked")


def test_a_withdrawal_needs_its_reason(case: Case, record: Record, officer: User) -> None:
    statement = record()
    with pytest.raises(InvalidInput, match="at least 10 characters"):
        actions_handling.withdraw_statement(
            acting_user=officer,
            case_id=case.pk,
            statement_id=statement.pk,
            expected_version=version(case),
            reason="no",
        )


# --- reading the file back ----------------------------------------------------------------------


def test_the_file_is_read_back_checked_and_the_reading_recorded(
    case: Case, record: Record, member: User
) -> None:
    statement = record()
    before = version(case)
    got = actions_handling.read_statement_file(
        acting_user=member, case_id=case.pk, statement_id=statement.pk
    )
    assert (got.content, got.content_type) == (PDF, "application/pdf")
    assert got.filename == f"{case.cryptonym}-statement-{statement.number}.pdf"
    assert AuditEvent.objects.filter(action="cases.voluntarystatement.read_file").count() == 1
    assert TimelineEntry.objects.filter(kind="cases.voluntarystatement.read_file").count() == 1
    assert version(case) == before  # a read changes nothing


def test_a_changed_file_is_detected(case: Case, record: Record, media_root: Path) -> None:
    statement = record()
    stored(media_root, statement).write_bytes(PDF + b"tampered")
    with pytest.raises(signatures.StatementFileError, match="no longer matches"):
        actions_handling.read_statement_file(
            acting_user=case.officers.get().user, case_id=case.pk, statement_id=statement.pk
        )


@pytest.mark.parametrize(
    "who", ["officer_in_bonn", "second_officer", "auditor", "administrator", "no_roles"]
)
def test_the_file_is_not_found_for_those_who_may_not_see_the_case(
    case: Case,
    record: Record,
    who: str,
    request: pytest.FixtureRequest,
    client_for: Callable[[User], Client],
) -> None:
    statement = record()
    user = request.getfixturevalue(who)
    with pytest.raises(NotFound):
        actions_handling.read_statement_file(
            acting_user=user, case_id=case.pk, statement_id=statement.pk
        )
    client = client_for(user)
    assert client.get(f"/cases/{case.pk}/statements/{statement.pk}/file/").status_code == 404
    api = client.get(f"/api/v1/cases/{case.pk}/statements/{statement.pk}/file")
    assert api.status_code == 404
    assert AuditEvent.objects.filter(action="cases.voluntarystatement.read_file").count() == 0


def test_the_file_is_served_to_those_who_see_the_case_as_an_attachment(
    case: Case, record: Record, idc: User, client_for: Callable[[User], Client]
) -> None:
    statement = record()
    response = client_for(idc).get(f"/cases/{case.pk}/statements/{statement.pk}/file/")
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]


def test_the_file_is_not_served_to_the_anonymous(case: Case, record: Record) -> None:
    statement = record()
    response = Client().get(f"/cases/{case.pk}/statements/{statement.pk}/file/")
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]


# --- numbering per case ------------------------------------------------------------------------


def test_statements_are_numbered_per_case_from_one(
    case: Case, record: Record, officer: User, open_case: Any, walk_in_facts: dict[str, Any]
) -> None:
    other = open_case(facts=walk_in_facts)
    first_elsewhere = actions_handling.record_statement(
        acting_user=officer,
        case_id=other.pk,
        expected_version=version(other),
        language_code="ru",
        language_name="Russian",
        text_original="Я прошу убежища.",
        text_english="I request asylum.",
        signed_at=SIGNED,
        signature_file=SimpleUploadedFile("statement.pdf", PDF),
    )
    first, second = record(), record()
    assert (first_elsewhere.number, first.number, second.number) == (1, 1, 2)
    assert first.pk != first_elsewhere.pk
    entry = TimelineEntry.objects.filter(case=case, kind="cases.voluntarystatement.record")
    assert entry.order_by("pk").first().summary.startswith("Voluntary statement 1 recorded")


def test_the_migration_numbers_the_statements_already_recorded_per_case_in_order(
    case: Case, record: Record, officer: User, open_case: Any, walk_in_facts: dict[str, Any]
) -> None:
    numbering = importlib.import_module(
        "defector.cases.migrations.0006_number_statements_per_case"
    ).number_statements
    first, second = record(), record()
    VoluntaryStatement.objects.filter(pk=first.pk).update(number=101)
    VoluntaryStatement.objects.filter(pk=second.pk).update(number=100)
    numbering(django_apps, None)
    numbers = VoluntaryStatement.objects.filter(case=case).order_by("pk")
    assert list(numbers.values_list("number", flat=True)) == [1, 2]
