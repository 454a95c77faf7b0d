"""The trace at intake searched ahead of the intake's transaction (``traces.actions.intake``):
where writers take turns (SQLite) a name that shares no digest with the index is not searched
again in the transaction, yet a walk-in of the same name received in between is found."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from defector.cases.models import Case
from defector.core.models import AuditEvent
from defector.notifications.choices import NoticeKind
from defector.notifications.models import Notice
from defector.traces import receivers
from defector.traces.models import Hit, IndexTerm, Trace

pytestmark = pytest.mark.django_db

OpenCase = Callable[..., Case]


def _after_the_case(queries: CaptureQueriesContext) -> list[str]:
    sql = [query["sql"] for query in queries.captured_queries]
    first = next(n for n, text in enumerate(sql) if text.startswith('INSERT INTO "cases_case"'))
    return sql[first:]


def test_a_name_the_index_does_not_hold_is_not_searched_again_in_the_transaction(
    officer: User, open_case: OpenCase, committed: Callable[[], Any]
) -> None:
    with CaptureQueriesContext(connection) as queries, committed():
        case = open_case(true_name="Oleg Penkovsky")
    inside = _after_the_case(queries)
    searches = [text for text in inside if '"traces_indexterm"' in text and "GROUP BY" in text]
    if connection.vendor == "sqlite":
        assert searches == []
        assert not [text for text in inside if text.startswith("SAVEPOINT")]
    trace = Trace.objects.get(case=case)
    assert not Hit.objects.filter(trace=trace).exists()
    event = AuditEvent.objects.get(action="traces.trace.run", object_id=str(trace.pk))
    assert event.after["hits"] == 0
    assert event.after["idc_told_of"] == []
    assert IndexTerm.objects.filter(subject__case=case).exists()


def test_a_same_name_walk_in_received_after_the_search_ahead_is_found(
    officer: User,
    idc: User,
    open_case: OpenCase,
    open_bonn_case: OpenCase,
    committed: Callable[[], Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another intake of the name commits between the trace's search ahead (which found
    nothing) and the intake's transaction: the trace still finds it, as a search in the
    transaction does."""
    real = receivers.prepare_at_intake
    meanwhile: list[Case] = []

    def then_another(subject: Any, nationality: str | None) -> None:
        real(subject, nationality)
        if not meanwhile:
            meanwhile.append(Case())  # the other intake's own naming does not come here
            meanwhile[0] = open_bonn_case(true_name="Yuri Nosenko")

    monkeypatch.setattr(receivers, "prepare_at_intake", then_another)
    with committed():
        case = open_case(true_name="Yuri Nosenko")
    earlier = meanwhile[0]
    assert earlier.pk != case.pk
    told = Notice.objects.filter(kind=NoticeKind.TRACE, recipient__user=idc)
    assert [notice.summary for notice in told if earlier.cryptonym in notice.summary]
    trace = Trace.objects.get(case=case)
    assert Hit.objects.filter(trace=trace, subject_case=earlier).exists()
