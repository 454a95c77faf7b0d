"""What an intake writes, made before its transaction (``6b(1)``): the case, its subject and
its first note, their rows converted (``core.inserts.Insert.ready``) but for what only the
transaction knows — the case's cryptonym when the one drawn before is taken (drawn again
there), and the case's key the others refer to — and, when its first assessment was made
before too (or it has none), its timeline lines and its audit record, encoded but for the
same (``cases.actions.common.ready_lines``, ``core.audit.Draft``). On SQLite the transaction
is the writers' turn every other writer waits for: what is made here is not made in it.

The subject's identity is still sealed in the transaction: its sealed values are bound to its
``seal_uid`` (``core.sealing.associated_data``), drawn there after the case's cryptonym, which
is drawn again there when the one drawn before is taken. Drawn and sealed before, they would
be drawn before that second cryptonym: nothing a reader could tell, but not the same draws in
the same order (``tests/bench/capture_intake.py`` gives other rows from the first clash on).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

from django.views.decorators.debug import sensitive_variables

from defector import policy
from defector.cases import signals
from defector.cases.actions.common import CASE_AUDIT_FIELDS, Entry, Lines, ready_lines
from defector.cases.actions.facts import Foreseen, Prepared
from defector.cases.actions.first import Planned
from defector.cases.actions.owners import Holders
from defector.cases.actions.reception import Reception
from defector.cases.choices import IDENTITY_FIELDS
from defector.cases.models import Case, CaseNote, Subject
from defector.core import audit
from defector.core.inserts import Insert, Ready, new
from defector.core.instances import relate
from defector.core.sealing import sealed_fields
from defector.core.users import AnyUser
from defector.directory.models import Compartment, Official, Post

#: An intake's inserts, each built once (``core.inserts``): the same rows as ``save()``
#: writes (no receiver listens to these models' ``post_save``).
CASES: Final = Insert(Case, unless_taken=("cryptonym",))
SUBJECTS: Final = Insert(Subject)
NOTES: Final = Insert(CaseNote)

#: The field binding a subject's sealed values to its row (its default draws one).
_SEAL_UID: Final = Subject._meta.get_field("seal_uid")
#: What a subject's row made before the transaction leaves to it: its case, and its
#: ``seal_uid`` and what is sealed bound to it (:func:`give_case`).
SUBJECT_LATER: Final = (
    "case",
    "seal_uid",
    *(field.name for field in sealed_fields(Subject)),
)
#: The audit action of an intake.
OPEN: Final = "cases.case.open"


@dataclass(frozen=True, slots=True)
class Intake:
    """The checked values a case is opened with."""

    post: Post
    sensitivity: str
    kind: str
    codes: list[str]
    compartments: list[Compartment]
    officers: list[Official]
    identity: dict[str, Any]
    parsed: policy.Facts | None
    reception: Reception
    opener: Official
    #: What the first assessment reads, read before the transaction (default: read in it).
    prepared: Prepared | None = None
    #: The post's owners of obligations and committee (``cases.actions.owners``), read before
    #: the transaction: the notices' roster is kept from them (default: read in it).
    holders: Holders | None = None
    #: A cryptonym drawn before the transaction, which a case may hold (default: drawn in it,
    #: among the free ones).
    cryptonym: str = ""
    #: The first assessment foreseen before the transaction (``facts.foresee``; default: in
    #: it).
    foreseen: Foreseen | None = None
    #: The first assessment made before the transaction (``facts.plan_first``; default: made
    #: in it).
    planned: Planned | None = None
    #: The subject made before the transaction, without its case or ``seal_uid``
    #: (:func:`named_subject`; default: made in it, from ``identity``).
    subject: Subject | None = None


@dataclass(frozen=True, slots=True)
class Made:
    """An intake's case, subject and first note, made and their rows converted before its
    transaction: the case's row but its cryptonym (converted at each try of its insert), the
    subject's but its case, ``seal_uid`` and sealed values (:data:`SUBJECT_LATER`), the
    note's but its case; and, when the intake's record is known before (:func:`make`), its
    timeline lines and its audit record."""

    case: Case
    case_row: Ready
    subject: Subject
    subject_row: Ready
    note: CaseNote | None = None
    note_row: Ready | None = None
    lines: Lines | None = None
    draft: audit.Draft | None = None

    def opening(self, case: Case) -> audit.Event | None:
        """The intake's audit record, given what only the transaction knows (the case's key
        and cryptonym, the note's key); None when it was not drafted."""
        if self.draft is None:
            return None
        later: dict[str, Any] = {"cryptonym": case.cryptonym}
        if self.note is not None:
            later["note"] = self.note.pk
        return self.draft.event(object_id=str(case.pk), cryptonym=case.cryptonym, after=later)


@sensitive_variables("intake")
def make(intake: Intake, *, acting_user: AnyUser, moment: dt.datetime) -> Made:
    """The :class:`Made` of ``intake`` at ``moment``: the case as the transaction made it (with
    its first assessment's categories, foreseen), the subject (made by :func:`named_subject`),
    the note of the reception's first note; the timeline lines and the audit record when the
    first assessment was made (``intake.planned``) or there is none, as :func:`after_of` and
    the transaction's ``record_event`` make them."""
    reception, opener = intake.reception, intake.opener
    case = new(
        Case,
        post=intake.post,
        sensitivity=intake.sensitivity,
        kind=intake.kind,
        opened_at=moment,
        opened_by=opener,
        received_at=reception.received,
        received_where=reception.where,
        request_other=reception.other,
        changed_at=moment,
        changed_by=opener,
    )
    if intake.foreseen is not None:
        case.categories = intake.foreseen.categories
    subject = intake.subject or new(Subject, seal_uid=None, **intake.identity)
    note = None
    if reception.first_note:
        note = new(CaseNote, case=None, author=opener, text=reception.first_note, at=moment)
    lines = draft = None
    if intake.planned is not None or intake.parsed is None:
        also = list(intake.planned.entries) if intake.planned is not None else []
        if note is not None:
            also.append(Entry("cases.casenote.add", "Note added", note))
        lines = ready_lines(OPEN, also, official=opener, at=moment)
        after = after_of(intake, case, subject)
        draft = audit.Draft(
            actor=acting_user,
            action=OPEN,
            object_type=Case._meta.label_lower,
            after=after,
            later=("cryptonym", "note") if note is not None else ("cryptonym",),
        )
    return Made(
        case,
        CASES.ready([case], later=("cryptonym",)),
        subject,
        SUBJECTS.ready([subject], later=SUBJECT_LATER),
        note,
        NOTES.ready([note], later=("case",)) if note is not None else None,
        lines,
        draft,
    )


def after_of(intake: Intake, case: Case, subject: Subject) -> dict[str, Any]:
    """What an intake's audit record says the case is (``after``): the case's fields, its
    compartments and officers, its subject's (sealed: marked so), its first assessment's (made
    before the transaction, when made) — but its note, added by the transaction."""
    after: dict[str, Any] = audit.snapshot(case, CASE_AUDIT_FIELDS)
    after["compartments"] = sorted(intake.codes)
    after["officers"] = [official.pk for official in intake.officers]
    after["subject"] = audit.snapshot(subject, list(IDENTITY_FIELDS))
    if intake.planned is not None:
        after |= intake.planned.audit
    return after


@sensitive_variables("identity")
def named_subject(
    identity: dict[str, Any], parsed: policy.Facts | None, acting_user: AnyUser
) -> Subject:
    """The new case's subject, made before the transaction, so that the apps that act on its
    naming prepare what needs no write lock (``signals.subject_to_name``: the traces app's
    digests and search, from its names in clear). Its case and ``seal_uid`` are given in the
    transaction (:func:`give_case`), where its insert seals its identity."""
    subject = new(Subject, seal_uid=None, **identity)
    signals.subject_to_name.send(
        sender=Subject,
        subject=subject,
        actor=acting_user,
        nationality=first_nationality(parsed),
    )
    return subject


def give_case(subject: Subject, case: Case) -> Subject:
    """The subject made by :func:`named_subject`, given its case (saved), as the one-to-one's
    descriptors keep them, and its ``seal_uid``, drawn as its default draws it (after the
    case's cryptonym)."""
    relate(subject, "case", case)
    case._state.fields_cache["subject"] = subject
    subject.seal_uid = _SEAL_UID.get_default()
    return subject


def first_nationality(parsed: policy.Facts | None) -> str:
    """The first nationality of the first assessment (its facts' nationalities are the parsed
    ones), ``""`` when there is none, for the trace."""
    return str(parsed.nationalities[0]) if parsed is not None else ""
