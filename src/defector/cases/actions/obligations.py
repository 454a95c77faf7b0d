"""Obligations as work: discharging, waiving and reassigning them."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction

from defector.cases import validation
from defector.cases.actions.common import (
    OBLIGATION_AUDIT_FIELDS,
    _label,
    claim_case,
    find_case,
    record_event,
)
from defector.cases.actions.free_text import refuse_true_names
from defector.cases.choices import WAIVING_ROLES, ObligationStatus
from defector.cases.models import Case, Obligation
from defector.cases.queries.obligations import record_kind
from defector.cases.validation import Errors, as_id, as_version, clean_text, moment_of
from defector.cases.validation import error as add_error
from defector.core import audit
from defector.core.access import Action, can, principal_for
from defector.core.errors import InvalidInput, NotFound, PermissionDenied
from defector.core.users import AnyUser
from defector.directory.models import Official
from defector.directory.queries import acting_official


def _find_obligation(case: Case, obligation_id: int | str) -> Obligation:
    number = as_id(obligation_id)
    found = (
        Obligation.objects.filter(case=case, pk=number).select_related("owner__user").first()
        if number is not None
        else None
    )
    if found is None:
        raise NotFound("no such obligation on this case")
    return found


def _must_be_open(obligation: Obligation) -> None:
    if obligation.status != ObligationStatus.OPEN:
        status = _label(obligation.status, ObligationStatus).lower()
        raise InvalidInput(
            [{"field": "obligation", "message": f"is not open: it is {status} already"}]
        )


def _check_evidence_record(
    case: Case, label: str, object_id: str, errors: Errors
) -> models.Model | None:
    """The record named as evidence: a known model, an existing row, of this case."""
    if not label and not object_id:
        return None
    if not label:
        add_error(
            errors, "evidence_label", "is required with the record's number: the kind of record"
        )
        return None
    if not object_id:
        add_error(errors, "evidence_id", "is required with the kind of record: the record's number")
        return None
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        add_error(errors, "evidence_label", f"there is no kind of record {label!r}")
        return None
    row: models.Model | None
    try:
        row = model._default_manager.filter(pk=object_id).first()
    except (ValueError, TypeError):
        row = None
    if row is None:
        add_error(errors, "evidence_id", f"there is no {record_kind(label).lower()} {object_id}")
        return None
    if isinstance(row, Case):
        belongs = row.pk == case.pk
    else:
        try:
            model._meta.get_field("case")
        except FieldDoesNotExist:
            belongs = True
        else:
            belongs = getattr(row, "case_id", None) == case.pk
    if not belongs:
        add_error(errors, "evidence_id", f"{label} {object_id} is not part of this case")
        return None
    return row


def _discharge(
    case: Case,
    obligation: Obligation,
    *,
    acting_user: AnyUser | None,
    evidence: str,
    evidence_label: str,
    evidence_id: str,
    at: dt.datetime,
) -> Obligation:
    before = audit.snapshot(obligation, OBLIGATION_AUDIT_FIELDS)
    official = acting_official(acting_user)
    obligation.status = ObligationStatus.DONE
    obligation.evidence = evidence
    obligation.evidence_label = evidence_label
    obligation.evidence_id = evidence_id
    obligation.closed_at = at
    obligation.closed_by = official
    obligation.save(
        update_fields=[
            "status",
            "evidence",
            "evidence_label",
            "evidence_id",
            "closed_at",
            "closed_by",
        ]
    )
    late = ""
    if obligation.due_at is not None and obligation.due_at < at:
        late = " (after its due time)"
    record_event(
        case,
        acting_user=acting_user,
        action="cases.obligation.discharge",
        summary=f"Obligation done{late}: {obligation.title} ({obligation.clause})",
        at=at,
        obj=obligation,
        before=before,
        after=audit.snapshot(obligation, OBLIGATION_AUDIT_FIELDS),
    )
    return obligation


def discharge_obligation(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    obligation_id: int | str,
    expected_version: int | str | None,
    evidence: str,
    evidence_label: str = "",
    evidence_id: str | int = "",
    at: dt.datetime | None = None,
) -> Obligation:
    """Mark an open obligation done, with the evidence that discharged it: a description (at
    least 10 characters, required) and optionally the record it rests on (``evidence_label``,
    a model label such as ``cases.casenote``, and ``evidence_id``; it must belong to the
    case)."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        obligation = _find_obligation(case, obligation_id)
        errors: Errors = []
        version = as_version(errors, expected_version)
        text = clean_text(
            errors,
            "evidence",
            evidence,
            limit=validation.MAX_REASON_LENGTH,
            required="is required: say what discharged the obligation",
            minimum=validation.MIN_STATED_LENGTH,
        )
        refuse_true_names(errors, case, evidence=text)
        label = evidence_label.strip().lower() if isinstance(evidence_label, str) else ""
        row_id = str(evidence_id).strip() if evidence_id is not None else ""
        row = _check_evidence_record(case, label, row_id, errors)
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        obligation = _find_obligation(case, obligation.pk)
        _must_be_open(obligation)
        return _discharge(
            case,
            obligation,
            acting_user=acting_user,
            evidence=text,
            evidence_label=row._meta.label_lower if row is not None else "",
            evidence_id=str(row.pk) if row is not None else "",
            at=moment,
        )


def discharge_by_evidence(
    case: Case,
    identifier: str,
    *,
    acting_user: AnyUser | None,
    record: models.Model,
    evidence: str,
    at: dt.datetime | None = None,
    period: int | None = None,
) -> Obligation | None:
    """For other case actions: mark the case's open obligation ``identifier`` done by the
    ``record`` they just wrote (a signed statement discharges ``obtain_voluntary_statement``,
    an established bona fides ``establish_bona_fides``…), with ``evidence`` in words. Call it
    inside the action's transaction, after :func:`claim_case`. Of a recurring obligation
    (``6d``) with several periods open, the oldest is discharged, or the one of ``period``.
    Returns the obligation, or ``None`` when none of that kind (and period) is open."""
    open_ = Obligation.objects.filter(
        case=case, identifier=identifier, status=ObligationStatus.OPEN
    )
    if period is not None:
        open_ = open_.filter(period=period)
    obligation = open_.order_by("period", "arose_at", "pk").first()
    if obligation is None:
        return None
    return _discharge(
        case,
        obligation,
        acting_user=acting_user,
        evidence=evidence.strip() or str(record),
        evidence_label=record._meta.label_lower,
        evidence_id=str(record.pk),
        at=moment_of(at),
    )


def waive_obligation(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    obligation_id: int | str,
    expected_version: int | str | None,
    reason: str,
    at: dt.datetime | None = None,
) -> Obligation:
    """Set an open obligation aside, with the reason (at least 10 characters). Only the
    post's committee chair and senior US representative may: a waiver answers to the
    committee's local procedures (``6b``)."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        obligation = _find_obligation(case, obligation_id)
        if case.post_id not in principal_for(acting_user).posts_with(*WAIVING_ROLES):
            raise PermissionDenied(
                "only the post's committee chair and senior US representative may waive an "
                "obligation",
                clauses=("6b",),
            )
        errors: Errors = []
        version = as_version(errors, expected_version)
        text = clean_text(
            errors,
            "reason",
            reason,
            limit=validation.MAX_REASON_LENGTH,
            required="is required: say why the obligation is waived",
            minimum=validation.MIN_STATED_LENGTH,
        )
        refuse_true_names(errors, case, reason=text)
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        obligation = _find_obligation(case, obligation.pk)
        _must_be_open(obligation)
        before = audit.snapshot(obligation, OBLIGATION_AUDIT_FIELDS)
        obligation.status = ObligationStatus.WAIVED
        obligation.note = text
        obligation.closed_at = moment
        obligation.closed_by = acting_official(acting_user)
        obligation.save(update_fields=["status", "note", "closed_at", "closed_by"])
        record_event(
            case,
            acting_user=acting_user,
            action="cases.obligation.waive",
            summary=f"Obligation waived: {obligation.title} ({obligation.clause})",
            at=moment,
            obj=obligation,
            before=before,
            after=audit.snapshot(obligation, OBLIGATION_AUDIT_FIELDS),
            reason=text,
        )
    return obligation


def reassign_obligation(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    obligation_id: int | str,
    expected_version: int | str | None,
    owner_id: int | str | None,
    at: dt.datetime | None = None,
) -> Obligation:
    """Give an open obligation to another official, who must be able to see the case."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        obligation = _find_obligation(case, obligation_id)
        errors: Errors = []
        version = as_version(errors, expected_version)
        number = as_id(owner_id)
        owner = None
        if number is None:
            add_error(errors, "owner_id", "is required: choose the official")
        else:
            owner = Official.objects.select_related("user").filter(pk=number).first()
            if owner is None:
                add_error(errors, "owner_id", f"there is no official {number}")
            elif not can(owner.user, Action.VIEW, case):
                add_error(errors, "owner_id", f"{owner} may not see this case")
                owner = None
        if errors or owner is None:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        obligation = _find_obligation(case, obligation.pk)
        _must_be_open(obligation)
        if obligation.owner_id == owner.pk:
            raise InvalidInput(
                [{"field": "owner_id", "message": f"{owner} owns this obligation already"}]
            )
        before = audit.snapshot(obligation, OBLIGATION_AUDIT_FIELDS)
        obligation.owner = owner
        obligation.save(update_fields=["owner"])
        record_event(
            case,
            acting_user=acting_user,
            action="cases.obligation.reassign",
            summary=f"Obligation given to {owner}: {obligation.title} ({obligation.clause})",
            at=moment,
            obj=obligation,
            before=before,
            after=audit.snapshot(obligation, OBLIGATION_AUDIT_FIELDS),
        )
    return obligation
