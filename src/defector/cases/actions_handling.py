"""Writes of the handling of a case: bona fides checks and verdicts (``6b(3)(b)``), the signed
voluntary statement (``6b(3)(c)``) and tasks to the participating organizations
(``6b(3)(d)``).

Each action follows ``cases.actions``: a keyword-only ``acting_user``, one transaction, the
case found through ``core.access`` (:func:`~defector.cases.actions.find_case`: not visible →
:class:`NotFound`, not changeable → :class:`PermissionDenied`), every bad field named at once
(:class:`InvalidInput`, nothing saved), then the case's version claimed
(:func:`~defector.cases.actions.claim_case`: stale → :class:`Conflict`, 409), and the audit
record with the timeline entry written last (:func:`~defector.cases.actions.record_event`).

- An "established" verdict discharges the case's ``establish_bona_fides`` obligation; a later
  verdict that is not "established" opens it again. A witnessed statement discharges
  ``obtain_voluntary_statement``; its withdrawal opens it again when no other statement
  counts (:func:`~defector.cases.actions.discharge_by_evidence`).
- The signature of a statement — a scanned signed statement (PDF, PNG or JPEG, at most
  10 MB, its type read from its first bytes, never from its name) or a signature drawn on
  screen (a PNG) — is stored as a file under ``MEDIA_ROOT/statements/<case>/`` (mode 0600)
  with its SHA-256 hash, and read back only through :func:`read_statement_file`, which checks
  access and the hash and records the reading. A file written by an action that then fails
  is removed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone

from defector.cases import clocks, signatures, validation
from defector.cases.actions import (
    AnyUser,
    Entry,
    _entry,
    _official_of,
    claim_case,
    discharge_by_evidence,
    find_case,
    record_event,
)
from defector.cases.choices import (
    OPEN_TASK_STATUSES,
    BonaFidesCheckKind,
    BonaFidesVerdictKind,
    CheckResult,
    ObligationStatus,
    SignatureMethod,
    Stage,
    TaskStatus,
)
from defector.cases.models import (
    Assessment,
    BonaFidesCheck,
    BonaFidesVerdict,
    Case,
    CaseTask,
    Obligation,
    VoluntaryStatement,
)
from defector.cases.queries_handling import (
    STATEMENT_CLAUSE,
    TASKS_CLAUSE,
    CitedCheck,
    is_assignee,
    verdict_rule,
    witness_problem,
)
from defector.cases.validation import Errors, as_id, as_version, clean_text, moment_of
from defector.cases.validation import error as add_error
from defector.core import audit
from defector.core.access import Action, can
from defector.core.errors import InvalidInput, NotFound, PermissionDenied, PolicyRefusal
from defector.directory.models import Agency, Official
from defector.policy.obligations import ObligationId

#: The largest id a database row may have (a bigger number is "no such row", not an error).
MAX_ROW_ID: Final = 2**63 - 1
#: The longest finding of a check, rationale of a verdict, and text of a statement.
MAX_FINDING_LENGTH: Final = 2000
MAX_RATIONALE_LENGTH: Final = 4000
MAX_STATEMENT_LENGTH: Final = 20_000
MAX_TASK_DETAILS_LENGTH: Final = 10_000
MAX_TITLE_LENGTH: Final = 200
MAX_LANGUAGE_NAME_LENGTH: Final = 100
#: A language tag (BCP 47, the common forms): ``ru``, ``zh-Hans``, ``sr-Latn-RS``.
LANGUAGE_TAG: Final = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}")
CHECK_AUDIT_FIELDS: Final = [
    "kind",
    "result",
    "analyst",
    "checked_on",
    "finding",
    "recorded_at",
    "recorded_by",
    "completed_at",
]
TASK_AUDIT_FIELDS: Final = [
    "title",
    "details",
    "agency",
    "official",
    "due_on",
    "status",
    "responded_at",
    "responded_by",
    "decline_reason",
    "completed_at",
    "completed_by",
    "result",
    "withdrawn_at",
    "withdrawal_reason",
]


# --- small checks -------------------------------------------------------------------------------


def _row_id(value: object) -> int | None:
    number = as_id(value)
    return number if number is not None and 1 <= number <= MAX_ROW_ID else None


def _date(errors: Errors, field: str, value: object, *, required: str = "") -> dt.date | None:
    """A date (``date`` or ``YYYY-MM-DD``), or ``None`` with an error."""
    if value is None or value == "":
        if required:
            add_error(errors, field, required)
        return None
    if isinstance(value, dt.datetime):
        add_error(errors, field, "must be a date (YYYY-MM-DD), not a date and time")
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    add_error(errors, field, "must be a date as YYYY-MM-DD")
    return None


def _moment(errors: Errors, field: str, value: object, *, required: str) -> dt.datetime | None:
    """A timezone-aware date and time (or ISO 8601 text with its offset)."""
    if value is None or value == "":
        add_error(errors, field, required)
        return None
    moment: dt.datetime | None = None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            moment = None
    if moment is None:
        add_error(errors, field, "must be a date and time (ISO 8601)")
        return None
    if timezone.is_naive(moment):
        add_error(errors, field, "must be a date and time with its time zone")
        return None
    return moment


def _choice(errors: Errors, field: str, value: object, choices: Iterable[str]) -> str:
    known = list(choices)
    text = value.strip() if isinstance(value, str) else ""
    if text not in known:
        add_error(errors, field, f"must be one of {', '.join(known)}")
        return ""
    return text


def _must_be_open_case(case: Case, field: str, what: str) -> None:
    if case.stage == Stage.CLOSED:
        raise InvalidInput(
            [{"field": field, "message": f"the case is closed: reopen it to {what}"}]
        )


def _visible_official(
    errors: Errors, field: str, value: object, case: Case, *, required: str
) -> Official | None:
    """An active official who may see the case."""
    if value is None or value == "":
        add_error(errors, field, required)
        return None
    number = _row_id(value)
    official = (
        Official.objects.select_related("user").filter(pk=number).first()
        if number is not None
        else None
    )
    if official is None:
        add_error(errors, field, f"there is no official {value}")
        return None
    if not official.user.is_active:
        add_error(errors, field, f"{official} may no longer sign in")
        return None
    if not can(official.user, Action.VIEW, case):
        add_error(errors, field, f"{official} may not see this case")
        return None
    return official


def _reopen(
    case: Case,
    identifier: str,
    *,
    discharged_by: str,
    record_id: int | None = None,
    why: str,
    at: dt.datetime,
) -> Obligation | None:
    """Open the case's obligation ``identifier`` again when a record of kind
    ``discharged_by`` (of id ``record_id``, if given) discharged it and what it rested on no
    longer holds — as long as the latest assessment still raises it and none is open."""
    done = Obligation.objects.filter(
        case=case,
        identifier=identifier,
        status=ObligationStatus.DONE,
        evidence_label=discharged_by,
    )
    if record_id is not None:
        done = done.filter(evidence_id=str(record_id))
    previous = done.order_by("-closed_at", "-pk").first()
    if previous is None:
        return None
    if Obligation.objects.filter(
        case=case, identifier=identifier, status=ObligationStatus.OPEN
    ).exists():
        return None
    latest = Assessment.objects.filter(case=case).order_by("-number").first()
    if latest is None or identifier not in (latest.obligations or []):
        return None
    return Obligation.objects.create(
        case=case,
        identifier=identifier,
        clause=previous.clause,
        title=previous.title,
        owner=previous.owner,
        arose_at=at,
        assessment=latest,
        due_at=clocks.clocks_for(case.post).due(
            identifier, received_at=case.received_at, arose_at=at
        ),
        note=why[:2000],
    )


# --- bona fides (6b(3)(b)) ----------------------------------------------------------------------


def _find_check(case: Case, check_id: object) -> BonaFidesCheck:
    number = _row_id(check_id)
    found = (
        BonaFidesCheck.objects.filter(case=case, pk=number).first() if number is not None else None
    )
    if found is None:
        raise NotFound("no such bona fides check on this case")
    return found


def _check_name(check: BonaFidesCheck) -> str:
    return f"{BonaFidesCheckKind(check.kind).label.lower()} (check {check.pk})"


def _result_fields(
    errors: Errors,
    *,
    result: str,
    checked_on: object,
    finding: object,
    today: dt.date,
) -> tuple[dt.date | None, str]:
    """The date and the finding of a check with ``result``: both required once it has one."""
    completed = bool(result) and result != CheckResult.PENDING
    day = _date(
        errors,
        "checked_on",
        checked_on,
        required="is required with a result: when the check was made" if completed else "",
    )
    if day is not None and day > today:
        add_error(errors, "checked_on", "is in the future")
    text = clean_text(
        errors,
        "finding",
        finding,
        limit=MAX_FINDING_LENGTH,
        required="is required with a result: what the check found" if completed else "",
    )
    return day, text


def add_bona_fides_check(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    expected_version: int | str | None,
    kind: str,
    analyst_id: int | str | None,
    result: str = CheckResult.PENDING,
    checked_on: dt.date | str | None = None,
    finding: str = "",
    at: dt.datetime | None = None,
) -> BonaFidesCheck:
    """Add a check to the case's bona fides checklist: its kind, the analyst who makes it (an
    official who may see the case) and, when it is already made, its result, date and
    finding (cryptonyms only)."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        errors: Errors = []
        version = as_version(errors, expected_version)
        chosen_kind = _choice(errors, "kind", kind, BonaFidesCheckKind.values)
        outcome = _choice(errors, "result", result or CheckResult.PENDING, CheckResult.values)
        analyst = _visible_official(
            errors, "analyst_id", analyst_id, case, required="is required: who makes the check"
        )
        day, text = _result_fields(
            errors,
            result=outcome,
            checked_on=checked_on,
            finding=finding,
            today=timezone.localdate(moment),
        )
        if errors or analyst is None:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        _must_be_open_case(case, "kind", "add checks")
        official = _official_of(acting_user)
        completed = outcome != CheckResult.PENDING
        check = BonaFidesCheck.objects.create(
            case=case,
            kind=chosen_kind,
            result=outcome,
            analyst=analyst,
            checked_on=day,
            finding=text,
            recorded_at=moment,
            recorded_by=official,
            completed_at=moment if completed else None,
        )
        found = f": {CheckResult(outcome).label.lower()}" if completed else " (pending)"
        record_event(
            case,
            acting_user=acting_user,
            action="cases.bonafidescheck.add",
            summary=f"Bona fides check added: {_check_name(check)}, by {analyst}{found}",
            at=moment,
            obj=check,
            after=audit.snapshot(check, CHECK_AUDIT_FIELDS),
        )
    return check


def record_check_result(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    check_id: int | str,
    expected_version: int | str | None,
    result: str,
    checked_on: dt.date | str | None,
    finding: str,
    at: dt.datetime | None = None,
) -> BonaFidesCheck:
    """Record the result of a pending check, with its date and finding. A completed check is
    final: to check again, add a new check."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        check = _find_check(case, check_id)
        errors: Errors = []
        version = as_version(errors, expected_version)
        outcome = _choice(
            errors,
            "result",
            result,
            [value for value in CheckResult.values if value != CheckResult.PENDING],
        )
        day, text = _result_fields(
            errors,
            result=outcome or CheckResult.CONSISTENT,
            checked_on=checked_on,
            finding=finding,
            today=timezone.localdate(moment),
        )
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        _must_be_open_case(case, "result", "record results")
        check = _find_check(case, check.pk)
        if check.result != CheckResult.PENDING:
            raise InvalidInput(
                [
                    {
                        "field": "result",
                        "message": f"the check is final: it found {check.get_result_display()}"
                        f" on {check.checked_on}; add a new check to check again",
                    }
                ]
            )
        before = audit.snapshot(check, CHECK_AUDIT_FIELDS)
        check.result = outcome
        check.checked_on = day
        check.finding = text
        check.completed_at = moment
        check.save(update_fields=["result", "checked_on", "finding", "completed_at"])
        record_event(
            case,
            acting_user=acting_user,
            action="cases.bonafidescheck.result",
            summary=f"Bona fides check result: {_check_name(check)}: "
            f"{CheckResult(outcome).label.lower()}",
            at=moment,
            obj=check,
            before=before,
            after=audit.snapshot(check, CHECK_AUDIT_FIELDS),
        )
    return check


def _check_ids(errors: Errors, raw: object, case: Case) -> list[int]:
    """The ids of the checks a verdict cites: checks of this case."""
    if isinstance(raw, str) or not isinstance(raw, Iterable):
        add_error(errors, "check_ids", "must be a list of the checks' ids")
        return []
    ids: dict[int, None] = {}
    for value in raw:
        number = _row_id(value)
        if number is None:
            add_error(errors, "check_ids", f"there is no check {value} on this case")
            continue
        ids[number] = None
    known = set(
        BonaFidesCheck.objects.filter(case=case, pk__in=list(ids)).values_list("pk", flat=True)
    )
    for number in ids:
        if number not in known:
            add_error(errors, "check_ids", f"there is no check {number} on this case")
    return [number for number in ids if number in known]


def record_bona_fides_verdict(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    expected_version: int | str | None,
    verdict: str,
    check_ids: Sequence[int | str],
    rationale: str,
    at: dt.datetime | None = None,
) -> BonaFidesVerdict:
    """Record a verdict on the person's bona fides — established, doubtful or refuted —
    citing the completed checks it rests on (:func:`~defector.cases.queries_handling.
    verdict_rule`, ``6b(3)(b)``: at least one; "established" only when none of them is
    inconsistent) and the rationale (at least 10 characters, cryptonyms only). It supersedes
    the current verdict, which is kept. "Established" discharges the ``establish_bona_fides``
    obligation; a later verdict that is not opens it again."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        errors: Errors = []
        version = as_version(errors, expected_version)
        chosen = _choice(errors, "verdict", verdict, BonaFidesVerdictKind.values)
        ids = _check_ids(errors, check_ids, case)
        text = clean_text(
            errors,
            "rationale",
            rationale,
            limit=MAX_RATIONALE_LENGTH,
            required="is required: say why, from the checks",
            minimum=validation.MIN_STATED_LENGTH,
        )
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        _must_be_open_case(case, "verdict", "record a verdict")
        cited = list(BonaFidesCheck.objects.filter(case=case, pk__in=ids).order_by("pk"))
        decision = verdict_rule(chosen, [CitedCheck(_check_name(c), c.result) for c in cited])
        if not decision.allowed:
            raise PolicyRefusal(decision.reason, clauses=decision.clauses)

        official = _official_of(acting_user)
        previous = BonaFidesVerdict.objects.filter(case=case, superseded_at__isnull=True).first()
        if previous is not None:
            previous.superseded_at = moment
            previous.save(update_fields=["superseded_at"])
        last = BonaFidesVerdict.objects.filter(case=case).order_by("-number").first()
        row = BonaFidesVerdict.objects.create(
            case=case,
            number=(last.number if last is not None else 0) + 1,
            verdict=chosen,
            basis=[{"id": c.pk, "kind": c.kind, "result": c.result} for c in cited],
            rationale=text,
            recorded_at=moment,
            recorded_by=official,
        )
        row.checks.set(cited)

        label = BonaFidesVerdictKind(chosen).label.lower()
        named = ", ".join(f"{_check_name(c)}: {CheckResult(c.result).label.lower()}" for c in cited)
        also: list[Entry] = []
        extra: dict[str, Any] = {}
        if chosen != BonaFidesVerdictKind.ESTABLISHED:
            reopened = _reopen(
                case,
                ObligationId.ESTABLISH_BONA_FIDES,
                discharged_by=BonaFidesVerdict._meta.label_lower,
                why=f"bona fides verdict {row.number} is {label}",
                at=moment,
            )
            if reopened is not None:
                also.append(
                    Entry(
                        "cases.obligation.open",
                        f"Obligation open again: {reopened.title} ({reopened.clause}): "
                        f"verdict {row.number} is {label}",
                        reopened,
                    )
                )
                extra["reopened"] = reopened.identifier
        superseded = f"; supersedes verdict {previous.number}" if previous is not None else ""
        record_event(
            case,
            acting_user=acting_user,
            action="cases.bonafidesverdict.record",
            summary=f"Bona fides verdict {row.number}: {label}, on {named}{superseded}",
            at=moment,
            obj=row,
            before={"verdict": previous.verdict, "number": previous.number} if previous else None,
            after={
                "number": row.number,
                "verdict": chosen,
                "checks": row.basis,
                "rationale": text,
                **extra,
            },
            decision=decision,
            also=also,
        )
        if chosen == BonaFidesVerdictKind.ESTABLISHED:
            discharge_by_evidence(
                case,
                ObligationId.ESTABLISH_BONA_FIDES,
                acting_user=acting_user,
                record=row,
                evidence=f"Bona fides established (verdict {row.number}) on {named}",
                at=moment,
            )
    return row


# --- the voluntary statement (6b(3)(c)) ---------------------------------------------------------


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
    """What the audit record keeps of a statement: never its texts (they may identify)."""
    return {
        "language_code": statement.language_code,
        "language_name": statement.language_name,
        "text_original_length": len(statement.text_original),
        "text_english_length": len(statement.text_english),
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
    saved: str | None = None
    try:
        with transaction.atomic():
            case = find_case(acting_user, case_id, Action.CHANGE)
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
            case = claim_case(case, version, acting_user=acting_user, at=moment)
            _must_be_open_case(case, "signature", "record a statement")
            digest = hashlib.sha256(signature.content).hexdigest()
            saved = storage.save(
                f"{case.pk}/{uuid.uuid4().hex}{signature.extension}",
                ContentFile(signature.content),
            )
            statement = VoluntaryStatement.objects.create(
                case=case,
                language_code=code,
                language_name=name,
                text_original=original,
                text_english=english,
                signature_method=signature.method,
                file_path=saved,
                content_type=signature.content_type,
                size=len(signature.content),
                sha256=digest,
                signed_at=signed,
                recorded_at=moment,
                recorded_by=_official_of(acting_user),
            )
            how = "scanned" if signature.method == SignatureMethod.UPLOAD else "drawn on screen"
            record_event(
                case,
                acting_user=acting_user,
                action="cases.voluntarystatement.record",
                summary=f"Voluntary statement {statement.pk} recorded ({name}, signature "
                f"{how}, SHA-256 {digest[:12]}…); it awaits a witness",
                at=moment,
                obj=statement,
                after=_statement_audit(statement),
            )
    except BaseException:
        if saved is not None:
            storage.delete(saved)
        raise
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
    queries_handling.witness_problem`: an official of the case's post who may see the case,
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
        official = _official_of(acting_user)
        before = _statement_audit(statement)
        statement.witness = official
        statement.witnessed_at = moment
        statement.save(update_fields=["witness", "witnessed_at"])
        record_event(
            case,
            acting_user=acting_user,
            action="cases.voluntarystatement.witness",
            summary=f"Voluntary statement {statement.pk} witnessed by {official}",
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
            evidence=f"Voluntary statement {statement.pk} signed on {signed_day} "
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
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        statement = _find_statement(case, statement.pk)
        if statement.withdrawn_at is not None:
            raise InvalidInput([{"field": "statement", "message": "was withdrawn already"}])
        official = _official_of(acting_user)
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
                why=f"voluntary statement {statement.pk} was withdrawn",
                at=moment,
            )
            if reopened is not None:
                also.append(
                    Entry(
                        "cases.obligation.open",
                        f"Obligation open again: {reopened.title} ({reopened.clause}): "
                        f"statement {statement.pk} was withdrawn",
                        reopened,
                    )
                )
        record_event(
            case,
            acting_user=acting_user,
            action="cases.voluntarystatement.withdraw",
            summary=f"Voluntary statement {statement.pk} withdrawn; it no longer counts",
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
    :class:`NotFound`, as for a missing statement). The file must still match its SHA-256
    hash (:class:`~defector.cases.signatures.StatementFileError` otherwise). Each reading is
    recorded in the audit log and on the case's timeline."""
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.VIEW)
        statement = _find_statement(case, statement_id)
        try:
            with signatures.statement_storage().open(statement.file_path, "rb") as handle:
                content = handle.read()
        except FileNotFoundError:
            raise signatures.StatementFileError(
                f"the signature file of statement {statement.pk} on {case.cryptonym} is missing"
            ) from None
        if hashlib.sha256(content).hexdigest() != statement.sha256:
            raise signatures.StatementFileError(
                f"the signature file of statement {statement.pk} on {case.cryptonym} no longer "
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
                f"Signature file of voluntary statement {statement.pk} opened",
                statement,
            ),
            official=_official_of(acting_user),
            at=timezone.now(),
            audit_seq=event.seq,
        ).save()
    extension = signatures.extension_of(statement.content_type)
    return StatementFile(
        content=content,
        content_type=statement.content_type,
        filename=f"{case.cryptonym}-statement-{statement.pk}{extension}",
        sha256=statement.sha256,
    )


# --- tasks (6b(3)(d)) ---------------------------------------------------------------------------


def _assignee(
    errors: Errors, case: Case, agency_id: object, official_id: object
) -> tuple[Agency | None, Official | None]:
    """Exactly one of an agency (one of whose officials may see the case) and an official
    (who may see the case)."""
    has_agency = agency_id not in (None, "")
    has_official = official_id not in (None, "")
    if has_agency and has_official:
        add_error(errors, "assignee", "give an agency or an official, not both")
        return None, None
    if not has_agency and not has_official:
        add_error(errors, "assignee", "is required: choose an agency or an official")
        return None, None
    if has_official:
        official = _visible_official(errors, "official_id", official_id, case, required="")
        return None, official
    number = _row_id(agency_id)
    agency = Agency.objects.filter(pk=number).first() if number is not None else None
    if agency is None:
        add_error(errors, "agency_id", f"there is no agency {agency_id}")
        return None, None
    if not agency.active:
        add_error(errors, "agency_id", f"{agency.code} is not active")
        return None, None
    members = Official.objects.filter(agency=agency, user__is_active=True).select_related("user")
    if not any(can(member.user, Action.VIEW, case) for member in members):
        add_error(
            errors,
            "agency_id",
            f"no official of {agency.code} may see this case: invite one, or task an official",
        )
        return None, None
    return agency, None


def _due_on(errors: Errors, value: object, today: dt.date, *, required: bool) -> dt.date | None:
    day = _date(errors, "due_on", value, required="is required: when it is due" if required else "")
    if day is not None and day < today:
        add_error(errors, "due_on", "is in the past")
    return day


def _find_task(case: Case, task_id: object) -> CaseTask:
    number = _row_id(task_id)
    found = (
        CaseTask.objects.filter(case=case, pk=number)
        .select_related("agency", "official__user")
        .first()
        if number is not None
        else None
    )
    if found is None:
        raise NotFound("no such task on this case")
    return found


def _assigned_to(task: CaseTask) -> str:
    return task.agency.code if task.agency is not None else str(task.official)


def create_task(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    expected_version: int | str | None,
    title: str,
    due_on: dt.date | str | None,
    details: str = "",
    agency_id: int | str | None = None,
    official_id: int | str | None = None,
    at: dt.datetime | None = None,
) -> CaseTask:
    """Task a participating organization (``6b(3)(d)``) — an agency, or one official —
    with a title, details (cryptonyms only) and a due date. The case's officers, committee
    and senior US representative (those who may change the case) create tasks."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        errors: Errors = []
        version = as_version(errors, expected_version)
        heading = clean_text(
            errors,
            "title",
            title,
            limit=MAX_TITLE_LENGTH,
            required="is required: what is to be done",
            multiline=False,
        )
        body = clean_text(errors, "details", details, limit=MAX_TASK_DETAILS_LENGTH)
        day = _due_on(errors, due_on, timezone.localdate(moment), required=True)
        agency, official = _assignee(errors, case, agency_id, official_id)
        if errors or day is None or (agency is None and official is None):
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        _must_be_open_case(case, "title", "task anyone")
        task = CaseTask.objects.create(
            case=case,
            title=heading,
            details=body,
            agency=agency,
            official=official,
            due_on=day,
            created_at=moment,
            created_by=_official_of(acting_user),
        )
        record_event(
            case,
            acting_user=acting_user,
            action="cases.casetask.create",
            summary=f"Task {task.pk} to {_assigned_to(task)}, due {day.isoformat()}: {heading}",
            at=moment,
            obj=task,
            after=audit.snapshot(task, TASK_AUDIT_FIELDS),
        )
    return task


#: "Not given" for the optional fields of :func:`update_task` (``None`` means "none").
UNCHANGED: Final[Any] = object()


def update_task(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    task_id: int | str,
    expected_version: int | str | None,
    title: Any = UNCHANGED,
    details: Any = UNCHANGED,
    due_on: Any = UNCHANGED,
    agency_id: Any = UNCHANGED,
    official_id: Any = UNCHANGED,
    at: dt.datetime | None = None,
) -> CaseTask:
    """Change a task that is not answered yet (assigned): its title, details, due date or
    assignee (give ``agency_id`` or ``official_id`` to hand it to another)."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        task = _find_task(case, task_id)
        errors: Errors = []
        version = as_version(errors, expected_version)
        changes: dict[str, Any] = {}
        if title is not UNCHANGED:
            changes["title"] = clean_text(
                errors,
                "title",
                title,
                limit=MAX_TITLE_LENGTH,
                required="may not be empty",
                multiline=False,
            )
        if details is not UNCHANGED:
            changes["details"] = clean_text(
                errors, "details", details, limit=MAX_TASK_DETAILS_LENGTH
            )
        if due_on is not UNCHANGED:
            changes["due_on"] = _due_on(errors, due_on, timezone.localdate(moment), required=True)
        if agency_id is not UNCHANGED or official_id is not UNCHANGED:
            agency, official = _assignee(
                errors,
                case,
                None if agency_id is UNCHANGED else agency_id,
                None if official_id is UNCHANGED else official_id,
            )
            changes |= {"agency": agency, "official": official}
        if not changes and not errors:
            add_error(errors, "task", "nothing to change: give the fields to change")
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        task = _find_task(case, task.pk)
        if task.status != TaskStatus.ASSIGNED:
            raise InvalidInput(
                [
                    {
                        "field": "status",
                        "message": f"the task is {task.get_status_display().lower()}: only an "
                        "assigned task may be changed",
                    }
                ]
            )
        before = audit.snapshot(task, TASK_AUDIT_FIELDS)
        for name, value in changes.items():
            setattr(task, name, value)
        task.save(update_fields=list(changes))
        record_event(
            case,
            acting_user=acting_user,
            action="cases.casetask.update",
            summary=f"Task {task.pk} changed ({', '.join(sorted(changes))})",
            at=moment,
            obj=task,
            before=before,
            after=audit.snapshot(task, TASK_AUDIT_FIELDS),
        )
    return task


def _answer_task(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    task_id: int | str,
    expected_version: int | str | None,
    verb: str,
    to: str,
    from_: tuple[str, ...],
    text_field: str = "",
    text: str = "",
    text_required: str = "",
    at: dt.datetime | None,
) -> CaseTask:
    """Accept, decline or complete a task: only its assignee may (the official it names, or
    an official of the agency it names), and only from the statuses ``from_``."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.VIEW)
        task = _find_task(case, task_id)
        if not is_assignee(acting_user, agency_id=task.agency_id, official_id=task.official_id):
            raise PermissionDenied(
                f"only the task's assignee ({_assigned_to(task)}) may {verb} it",
                clauses=(TASKS_CLAUSE,),
            )
        errors: Errors = []
        version = as_version(errors, expected_version)
        stated = ""
        if text_field:
            stated = clean_text(
                errors,
                text_field,
                text,
                limit=validation.MAX_REASON_LENGTH,
                required=text_required,
                minimum=validation.MIN_STATED_LENGTH,
            )
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        task = _find_task(case, task.pk)
        if task.status not in from_:
            allowed = " or ".join(TaskStatus(s).label.lower() for s in from_)
            raise InvalidInput(
                [
                    {
                        "field": "status",
                        "message": f"the task is {task.get_status_display().lower()}: only an "
                        f"{allowed} task may be {TaskStatus(to).label.lower()}",
                    }
                ]
            )
        official = _official_of(acting_user)
        before = audit.snapshot(task, TASK_AUDIT_FIELDS)
        task.status = to
        fields = ["status"]
        if to in (TaskStatus.ACCEPTED, TaskStatus.DECLINED):
            task.responded_at, task.responded_by = moment, official
            fields += ["responded_at", "responded_by"]
        if to == TaskStatus.DECLINED:
            task.decline_reason = stated
            fields.append("decline_reason")
        if to == TaskStatus.DONE:
            task.completed_at, task.completed_by, task.result = moment, official, stated
            fields += ["completed_at", "completed_by", "result"]
        task.save(update_fields=fields)
        record_event(
            case,
            acting_user=acting_user,
            action=f"cases.casetask.{verb}",
            summary=f"Task {task.pk} {TaskStatus(to).label.lower()} by {official}"
            + (f" ({_assigned_to(task)})" if task.agency_id else "")
            + f": {task.title}",
            at=moment,
            obj=task,
            before=before,
            after=audit.snapshot(task, TASK_AUDIT_FIELDS),
            reason=stated if to == TaskStatus.DECLINED else "",
        )
    return task


def accept_task(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    task_id: int | str,
    expected_version: int | str | None,
    at: dt.datetime | None = None,
) -> CaseTask:
    """The assignee takes the task on."""
    return _answer_task(
        acting_user=acting_user,
        case_id=case_id,
        task_id=task_id,
        expected_version=expected_version,
        verb="accept",
        to=TaskStatus.ACCEPTED,
        from_=(TaskStatus.ASSIGNED,),
        at=at,
    )


def decline_task(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    task_id: int | str,
    expected_version: int | str | None,
    reason: str,
    at: dt.datetime | None = None,
) -> CaseTask:
    """The assignee declines the task, saying why (at least 10 characters)."""
    return _answer_task(
        acting_user=acting_user,
        case_id=case_id,
        task_id=task_id,
        expected_version=expected_version,
        verb="decline",
        to=TaskStatus.DECLINED,
        from_=(TaskStatus.ASSIGNED,),
        text_field="reason",
        text=reason,
        text_required="is required: say why the task is declined",
        at=at,
    )


def complete_task(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    task_id: int | str,
    expected_version: int | str | None,
    result: str,
    at: dt.datetime | None = None,
) -> CaseTask:
    """The assignee reports an accepted task done, with the result (at least 10 characters,
    cryptonyms only)."""
    return _answer_task(
        acting_user=acting_user,
        case_id=case_id,
        task_id=task_id,
        expected_version=expected_version,
        verb="complete",
        to=TaskStatus.DONE,
        from_=(TaskStatus.ACCEPTED,),
        text_field="result",
        text=result,
        text_required="is required: say what was done",
        at=at,
    )


def withdraw_task(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    task_id: int | str,
    expected_version: int | str | None,
    reason: str,
    at: dt.datetime | None = None,
) -> CaseTask:
    """Those who may change the case withdraw a task that is no longer needed (assigned or
    accepted), with the reason. Nothing is deleted: the task stays, withdrawn."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        task = _find_task(case, task_id)
        errors: Errors = []
        version = as_version(errors, expected_version)
        text = clean_text(
            errors,
            "reason",
            reason,
            limit=validation.MAX_REASON_LENGTH,
            required="is required: say why the task is withdrawn",
            minimum=validation.MIN_STATED_LENGTH,
        )
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        task = _find_task(case, task.pk)
        if task.status not in OPEN_TASK_STATUSES:
            raise InvalidInput(
                [
                    {
                        "field": "status",
                        "message": f"the task is {task.get_status_display().lower()}: only an "
                        "assigned or accepted task may be withdrawn",
                    }
                ]
            )
        before = audit.snapshot(task, TASK_AUDIT_FIELDS)
        task.status = TaskStatus.WITHDRAWN
        task.withdrawn_at = moment
        task.withdrawal_reason = text
        task.save(update_fields=["status", "withdrawn_at", "withdrawal_reason"])
        record_event(
            case,
            acting_user=acting_user,
            action="cases.casetask.withdraw",
            summary=f"Task {task.pk} withdrawn: {task.title}",
            at=moment,
            obj=task,
            before=before,
            after=audit.snapshot(task, TASK_AUDIT_FIELDS),
            reason=text,
        )
    return task
