"""The only writers of the traces app (``6b(3)(b)``): watch lists, the blind index, and the
traces on cases. Each action is one transaction with its audit record."""

from defector.traces.actions.index import (
    DEFAULT_BATCH_SIZE,
    count_stale,
    index_entries,
    index_subject,
    reindex,
)
from defector.traces.actions.traces import (
    CONCLUSIONS,
    conclude_trace,
    do_trace,
    mark_hit,
    run_trace,
    subject_identity,
    trace_at_intake,
)
from defector.traces.actions.watchlists import (
    ImportSummary,
    check_may_manage,
    delete_watchlist,
    import_watchlist,
)

__all__ = [
    "CONCLUSIONS",
    "DEFAULT_BATCH_SIZE",
    "ImportSummary",
    "check_may_manage",
    "conclude_trace",
    "count_stale",
    "delete_watchlist",
    "do_trace",
    "import_watchlist",
    "index_entries",
    "index_subject",
    "mark_hit",
    "reindex",
    "run_trace",
    "subject_identity",
    "trace_at_intake",
]
