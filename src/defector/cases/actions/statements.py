"""The voluntary statement (6b(3)(c)): recording, witnessing, withdrawing, reading its file."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from dataclasses import dataclass
from typing import Any, Final

from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from defector.cases import signatures, validation
from defector.cases.actions.common import Entry, _entry, claim_case, find_case, record_event
from defector.cases.actions.fields import _moment, _must_be_open_case, _reopen, _row_id
from defector.cases.actions.free_text import refuse_true_names
from defector.cases.actions.obligations import discharge_by_evidence
from defector.cases.choices import SignatureMethod
from defector.cases.models import Case, VoluntaryStatement
from defector.cases.queries import STATEMENT_CLAUSE, witness_problem
from defector.cases.validation import Errors, as_version, clean_text, moment_of
from defector.cases.validation import error as add_error
from defector.core import audit, sealing
from defector.core.access import Action
from defector.core.errors import InvalidInput, NotFound, PermissionDenied
from defector.core.users import AnyUser
from defector.directory.queries import acting_official
from defector.policy.obligations import ObligationId

MAX_STATEMENT_LENGTH: Final = 20_000
#: The sealed field that keeps the data key of a statement's file, and the suffix of the file.
FILE_KEY: Final = "file_key"
SEALED_SUFFIX: Final = ".sealed"


MAX_LANGUAGE_NAME_LENGTH: Final = 100


#: A language tag (BCP 47, the common forms): ``ru``, ``zh-Hans``, ``sr-Latn-RS``.
LANGUAGE_TAG: Final = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}")


def _find_statement(case: Case, statement_id: object) -> VoluntaryStatement:
    number = _row_id(statement_id)
    found = (
        VoluntaryStatement.objects.filter(case=case, pk=number)
        .select_related("recorded_by__user", "witness__user")
        .first()
        if number is not None
        else None
    )
    if found is None:
        raise NotFound("no such statement on this case")
    return found


def _statement_audit(statement: VoluntaryStatement) -> dict[str, Any]:
    """What the audit record keeps of a statement: never its texts (they may identify) — they
    are sealed, and appear as ``"[sealed]"`` as the true names do."""
    return {
        "language_code": statement.language_code,
        "language_name": statement.language_name,
        "text_original": audit.jsonable(statement.text_original),
        "text_english": audit.jsonable(statement.text_english),
        "signature_method": statement.signature_method,
        "content_type": statement.content_type,
        "size": statement.size,
        "sha256": statement.sha256,
        "signed_at": audit.jsonable(statement.signed_at),
        "witness": statement.witness_id,
        "witnessed_at": audit.jsonable(statement.witnessed_at),
        "withdrawn_at": audit.jsonable(statement.withdrawn_at),
        "withdrawal_reason": statement.withdrawal_reason,
    }


def record_statement(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    expected_version: int | str | None,
    language_code: str,
    language_name: str,
    text_original: str,
    text_english: str,
    signed_at: dt.datetime | str | None,
    signature_file: File[Any] | bytes | None = None,
    signature_drawing: str = "",
    at: dt.datetime | None = None,
) -> VoluntaryStatement:
    """Record the person's signed voluntary statement (``6b(3)(c)``): the text in their
    language (with the language's tag and name) and in English, when they signed, and the
    signature — exactly one of ``signature_file`` (the scanned signed statement) and
    ``signature_drawing`` (a PNG drawn on screen). It counts once another official of the
    post witnesses it (:func:`witness_statement`)."""
    moment = moment_of(at)
    storage = signatures.statement_storage()
    saved: list[str] = []
    try:
        with transaction.atomic():
            case = find_case(acting_user, case_id, Action.CHANGE)
            given = check_statement(
                moment,
                expected_version=expected_version,
                language_code=language_code,
                language_name=language_name,
                text_original=text_original,
                text_english=text_english,
                signed_at=signed_at,
                signature_file=signature_file,
                signature_drawing=signature_drawing,
            )
            case = claim_case(case, given.version, acting_user=acting_user, at=moment)
            _must_be_open_case(case, "signature", "record a statement")
            statement = do_record_statement(
                case, given, storage=storage, saved=saved, acting_user=acting_user, at=moment
            )
    except BaseException:
        for name in saved:
            storage.delete(name)
        raise
    return statement


@dataclass(frozen=True, slots=True)
class StatementInput:
    """The checked input of a voluntary statement."""

    version: int
    language_code: str
    language_name: str
    text_original: str
    text_english: str
    signed_at: dt.datetime
    signature: signatures.Signature


def check_statement(
    moment: dt.datetime,
    *,
    expected_version: int | str | None,
    language_code: str,
    language_name: str,
    text_original: str,
    text_english: str,
    signed_at: dt.datetime | str | None,
    signature_file: File[Any] | bytes | None,
    signature_drawing: str,
) -> StatementInput:
    """The statement's fields and its one signature, or :class:`InvalidInput`."""
    errors: Errors = []
    version = as_version(errors, expected_version)
    code = language_code.strip() if isinstance(language_code, str) else ""
    if not code:
        add_error(errors, "language_code", "is required: e.g. ru for Russian")
    elif not LANGUAGE_TAG.fullmatch(code):
        add_error(errors, "language_code", "must be a language tag such as ru or zh-Hans")
    name = clean_text(
        errors,
        "language_name",
        language_name,
        limit=MAX_LANGUAGE_NAME_LENGTH,
        required="is required: e.g. Russian",
        multiline=False,
    )
    original = clean_text(
        errors,
        "text_original",
        text_original,
        limit=MAX_STATEMENT_LENGTH,
        required="is required: the statement in the person's language",
    )
    english = clean_text(
        errors,
        "text_english",
        text_english,
        limit=MAX_STATEMENT_LENGTH,
        required="is required: the statement in English",
    )
    signed = _moment(errors, "signed_at", signed_at, required="is required: when signed")
    if signed is not None and signed > moment + validation.CLOCK_SKEW:
        add_error(errors, "signed_at", "is in the future")
    signature = signatures.signature(errors, signature_file, signature_drawing)
    if errors or signature is None or signed is None:
        raise InvalidInput(errors)
    return StatementInput(version, code, name, original, english, signed, signature)


def do_record_statement(
    case: Case,
    given: StatementInput,
    *,
    storage: Storage,
    saved: list[str],
    acting_user: AnyUser,
    at: dt.datetime,
) -> VoluntaryStatement:
    """Store the signature sealed (its name added to ``saved``, for the caller to remove
    should the transaction fail) and write the statement, its texts sealed, with its audit
    record. The file on disk is the ciphertext under a random name (no extension: nothing of
    its kind shows); ``sha256`` and ``size`` are those of the clear file."""
    signature = given.signature
    digest = hashlib.sha256(signature.content).hexdigest()
    latest = VoluntaryStatement.objects.filter(case=case).aggregate(latest=Max("number"))
    statement = VoluntaryStatement(
        case=case,
        number=(latest["latest"] or 0) + 1,
        language_code=given.language_code,
        language_name=given.language_name,
        text_original=given.text_original,
        text_english=given.text_english,
        signature_method=signature.method,
        content_type=signature.content_type,
        size=len(signature.content),
        sha256=digest,
        signed_at=given.signed_at,
        recorded_at=at,
        recorded_by=acting_official(acting_user),
    )
    sealed = sealing.seal_bytes(statement, FILE_KEY, signature.content)
    saved.append(storage.save(f"{case.pk}/{uuid.uuid4().hex}{SEALED_SUFFIX}", ContentFile(sealed)))
    statement.file_path = saved[-1]
    statement.save(force_insert=True)
    how = "scanned" if signature.method == SignatureMethod.UPLOAD else "drawn on screen"
    record_event(
        case,
        acting_user=acting_user,
        action="cases.voluntarystatement.record",
        summary=f"Voluntary statement {statement.number} recorded ({given.language_name}, "
        f"signature {how}, SHA-256 {digest[:12]}…); it awaits a witness",
        at=at,
        obj=statement,
        after=_statement_audit(statement),
    )
    return statement


def witness_statement(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    statement_id: int | str,
    expected_version: int | str | None,
    at: dt.datetime | None = None,
) -> VoluntaryStatement:
    """Witness a statement as the signed-in official (:func:`~defector.cases.
    queries.witness_problem`: an official of the case's post who may see the case,
    not the one who recorded it). A witnessed statement counts: it discharges the case's
    ``obtain_voluntary_statement`` obligation."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.VIEW)
        statement = _find_statement(case, statement_id)
        problem = witness_problem(acting_user, case, recorded_by_id=statement.recorded_by_id)
        if problem:
            raise PermissionDenied(problem, clauses=(STATEMENT_CLAUSE,))
        errors: Errors = []
        version = as_version(errors, expected_version)
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        _must_be_open_case(case, "statement", "witness a statement")
        statement = _find_statement(case, statement.pk)
        if statement.withdrawn_at is not None:
            raise InvalidInput([{"field": "statement", "message": "was withdrawn"}])
        if statement.witnessed_at is not None:
            raise InvalidInput(
                [{"field": "statement", "message": f"is witnessed already by {statement.witness}"}]
            )
        official = acting_official(acting_user)
        before = _statement_audit(statement)
        statement.witness = official
        statement.witnessed_at = moment
        statement.save(update_fields=["witness", "witnessed_at"])
        record_event(
            case,
            acting_user=acting_user,
            action="cases.voluntarystatement.witness",
            summary=f"Voluntary statement {statement.number} witnessed by {official}",
            at=moment,
            obj=statement,
            before=before,
            after=_statement_audit(statement),
        )
        signed_day = timezone.localtime(statement.signed_at, dt.UTC).date().isoformat()
        discharge_by_evidence(
            case,
            ObligationId.OBTAIN_VOLUNTARY_STATEMENT,
            acting_user=acting_user,
            record=statement,
            evidence=f"Voluntary statement {statement.number} signed on {signed_day} "
            f"({statement.get_signature_method_display().lower()}), witnessed by {official}",
            at=moment,
        )
    return statement


def withdraw_statement(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    statement_id: int | str,
    expected_version: int | str | None,
    reason: str,
    at: dt.datetime | None = None,
) -> VoluntaryStatement:
    """Record that the person withdrew the statement (who recorded it, when, why: at least
    10 characters, cryptonyms only). It no longer counts; the ``obtain_voluntary_statement``
    obligation it discharged opens again unless another statement counts."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        statement = _find_statement(case, statement_id)
        errors: Errors = []
        version = as_version(errors, expected_version)
        text = clean_text(
            errors,
            "reason",
            reason,
            limit=validation.MAX_REASON_LENGTH,
            required="is required: say how and why the statement was withdrawn",
            minimum=validation.MIN_STATED_LENGTH,
        )
        refuse_true_names(errors, case, reason=text)
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        statement = _find_statement(case, statement.pk)
        if statement.withdrawn_at is not None:
            raise InvalidInput([{"field": "statement", "message": "was withdrawn already"}])
        official = acting_official(acting_user)
        before = _statement_audit(statement)
        statement.withdrawn_at = moment
        statement.withdrawn_by = official
        statement.withdrawal_reason = text
        statement.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        also: list[Entry] = []
        others = (
            VoluntaryStatement.objects.filter(
                case=case, witnessed_at__isnull=False, withdrawn_at__isnull=True
            )
            .exclude(pk=statement.pk)
            .exists()
        )
        if not others:
            reopened = _reopen(
                case,
                ObligationId.OBTAIN_VOLUNTARY_STATEMENT,
                discharged_by=VoluntaryStatement._meta.label_lower,
                record_id=statement.pk,
                why=f"voluntary statement {statement.number} was withdrawn",
                at=moment,
            )
            if reopened is not None:
                also.append(
                    Entry(
                        "cases.obligation.open",
                        f"Obligation open again: {reopened.title} ({reopened.clause}): "
                        f"statement {statement.number} was withdrawn",
                        reopened,
                    )
                )
        record_event(
            case,
            acting_user=acting_user,
            action="cases.voluntarystatement.withdraw",
            summary=f"Voluntary statement {statement.number} withdrawn; it no longer counts",
            at=moment,
            obj=statement,
            before=before,
            after=_statement_audit(statement),
            reason=text,
            also=also,
        )
    return statement


@dataclass(frozen=True, slots=True)
class StatementFile:
    """A statement's signature file as read back, checked against its hash."""

    content: bytes
    content_type: str
    filename: str
    sha256: str


def read_statement_file(
    *, acting_user: AnyUser, case_id: int | str, statement_id: int | str
) -> StatementFile:
    """The signature file of a statement, for those who may see the case (anyone else gets
    :class:`NotFound`, as for a missing statement), opened from its seal. The file must still
    open and match its SHA-256 hash (:class:`~defector.cases.signatures.StatementFileError`
    otherwise). Each reading is recorded in the audit log and on the case's timeline."""
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.VIEW)
        statement = _find_statement(case, statement_id)
        try:
            with signatures.statement_storage().open(statement.file_path, "rb") as handle:
                stored = handle.read()
        except FileNotFoundError:
            raise signatures.StatementFileError(
                f"the signature file of statement {statement.number} on {case.cryptonym} is missing"
            ) from None
        try:
            content = sealing.open_bytes(statement, FILE_KEY, stored)
        except sealing.SealingError as exc:
            raise signatures.StatementFileError(
                f"the signature file of statement {statement.number} on {case.cryptonym} no longer "
                f"matches its seal: {exc}"
            ) from None
        if hashlib.sha256(content).hexdigest() != statement.sha256:
            raise signatures.StatementFileError(
                f"the signature file of statement {statement.number} on {case.cryptonym} no longer "
                "matches its SHA-256 hash"
            )
        # Like a reveal: audited and on the timeline, but no notice to the members (a read
        # is not a change of the case), hence not record_event.
        event = audit.record(
            actor=acting_user,
            action="cases.voluntarystatement.read_file",
            obj=statement,
            cryptonym=case.cryptonym,
            after={"sha256": statement.sha256},
        )
        _entry(
            case,
            Entry(
                "cases.voluntarystatement.read_file",
                f"Signature file of voluntary statement {statement.number} opened",
                statement,
            ),
            official=acting_official(acting_user),
            at=timezone.now(),
            audit_seq=event.seq,
        ).save()
    extension = signatures.extension_of(statement.content_type)
    return StatementFile(
        content=content,
        content_type=statement.content_type,
        filename=f"{case.cryptonym}-statement-{statement.number}{extension}",
        sha256=statement.sha256,
    )
