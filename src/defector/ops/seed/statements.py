"""The seed's voluntary statements (``6b(3)(c)``): texts sealed, each signature a real sealed file
under ``MEDIA_ROOT/statements``, witnessed ones discharging the obligation (``seed.later``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import struct
import uuid
import zlib
from typing import TYPE_CHECKING, Final

from defector.cases import signatures
from defector.cases.actions.statements import FILE_KEY, SEALED_SUFFIX, _statement_audit
from defector.cases.choices import SignatureMethod
from defector.cases.models import Case, Obligation, TimelineEntry, VoluntaryStatement
from defector.core import sealing
from defector.directory.choices import Role
from defector.directory.models import Official
from defector.ops.seed.directory import Staff
from defector.ops.seed.plans import CasePlan

if TYPE_CHECKING:
    from defector.ops.seed.later import LaterWriter

LANGUAGES: Final = {
    "SU": ("ru", "Russian"),
    "CN": ("zh", "Chinese"),
    "PL": ("pl", "Polish"),
    "CS": ("cs", "Czech"),
    "CZ": ("cs", "Czech"),
    "HU": ("hu", "Hungarian"),
    "DD": ("de", "German"),
    "BG": ("bg", "Bulgarian"),
    "RO": ("ro", "Romanian"),
    "CU": ("es", "Spanish"),
    "VN": ("vi", "Vietnamese"),
    "KP": ("ko", "Korean"),
}
STATEMENT_ENGLISH: Final = (
    "I leave the service of my government of my own free will. Nobody forced or induced me. "
    "I ask the Government of the United States for political asylum."
)


def _png(rng: random.Random) -> bytes:
    """A small real PNG (a signature's stroke), different for each statement."""
    width, height = 64, 8
    rows = b"".join(
        b"\x00" + bytes(rng.getrandbits(8) for _ in range(width)) for _ in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        signatures.PNG_MAGIC
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def statement_for(
    w: LaterWriter, case: Case, plan: CasePlan, obligation: Obligation | None
) -> VoluntaryStatement:
    rng = w.rng
    nationality = plan.facts.nationalities[0] if plan.facts.nationalities else ""
    code, name = LANGUAGES.get(nationality, ("ru", "Russian"))
    if obligation is not None and obligation.closed_at is not None:
        witnessed = obligation.closed_at
    else:
        witnessed = min(case.opened_at + dt.timedelta(days=3), w.anchor)
    signed = witnessed - dt.timedelta(hours=rng.randrange(2, 48))
    signed = max(signed, case.opened_at)
    statement = VoluntaryStatement(
        case=case,
        number=1,
        language_code=code,
        language_name=name,
        seal_uid=uuid.UUID(int=rng.getrandbits(128), version=4),
        text_original=f"[{name}] {STATEMENT_ENGLISH}",
        text_english=STATEMENT_ENGLISH,
        signature_method=SignatureMethod.DRAWN,
        content_type="image/png",
        signed_at=signed,
        recorded_at=signed + dt.timedelta(minutes=30),
        recorded_by=case.opened_by,
    )
    return statement


def write_statements(
    w: LaterWriter,
    statements: list[tuple[Case, VoluntaryStatement, Obligation | None, int, Staff]],
    lines: list[TimelineEntry],
) -> None:
    if not statements:
        return
    made = []
    for case, statement, obligation, steps, post in statements:
        content = _png(w.rng)
        statement.size = len(content)
        statement.sha256 = hashlib.sha256(content).hexdigest()
        sealed = sealing.seal_bytes(statement, FILE_KEY, content)
        relative = f"{case.pk}/{uuid.UUID(int=w.rng.getrandbits(128), version=4).hex}"
        relative += SEALED_SUFFIX
        path = w.storage / relative
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.write_bytes(sealed)
        path.chmod(0o600)
        statement.file_path = relative
        if steps == 2:
            # Another official of the post witnesses (not the one who recorded it).
            others = [o for o in post.by_role[Role.CASE_OFFICER] if o.pk != case.opened_by_id]
            statement.witness = others[0] if others else post.first(Role.COMMITTEE_CHAIR)
            statement.witnessed_at = (
                obligation.closed_at
                if obligation is not None and obligation.closed_at is not None
                else statement.recorded_at + dt.timedelta(hours=1)
            )
        made.append(statement)
    made = VoluntaryStatement.objects.bulk_create(made)
    discharged = []
    for (case, _s, obligation, steps, _), statement in zip(statements, made, strict=True):
        recorder: Official = case.opened_by  # type: ignore[assignment]
        record = {**_statement_audit(statement), "witness": None, "witnessed_at": None}
        seq = w.ledger.add(
            at=statement.recorded_at,
            actor=recorder.user,
            action="cases.voluntarystatement.record",
            object_type="cases.voluntarystatement",
            object_id=statement.pk,
            cryptonym=case.cryptonym,
            after=record,
        )
        lines.append(
            w.line(  # type: ignore[operator]
                case, recorder, statement.recorded_at, "cases.voluntarystatement.record",
                f"Voluntary statement 1 recorded ({statement.language_name}, signature "
                f"drawn on screen, SHA-256 {statement.sha256[:12]}…); it awaits a witness",
                seq, statement,
            )
        )  # fmt: skip
        if steps < 2 or statement.witnessed_at is None:
            continue
        witness: Official = statement.witness  # type: ignore[assignment]
        seq = w.ledger.add(
            at=statement.witnessed_at,
            actor=witness.user,
            action="cases.voluntarystatement.witness",
            object_type="cases.voluntarystatement",
            object_id=statement.pk,
            cryptonym=case.cryptonym,
            before=record,
            after=_statement_audit(statement),
        )
        lines.append(
            w.line(  # type: ignore[operator]
                case, witness, statement.witnessed_at, "cases.voluntarystatement.witness",
                f"Voluntary statement 1 witnessed by {witness}", seq, statement,
            )
        )  # fmt: skip
        if obligation is not None:
            obligation.evidence = (
                f"Voluntary statement 1 signed on {statement.signed_at.date().isoformat()} "
                f"(signature drawn on screen), witnessed by {witness}"
            )
            obligation.evidence_label = VoluntaryStatement._meta.label_lower
            obligation.evidence_id = str(statement.pk)
            discharged.append(obligation)
    Obligation.objects.bulk_update(discharged, ["evidence", "evidence_label", "evidence_id"])
