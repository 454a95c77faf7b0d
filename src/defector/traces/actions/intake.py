"""The trace at intake (``6b(3)(b)``) inside the intake's own transaction, where that keeps its
guarantee: two walk-ins of one name received at once find each other (the later one's trace
finds the earlier one's subject).

It holds after the commit on every database: each trace searches after its own intake
committed, so the later of two searches sees the other intake. On SQLite it holds inside the
transaction too: the database lets one writer in at a time, from the ``BEGIN IMMEDIATE`` to
the commit, so an intake's search there sees every intake committed before it, and none can
commit meanwhile. There the trace is written in the intake's transaction (one commit instead
of two, its audit record appended with the case's: one move of the audit head). On PostgreSQL
two transactions do not see each other's rows until they commit: the trace stays after the
commit (``trace_at_intake``).
"""

from __future__ import annotations

import logging

from django.db import connections, router, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from defector.cases.models import Case, Subject
from defector.core import audit
from defector.core.users import AnyUser
from defector.traces.actions.traces import (
    _to_tell,
    find,
    keep_at_intake,
    keep_trace,
    subject_identity,
)
from defector.traces.choices import TraceKind
from defector.traces.matching import Identity
from defector.traces.search import Found

logger = logging.getLogger(__name__)


def writers_take_turns() -> bool:
    """Whether the cases' database lets one writer in at a time (SQLite): an intake's trace
    may then run in its transaction."""
    return connections[router.db_for_write(Case)].vendor == "sqlite"


@sensitive_variables("identity")
def trace_in_intake(
    *,
    case: Case,
    subject: Subject,
    nationality: str | None,
    acting_user: AnyUser | None,
) -> list[audit.Event] | None:
    """Trace the intake's subject in its transaction (on SQLite: :func:`writers_take_turns`),
    in a savepoint: the trace written, its audit record handed back for the intake to append
    after its own. When the IDC is to be told of a hit, the trace is kept after the commit
    as before (its notices and their records after the case's), from this search. ``None``
    when it failed (logged, the savepoint rolled back, the intake untouched): the trace after
    the commit is then run instead."""
    try:
        with transaction.atomic():
            identity = subject_identity(case, subject, nationality)
            if identity is None:
                return []
            found = find(case, identity, subject)
            if _to_tell(found, acting_user, TraceKind.INTAKE):
                transaction.on_commit(
                    lambda: _keep_after_commit(case, identity, found, acting_user), robust=True
                )
                return []
            events: list[audit.Event] = []
            keep_trace(
                case,
                identity,
                found,
                kind=TraceKind.INTAKE,
                acting_user=acting_user,
                moment=timezone.now(),
                events=events,
            )
            return events
    except Exception:  # a trace that fails must not undo the intake
        logger.exception("the name trace at intake failed for case %s", case.pk)
        return None


@sensitive_variables("identity")
def _keep_after_commit(
    case: Case, identity: Identity, found: list[Found], acting_user: AnyUser | None
) -> None:
    try:
        keep_at_intake(case, identity, found, acting_user)
    except Exception:  # the case is committed; a trace that fails must not undo the answer
        logger.exception("the name trace at intake failed for case %s", case.pk)
