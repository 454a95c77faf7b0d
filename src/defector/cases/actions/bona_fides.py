"""Bona fides (6b(3)(b)): checks, their results, and the verdict."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, Final

from django.db import transaction
from django.utils import timezone

from defector import policy
from defector.cases import validation
from defector.cases.actions.common import (
    Entry,
    claim_case,
    find_case_to_handle,
    record_event,
)
from defector.cases.actions.fields import (
    _choice,
    _date,
    _must_be_open_case,
    _reopen,
    _row_id,
    _visible_official,
)
from defector.cases.actions.free_text import refuse_true_names
from defector.cases.actions.obligations import discharge_by_evidence
from defector.cases.choices import BonaFidesCheckKind, BonaFidesVerdictKind, CheckResult
from defector.cases.models import BonaFidesCheck, BonaFidesVerdict, Case
from defector.cases.queries import CitedCheck, verdict_rule
from defector.cases.validation import Errors, as_version, clean_text, moment_of
from defector.cases.validation import error as add_error
from defector.core import audit
from defector.core.errors import InvalidInput, NotFound, PolicyRefusal
from defector.core.users import AnyUser
from defector.directory.queries import acting_official
from defector.policy.obligations import ObligationId

#: The longest finding of a check, rationale of a verdict, and text of a statement.
MAX_FINDING_LENGTH: Final = 2000


MAX_RATIONALE_LENGTH: Final = 4000


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
        case = find_case_to_handle(acting_user, case_id)
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
        refuse_true_names(errors, case, finding=text)
        if errors or analyst is None:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        _must_be_open_case(case, "kind", "add checks")
        official = acting_official(acting_user)
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
        if not completed:
            said = f"to be made by {analyst} (pending)"
        elif official is not None and official.pk != analyst.pk:
            said = (
                f"made by {analyst} and recorded by {official}: "
                f"{CheckResult(outcome).label.lower()}"
            )
        else:
            said = f"by {analyst}: {CheckResult(outcome).label.lower()}"
        record_event(
            case,
            acting_user=acting_user,
            action="cases.bonafidescheck.add",
            summary=f"Bona fides check added: {_check_name(check)}, {said}",
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
        case = find_case_to_handle(acting_user, case_id)
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
        refuse_true_names(errors, case, finding=text)
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
        official = acting_official(acting_user)
        recorded = (
            f", recorded by {official} for {check.analyst}"
            if official is not None and check.analyst_id not in (None, official.pk)
            else ""
        )
        record_event(
            case,
            acting_user=acting_user,
            action="cases.bonafidescheck.result",
            summary=f"Bona fides check result: {_check_name(check)}: "
            f"{CheckResult(outcome).label.lower()}{recorded}",
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
    citing the completed checks it rests on (:func:`~defector.cases.queries.
    verdict_rule`, ``6b(3)(b)``: at least one; "established" only when none of them is
    inconsistent) and the rationale (at least 10 characters, cryptonyms only). It supersedes
    the current verdict, which is kept. "Established" discharges the ``establish_bona_fides``
    obligation; a later verdict that is not opens it again."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case_to_handle(acting_user, case_id)
        version, chosen, ids, text = check_verdict_input(
            case, expected_version, verdict, check_ids, rationale
        )
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        cited, decision = check_verdict(case, chosen, ids)
        return do_record_verdict(
            case, chosen, cited, text, decision, acting_user=acting_user, moment=moment
        )


def check_verdict_input(
    case: Case,
    expected_version: int | str | None,
    verdict: str,
    check_ids: Sequence[int | str],
    rationale: str,
) -> tuple[int, str, list[int], str]:
    """The version, verdict, cited check ids and rationale, or :class:`InvalidInput`."""
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
    refuse_true_names(errors, case, rationale=text)
    if errors:
        raise InvalidInput(errors)
    return version, chosen, ids, text


def check_verdict(
    case: Case, chosen: str, ids: list[int]
) -> tuple[list[BonaFidesCheck], policy.Decision]:
    """The cited checks and the verdict rule's decision on them; refused (``6b(3)(b)``)."""
    _must_be_open_case(case, "verdict", "record a verdict")
    cited = list(BonaFidesCheck.objects.filter(case=case, pk__in=ids).order_by("pk"))
    decision = verdict_rule(chosen, [CitedCheck(_check_name(c), c.result) for c in cited])
    if not decision.allowed:
        raise PolicyRefusal(decision.reason, clauses=decision.clauses)
    return cited, decision


def do_record_verdict(
    case: Case,
    chosen: str,
    cited: list[BonaFidesCheck],
    text: str,
    decision: policy.Decision,
    *,
    acting_user: AnyUser,
    moment: dt.datetime,
) -> BonaFidesVerdict:
    """Supersede the current verdict, write the new one with its audit record, and open or
    discharge ``establish_bona_fides`` (in the caller's transaction)."""
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
        recorded_by=acting_official(acting_user),
    )
    row.checks.set(cited)
    label = BonaFidesVerdictKind(chosen).label.lower()
    named = ", ".join(f"{_check_name(c)}: {CheckResult(c.result).label.lower()}" for c in cited)
    also: list[Entry] = []
    extra: dict[str, Any] = {}
    if chosen != BonaFidesVerdictKind.ESTABLISHED:
        _reopen_bona_fides(case, row, label, moment, also, extra)
    superseded = f"; supersedes verdict {previous.number}" if previous is not None else ""
    record_event(
        case,
        acting_user=acting_user,
        action="cases.bonafidesverdict.record",
        summary=f"Bona fides verdict {row.number}: {label}, on {named}{superseded}",
        at=moment,
        obj=row,
        before={"verdict": previous.verdict, "number": previous.number} if previous else None,
        after={"number": row.number, "verdict": chosen, "checks": row.basis, "rationale": text}
        | extra,
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


def _reopen_bona_fides(
    case: Case,
    row: BonaFidesVerdict,
    label: str,
    moment: dt.datetime,
    also: list[Entry],
    extra: dict[str, Any],
) -> None:
    """A verdict other than "established" opens ``establish_bona_fides`` again."""
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
