"""What an intake writes, made before its transaction (``6b(1)``): the case, its subject and
its first note, their rows converted (``core.inserts.Insert.ready``) but for what only the
transaction knows — the case's cryptonym when the one drawn before is taken (drawn again
there), and the case's key the others refer to. On SQLite the transaction is the writers'
turn every other writer waits for: what is made here is not made in it.

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
from defector.cases.actions.first import relate
from defector.cases.actions.reception import Reception
from defector.cases.models import Case, CaseNote, Subject
from defector.core.inserts import Insert, Ready, new
from defector.core.sealing import sealed_fields
from defector.core.users import AnyUser
from defector.directory.models import Official, Post

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


@dataclass(frozen=True, slots=True)
class Made:
    """An intake's case, subject and first note, made and their rows converted before its
    transaction: the case's row but its cryptonym (converted at each try of its insert), the
    subject's but its case, ``seal_uid`` and sealed values (:data:`SUBJECT_LATER`), the
    note's but its case."""

    case: Case
    case_row: Ready
    subject: Subject
    subject_row: Ready
    note: CaseNote | None = None
    note_row: Ready | None = None


@sensitive_variables("subject")
def make(
    *,
    post: Post,
    sensitivity: str,
    kind: str,
    opener: Official,
    reception: Reception,
    categories: list[str] | None,
    subject: Subject,
    moment: dt.datetime,
) -> Made:
    """The :class:`Made` of an intake at ``moment``: the case as the transaction made it
    (``categories``: its first assessment's, foreseen; None: no assessment), ``subject`` (made
    by :func:`named_subject`), the note of the reception's first note."""
    case = new(
        Case,
        post=post,
        sensitivity=sensitivity,
        kind=kind,
        opened_at=moment,
        opened_by=opener,
        received_at=reception.received,
        received_where=reception.where,
        request_other=reception.other,
        changed_at=moment,
        changed_by=opener,
    )
    if categories is not None:
        case.categories = categories
    note = None
    if reception.first_note:
        note = new(CaseNote, case=None, author=opener, text=reception.first_note, at=moment)
    return Made(
        case,
        CASES.ready([case], later=("cryptonym",)),
        subject,
        SUBJECTS.ready([subject], later=SUBJECT_LATER),
        note,
        NOTES.ready([note], later=("case",)) if note is not None else None,
    )


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
