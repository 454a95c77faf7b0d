"""What every action on a case shares: finding and claiming the case, and its timeline entry
and audit record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.db import models
from django.db.models import F
from django.utils import timezone

from defector import policy
from defector.cases import signals
from defector.cases.choices import HANDLING_ROLES
from defector.cases.models import Case, Obligation, TimelineEntry
from defector.cases.validation import Errors, as_id, moment_of
from defector.cases.validation import error as add_error
from defector.core import audit
from defector.core.access import Action, can, get_for, principal_for, rank
from defector.core.errors import Conflict, NotFound, PermissionDenied
from defector.core.inserts import Insert, Ready, new
from defector.core.instances import relate
from defector.core.users import AnyUser
from defector.directory.choices import Role
from defector.directory.models import Official, Post
from defector.directory.queries import acting_official


def _check_officers(
    raw: Iterable[object] | str,
    post: Post | None,
    sensitivity_rank: int,
    compartments: list[str],
    errors: Errors,
) -> list[Official]:
    """The officials to assign: case officers at the post, cleared for the case."""
    if isinstance(raw, str):
        add_error(errors, "officer_ids", "must be a list of officials' ids")
        return []
    ids: dict[int, None] = {}
    for value in raw:
        number = as_id(value)
        if number is None:
            add_error(errors, "officer_ids", "must be a list of officials' ids")
            return []
        ids[number] = None
    if not ids or post is None:
        return []
    found = {
        official.pk: official
        for official in Official.objects.filter(pk__in=list(ids)).prefetch_related(
            "roles", "compartments"
        )
    }
    chosen: list[Official] = []
    for number in ids:
        official = found.get(number)
        if official is None:
            add_error(errors, "officer_ids", f"there is no official {number}")
            continue
        at_post = any(
            role.role == Role.CASE_OFFICER and role.post_id == post.pk
            for role in official.roles.all()
        )
        held = {c.code for c in official.compartments.all()}
        if not at_post:
            add_error(
                errors, "officer_ids", f"official {number} is not a case officer at {post.code}"
            )
        elif rank(official.clearance) < sensitivity_rank:
            add_error(
                errors, "officer_ids", f"official {number} is not cleared for the sensitivity"
            )
        elif not set(compartments) <= held:
            add_error(
                errors, "officer_ids", f"official {number} is not read into every compartment"
            )
        else:
            chosen.append(official)
    return chosen


#: The fields of a case that its audit records show.
CASE_AUDIT_FIELDS: Final = [
    "cryptonym",
    "kind",
    "post",
    "sensitivity",
    "opened_at",
    "opened_by",
    "received_at",
    "received_where",
    "request_other",
    "stage",
    "outcome",
    "categories",
    "version",
]


OBLIGATION_AUDIT_FIELDS: Final = [
    "identifier",
    "clause",
    "owner",
    "status",
    "due_at",
    "closed_at",
    "closed_by",
    "evidence",
    "evidence_label",
    "evidence_id",
    "note",
]


def _name_of(official: Official | None) -> str:
    return str(official) if official is not None else "the system"


def _label(value: str, choices: type[models.TextChoices]) -> str:
    return str(choices(value).label) if value in choices.values else value


@dataclass(frozen=True, slots=True)
class Entry:
    """A timeline line to write next to an action's audit record."""

    kind: str
    summary: str
    obj: models.Model | None = None


def _entry(
    case: Case,
    entry: Entry,
    *,
    official: Official | None,
    at: dt.datetime,
    audit_seq: int | None,
) -> TimelineEntry:
    obj = entry.obj if entry.obj is not None else case
    return new(
        TimelineEntry,
        case=case,
        at=at,
        actor=official,
        actor_name=_name_of(official),
        kind=entry.kind,
        summary=entry.summary[:500],
        object_label=obj._meta.label_lower,
        object_id=str(obj.pk),
        audit_seq=audit_seq,
    )


def record_event(
    case: Case,
    *,
    acting_user: AnyUser | None,
    action: str,
    summary: str,
    at: dt.datetime | None = None,
    obj: models.Model | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    decision: policy.Decision | None = None,
    reason: str = "",
    also: Sequence[Entry] = (),
    official: Official | None = None,
    created: Sequence[Obligation] | None = None,
    lines: Lines | None = None,
    drafted: audit.Event | None = None,
) -> TimelineEntry:
    """Write a case action's audit record and its timeline entry (plus the lines in ``also``),
    inside the action's transaction. Every case action calls this — bona fides checks,
    statements, determinations and the rest included — so that the case's timeline shows
    everything. ``summary`` names the case by its cryptonym only: never a true name.
    ``official``: the official ``acting_user`` acts as, when the action has read it already.
    ``created``: the case was created in this transaction and nothing of it is written yet but
    these obligations (and its subject, assessment, note and links): the receivers are told so
    (``cases.signals.case_changed``), and may write from it without reading. ``lines``: the
    timeline lines, this action's first, made before the transaction (:func:`ready_lines`:
    ``also`` is then left out); ``drafted``: the action's audit record, made before it
    (``core.audit.Draft``), recorded instead of one made of the arguments here."""
    moment = moment_of(at)
    if official is None:
        official = acting_official(acting_user)
    # Inside the action's transaction: the notices commit with the change (or not at all).
    # The receivers run first and hand back the audit records of what they wrote (the
    # notices'); those are appended after the change's own, all in one move of the audit head,
    # so that the head (on PostgreSQL, the writers' turn) is taken once their reads are done.
    news: dict[str, Any] = {} if created is None else {"created": True, "obligations": created}
    answers: list[tuple[Any, Any]] = signals.case_changed.send(
        sender=Case, case=case, change=summary, actor=acting_user, **news
    )
    theirs = [
        event
        for _, answer in answers
        if isinstance(answer, list)
        for event in answer
        if isinstance(event, audit.Event)
    ]
    own = drafted or audit.Event(
        actor=acting_user,
        action=action,
        obj=obj if obj is not None else case,
        cryptonym=case.cryptonym,
        before=before,
        after=after,
        decision=decision,
        reason=reason,
    )
    event = audit.record_many([own, *theirs])[0]
    if lines is not None:
        return lines.write(case, summary, event.seq)
    made = [
        _entry(case, line, official=official, at=moment, audit_seq=event.seq)
        for line in (Entry(action, summary, obj), *also)
    ]
    return _TIMELINE.save(made)[0]  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Lines:
    """An action's timeline lines made before its transaction (:func:`ready_lines`): the
    entries, what each is about (None: the case), and their rows converted but their case,
    the first line's summary (which names the case by its cryptonym), the key of what each is
    about and the audit record's ``seq`` (:meth:`write`)."""

    entries: tuple[TimelineEntry, ...]
    about: tuple[models.Model | None, ...]
    rows: Ready

    def write(self, case: Case, summary: str, seq: int) -> TimelineEntry:
        """Write the lines of ``case`` (saved, as what they are about), the first saying
        ``summary``, with the audit record's ``seq``: the rows :func:`_entry` makes of the
        same lines; the first line back."""
        for entry, about in zip(self.entries, self.about, strict=True):
            relate(entry, "case", case)
            entry.object_id = str((about if about is not None else case).pk)
            entry.audit_seq = seq
        self.entries[0].summary = summary[:500]
        _TIMELINE.write(self.rows)
        return self.entries[0]


#: What :class:`Lines` leaves to the transaction of its rows.
_LATER: Final = ("case", "summary", "object_id", "audit_seq")


def ready_lines(
    action: str,
    also: Sequence[Entry],
    *,
    official: Official | None,
    at: dt.datetime,
    obj: models.Model | None = None,
) -> Lines:
    """The timeline lines :func:`record_event` writes of an ``action`` on a case not saved yet
    (its first line, of ``obj`` or the case, then ``also``), made before the transaction: as
    :func:`_entry` makes them but for what :meth:`Lines.write` gives."""
    lines = (Entry(action, "", obj), *also)
    name = _name_of(official)
    entries = tuple(
        new(
            TimelineEntry,
            case=None,
            at=at,
            actor=official,
            actor_name=name,
            kind=line.kind,
            summary=line.summary[:500],
            object_label=(line.obj._meta if line.obj is not None else Case._meta).label_lower,
            object_id="",
            audit_seq=None,
        )
        for line in lines
    )
    return Lines(entries, tuple(line.obj for line in lines), _TIMELINE.ready(entries, later=_LATER))


#: The timeline's insert, built once (``core.inserts``): the rows ``bulk_create`` writes.
_TIMELINE: Final = Insert(TimelineEntry)


def stale_message(case: Case, expected: int) -> str:
    """What a 409 says: who changed the case, when, and what to do."""
    who = _name_of(case.changed_by) if case.changed_by_id else "someone"
    when = (
        timezone.localtime(case.changed_at).strftime("%d %b %Y %H:%M %Z")
        if case.changed_at
        else "an earlier time"
    )
    return (
        f"This case was changed by {who} at {when} since you opened it (it is at version "
        f"{case.version}; you had version {expected}); reload to see the changes."
    )


def find_case(acting_user: AnyUser | None, case_id: int | str, action: Action) -> Case:
    """The case, if ``acting_user`` may see it (else :class:`NotFound`) and ``action`` it (else
    :class:`PermissionDenied`)."""
    number = as_id(case_id)
    if number is None:
        raise NotFound("no such case")
    case = get_for(
        acting_user, Action.VIEW, Case.objects.select_related("post"), number, what="case"
    )
    if action != Action.VIEW and not can(acting_user, action, case):
        raise PermissionDenied(
            "you may see this case but not change it; its assigned case officers, the post's "
            "committee and its senior US representative may"
        )
    return case


def find_case_to_handle(acting_user: AnyUser | None, case_id: int | str) -> Case:
    """:func:`find_case` to change it, for handling (``6b(3)``: bona fides, tasks, moves):
    refused (:class:`PermissionDenied`) to those who may change the case without handling it
    (the senior US representative)."""
    case = find_case(acting_user, case_id, Action.CHANGE)
    if not case_handled_by(acting_user, case):
        raise PermissionDenied(
            "the case's committee and its assigned case officers handle it (6b(3)); the "
            "senior US representative determines its political risk (7a)"
        )
    return case


def case_handled_by(acting_user: AnyUser | None, case: Case) -> bool:
    return case.post_id in principal_for(acting_user).posts_with(*HANDLING_ROLES)


def claim_case(
    case: Case,
    expected_version: int,
    *,
    acting_user: AnyUser | None,
    at: dt.datetime,
) -> Case:
    """Raise the case's version from ``expected_version`` by one — or :class:`Conflict` when
    someone changed it since — and return the case as it now stands (its row locked for the
    rest of the transaction on PostgreSQL). Call it inside the action's transaction, after
    validating the input and before reading the state the change depends on."""
    official = acting_official(acting_user)
    claimed = Case.objects.filter(pk=case.pk, version=expected_version).update(
        version=F("version") + 1, changed_at=at, changed_by=official
    )
    current = Case.objects.select_related("post", "changed_by__user").get(pk=case.pk)
    if not claimed:
        raise Conflict(
            stale_message(current, expected_version),
            data={
                "version": current.version,
                "changed_by": _name_of(current.changed_by) if current.changed_by_id else "",
                "changed_at": current.changed_at.isoformat() if current.changed_at else "",
            },
        )
    return current
