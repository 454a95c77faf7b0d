"""What the traces app does when the cases app gives a subject names (``cases.signals``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from defector.cases.models import Case, Subject
from defector.core.users import AnyUser
from defector.traces import actions


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
    watch lists and every case's subject once it has committed (``6b(3)(b)``), with the case
    and subject in hand (as committed: not read again), and the case's first nationality when
    the sender gives it (``""``: none)."""
    actions.index_subject(subject, created=created)
    case_id = case.pk
    transaction.on_commit(
        lambda: actions.trace_at_intake(
            case_id=case_id,
            acting_user=actor,
            case=case,
            subject=subject,
            nationality=nationality,
        ),
        robust=True,
    )
