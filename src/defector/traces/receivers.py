"""What the traces app does when the cases app gives a subject names (``cases.signals``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from django.db import transaction

from defector.cases.models import Case, Subject
from defector.core import audit
from defector.core.users import AnyUser
from defector.traces import actions
from defector.traces.actions.intake import (
    ahead_of,
    prepare_at_intake,
    trace_in_intake,
    writers_take_turns,
)

#: Where a case in hand keeps the trace its subject's naming left for its change's record.
_PENDING: Final = "_defector_trace_pending"


@dataclass(slots=True)
class _Pending:
    """A trace to run: in the intake's transaction when its record is written (SQLite), else
    after the commit."""

    subject: Subject
    actor: AnyUser | None
    nationality: str | None
    traced: bool = False


def on_subject_to_name(
    sender: type[Subject],
    *,
    subject: Subject,
    nationality: str | None = None,
    **kwargs: Any,
) -> None:
    """Before the intake's transaction: the names' digests, and on SQLite the trace's search
    ahead, kept on the subject (``traces.actions.intake.prepare_at_intake``)."""
    prepare_at_intake(subject, nationality)


def on_subject_named(
    sender: type[Subject],
    *,
    subject: Subject,
    case: Case,
    actor: AnyUser | None = None,
    created: bool = False,
    nationality: str | None = None,
    **kwargs: Any,
) -> None:
    """Index the subject's names in the intake's own transaction, and trace them against the
    watch lists and every case's subject (``6b(3)(b)``), with the case and subject in hand
    (as committed: not read again), and the case's first nationality when the sender gives it
    (``""``: none): where writers take turns (SQLite), when the case's change is recorded in
    that transaction (:func:`on_case_changed`), else once it has committed. The digests
    of the names, made before the transaction (:func:`on_subject_to_name`), are written as
    they are."""
    ahead = ahead_of(subject) if created else None
    actions.index_subject(
        subject, created=created, digests=ahead.digests if ahead is not None else None
    )
    pending = _Pending(subject=subject, actor=actor, nationality=nationality)
    if writers_take_turns():
        case.__dict__[_PENDING] = pending
    case_id = case.pk
    transaction.on_commit(
        lambda: (
            None
            if pending.traced
            else actions.trace_at_intake(
                case_id=case_id,
                acting_user=actor,
                case=case,
                subject=subject,
                nationality=nationality,
            )
        ),
        robust=True,
    )


def on_case_changed(
    sender: type[Case], *, case: Case | None = None, **kwargs: Any
) -> list[audit.Event] | None:
    """The case's change is being recorded (``cases.signals.case_changed``): the trace its
    subject's naming left (SQLite) runs now, in the same transaction, and its audit record is
    handed back to be appended after the change's own; none left, nothing done."""
    pending: _Pending | None = case.__dict__.pop(_PENDING, None) if case is not None else None
    if case is None or pending is None or pending.subject.case_id != case.pk:
        return None
    events = trace_in_intake(
        case=case,
        subject=pending.subject,
        nationality=pending.nationality,
        acting_user=pending.actor,
    )
    pending.traced = events is not None
    return events
