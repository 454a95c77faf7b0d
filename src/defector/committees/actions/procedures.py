"""Local operating procedures (``6b``): drafts, approvals, the version in effect."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Final

from django.db import transaction
from django.utils import timezone

from defector.committees import queries, signals
from defector.committees.actions.committees import (
    Errors,
    _after_commit,
    _error,
    _require_chair,
    _text,
    _visible,
)
from defector.committees.choices import ProceduresStatus
from defector.committees.models import Committee, ProceduresVersion
from defector.core import audit
from defector.core.errors import Conflict, InvalidInput, PermissionDenied, PolicyRefusal
from defector.core.users import AnyUser
from defector.directory.queries import acting_official
from defector.policy.gates import committees as gate

SECTION_MAX: Final = 20_000
PROCEDURES_FIELDS: Final = [
    "committee",
    "number",
    "status",
    "note",
    *gate.DEFAULT_CLOCKS,
    "chair_approved_by",
    "chair_approved_at",
    "senior_approved_by",
    "senior_approved_at",
    "effective_at",
    "superseded_at",
]


def _clean_sections(errors: Errors, sections: object) -> dict[str, str]:
    if sections is None:
        return {}
    if not isinstance(sections, Mapping):
        _error(errors, "sections", "must map each section's clause key to its text")
        return {}
    cleaned: dict[str, str] = {}
    for key, value in sections.items():
        if key not in gate.REQUIRED_SECTIONS:
            _error(
                errors,
                f"sections.{key}",
                f"is not a section; the sections are {', '.join(gate.REQUIRED_SECTIONS)}",
            )
            continue
        text = _text(errors, f"sections.{key}", value, limit=SECTION_MAX, required=False)
        if text:
            cleaned[str(key)] = text
    return cleaned


def _clean_clocks(errors: Errors, clocks: object, base: Mapping[str, int]) -> dict[str, int]:
    """The clocks given over ``base``; each bad one named."""
    values: dict[str, object] = dict(base)
    if clocks is not None:
        if not isinstance(clocks, Mapping):
            _error(errors, "clocks", "must map each clock to a number")
            return dict(base)
        for key, value in clocks.items():
            if key not in gate.DEFAULT_CLOCKS:
                _error(errors, f"clocks.{key}", "is not one of the post's clocks")
            elif value is not None:
                values[key] = value
    problems = dict(gate.clock_problems(values))
    for name, message in problems.items():
        _error(errors, name, message)
    cleaned: dict[str, int] = {}
    for name in gate.DEFAULT_CLOCKS:
        value = values[name]
        if name not in problems and isinstance(value, int):
            cleaned[name] = value
    return cleaned


def create_procedures_draft(
    *,
    acting_user: AnyUser,
    committee_id: int | str,
    sections: Mapping[str, str] | None = None,
    clocks: Mapping[str, object] | None = None,
    note: str = "",
) -> ProceduresVersion:
    """Start a new version of the local operating procedures (``6b``): the chair. Sections and
    clocks not given are copied from the version in effect (the defaults for a first one). One
    draft at a time."""
    with transaction.atomic():
        committee = _visible(
            acting_user,
            Committee.objects.select_related("post"),
            committee_id,
            "committee",
            lock=True,
        )
        official = _require_chair(acting_user, committee, "6b")
        effective = queries.effective_procedures(committee)
        base_sections = dict(effective.sections) if effective is not None else {}
        base_clocks = effective.clocks() if effective is not None else dict(gate.DEFAULT_CLOCKS)
        errors: Errors = []
        given = _clean_sections(errors, sections)
        values = _clean_clocks(errors, clocks, base_clocks)
        note = _text(errors, "note", note, limit=500, required=False)
        if errors:
            raise InvalidInput(errors)
        if committee.procedures.filter(status=ProceduresStatus.DRAFT).exists():
            raise Conflict("a draft of the procedures is open already: change it, or approve it")
        last = committee.procedures.order_by("-number").first()
        now = timezone.now()
        version = ProceduresVersion.objects.create(
            committee=committee,
            number=(last.number + 1) if last is not None else 1,
            sections={**base_sections, **given} if sections is not None else base_sections,
            note=note,
            created_by=official,
            created_at=now,
            updated_at=now,
            **values,
        )
        after = audit.snapshot(version, PROCEDURES_FIELDS)
        after["sections"] = sorted(version.sections)
        audit.record(
            actor=acting_user, action="committees.procedures.draft", obj=version, after=after
        )
    return version


def _version_for_change(acting_user: AnyUser | None, version_id: object) -> ProceduresVersion:
    return _visible(
        acting_user,
        ProceduresVersion.objects.select_related("committee__post"),
        version_id,
        "version of the procedures",
        lock=True,
    )


def update_procedures_draft(
    *,
    acting_user: AnyUser,
    version_id: int | str,
    sections: Mapping[str, str] | None = None,
    clocks: Mapping[str, object] | None = None,
    note: str | None = None,
) -> ProceduresVersion:
    """Change a draft (the chair): sections given replace those stored (an empty text removes
    one); any change withdraws the approvals recorded so far."""
    with transaction.atomic():
        version = _version_for_change(acting_user, version_id)
        _require_chair(acting_user, version.committee, "6b")
        if version.status != ProceduresStatus.DRAFT:
            raise Conflict(f"version {version.number} is {version.status}: start a new draft")
        errors: Errors = []
        given = _clean_sections(errors, sections)
        values = _clean_clocks(errors, clocks, version.clocks())
        new_note = (
            _text(errors, "note", note, limit=500, required=False)
            if note is not None
            else version.note
        )
        if errors:
            raise InvalidInput(errors)
        new_sections = dict(version.sections)
        if sections is not None:
            for key in sections:
                if key in given:
                    new_sections[key] = given[key]
                else:
                    new_sections.pop(key, None)
        if (
            new_sections == version.sections
            and values == version.clocks()
            and new_note == version.note
        ):
            return version
        before = audit.snapshot(version, PROCEDURES_FIELDS)
        before["sections"] = {k: len(v) for k, v in version.sections.items()}
        version.sections = new_sections
        version.note = new_note
        for name, value in values.items():
            setattr(version, name, value)
        version.chair_approved_by = version.senior_approved_by = None
        version.chair_approved_at = version.senior_approved_at = None
        version.updated_at = timezone.now()
        version.save()
        after = audit.snapshot(version, PROCEDURES_FIELDS)
        after["sections"] = {k: len(v) for k, v in new_sections.items()}
        audit.record(
            actor=acting_user,
            action="committees.procedures.edit",
            obj=version,
            before=before,
            after=after,
        )
    return version


def check_approve_procedures(acting_user: AnyUser, version: ProceduresVersion) -> queries.Seat:
    """The approver's seat, when they may approve this draft (the chair or the senior US
    representative, every required section written); refused otherwise."""
    seat = queries.seat_at(acting_user, version.committee)
    if not (seat.chair or seat.senior):
        raise PermissionDenied(
            "only the committee's chair and the senior US representative approve the procedures",
            clauses=("6b",),
        )
    if version.status != ProceduresStatus.DRAFT:
        raise Conflict(f"version {version.number} is {version.status} already")
    check = gate.missing_sections(version.sections)
    if not check.decision.allowed:
        raise PolicyRefusal(
            "the procedures cannot take effect: " + check.decision.reason,
            clauses=check.missing,
        )
    return seat


def _supersede_effective(acting_user: AnyUser, committee: Committee, now: dt.datetime) -> None:
    """The version in effect at ``committee``, if any, is superseded (and audited)."""
    previous = (
        ProceduresVersion.objects.select_for_update()
        .filter(committee=committee, status=ProceduresStatus.EFFECTIVE)
        .first()
    )
    if previous is None:
        return
    previous_before = audit.snapshot(previous, PROCEDURES_FIELDS)
    previous.status = ProceduresStatus.SUPERSEDED
    previous.superseded_at = now
    previous.save()
    audit.record(
        actor=acting_user,
        action="committees.procedures.supersede",
        obj=previous,
        before=previous_before,
        after=audit.snapshot(previous, PROCEDURES_FIELDS),
    )


def do_approve_procedures(
    acting_user: AnyUser, version: ProceduresVersion, seat: queries.Seat
) -> ProceduresVersion:
    """Record the approvals the seat gives, and the version's taking effect with both (in the
    caller's transaction, with its audit records)."""
    official = acting_official(acting_user)
    now = timezone.now()
    before = audit.snapshot(version, PROCEDURES_FIELDS)
    recorded: list[str] = []
    if seat.chair and version.chair_approved_at is None:
        version.chair_approved_by, version.chair_approved_at = official, now
        recorded.append("chair")
    if seat.senior and version.senior_approved_at is None:
        version.senior_approved_by, version.senior_approved_at = official, now
        recorded.append("senior representative")
    if not recorded:
        raise Conflict("you have approved this version already")
    decision = gate.may_become_effective(
        version.sections,
        version.chair_approved_at is not None,
        version.senior_approved_at is not None,
    )
    if decision.allowed:
        _supersede_effective(acting_user, version.committee, now)
        version.status = ProceduresStatus.EFFECTIVE
        version.effective_at = now
    version.updated_at = now
    version.save()
    audit.record(
        actor=acting_user,
        action="committees.procedures.approve",
        obj=version,
        before=before,
        after=audit.snapshot(version, PROCEDURES_FIELDS),
        decision=decision,
        reason="approved as " + " and ".join(recorded),
    )
    if decision.allowed:
        _after_commit(
            signals.procedures_effective,
            sender=ProceduresVersion,
            committee=version.committee,
            version=version,
            actor=acting_user,
        )
    return version


def approve_procedures(*, acting_user: AnyUser, version_id: int | str) -> ProceduresVersion:
    """Record the chair's or the senior US representative's approval of a draft (``6b``).

    Refused, naming each missing section's clause, while a required section is missing or
    empty. With both approvals the version becomes effective at once and the one in effect
    before it is superseded; members are then asked to acknowledge it (``6e``).
    """
    with transaction.atomic():
        version = _version_for_change(acting_user, version_id)
        seat = check_approve_procedures(acting_user, version)
        return do_approve_procedures(acting_user, version, seat)
