"""Traces on a case (``6b(3)(b)``), through the actions: what is found, who sees which hit, the
IDC told of hidden ones by cryptonym, the marks, and the conclusion on the bona fides
checklist; and the trace every intake runs by itself."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection

from defector.cases.choices import BonaFidesCheckKind, CheckResult
from defector.cases.models import BonaFidesCheck, Case
from defector.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from defector.core.models import AuditEvent
from defector.notifications.choices import NoticeKind
from defector.notifications.models import Notice
from defector.traces import actions, queries
from defector.traces.actions import intake
from defector.traces.choices import HitKind, HitMark, TraceKind
from defector.traces.models import Hit, Trace

pytestmark = pytest.mark.django_db

OpenCase = Callable[..., Case]
NOSENKO = "Yuriy Ivanovich Nosenko"


def _version(case: Case) -> int:
    case.refresh_from_db()
    return case.version


def test_a_trace_finds_the_same_name_on_a_watch_list(
    liaison: Path, officer: User, open_case: OpenCase
) -> None:
    case = open_case(true_name="Jan Kowalski")
    trace = actions.run_trace(acting_user=officer, case_id=case.pk)
    view = queries.describe(officer, trace)
    assert view.hits[0].kind == HitKind.WATCHLIST
    assert view.hits[0].reference == "B-7"
    assert view.hits[0].source == "liaison-1964"
    assert view.hits[0].reasons
    assert 0 <= view.hits[0].score <= 1
    assert trace.run_by is not None


def test_a_name_given_is_traced_and_sealed_with_the_trace(
    liaison: Path, officer: User, open_case: OpenCase
) -> None:
    case = open_case()
    trace = actions.run_trace(acting_user=officer, case_id=case.pk, name="Jan Kowalski")
    assert [hit.reference for hit in queries.describe(officer, trace).hits] == ["B-7"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT query_names FROM traces_trace WHERE id = %s", [trace.pk])
        raw = cursor.fetchone()[0]
    assert raw.startswith("v1.")
    assert "Kowalski" not in raw


def test_a_bad_query_is_refused_with_its_field(officer: User, open_case: OpenCase) -> None:
    case = open_case()
    with pytest.raises(InvalidInput) as refused:
        actions.run_trace(
            acting_user=officer, case_id=case.pk, name="Jan", dob="1950-13", nationality="XX"
        )
    assert {error["field"] for error in refused.value.errors} == {"dob", "nationality"}
    assert not Trace.objects.filter(kind=TraceKind.MANUAL).exists()


def test_a_subject_on_a_case_the_user_sees_is_shown(officer: User, open_case: OpenCase) -> None:
    earlier = open_case(true_name=NOSENKO)
    case = open_case(true_name=NOSENKO)
    trace = actions.run_trace(acting_user=officer, case_id=case.pk)
    view = queries.describe(officer, trace)
    assert [(hit.kind, hit.cryptonym) for hit in view.hits] == [
        (HitKind.SUBJECT, earlier.cryptonym)
    ]
    assert view.told == 0
    assert view.hits[0].matched == ""  # a subject's names are never kept with a hit


def test_a_hit_on_a_case_the_user_may_not_see_is_hidden_and_the_idc_told(
    officer: User,
    idc: User,
    open_case: OpenCase,
    open_bonn_case: OpenCase,
    committed: Callable[[], Any],
) -> None:
    at_bonn = open_bonn_case(true_name=NOSENKO)
    case = open_case(true_name=NOSENKO)
    with committed():
        trace = actions.run_trace(acting_user=officer, case_id=case.pk)
    view = queries.describe(officer, trace)
    assert view.hits == []
    assert view.told == 1
    notice = Notice.objects.get(kind=NoticeKind.TRACE)
    assert notice.recipient.user == idc
    assert notice.summary.startswith(
        f"A name trace at VIENNA on {case.cryptonym} matched a subject at BONN "
        f"({at_bonn.cryptonym})"
    )
    assert "Nosenko" not in notice.summary
    # The IDC, who sees both cases, sees the hit.
    assert [hit.cryptonym for hit in queries.describe(idc, trace).hits] == [at_bonn.cryptonym]


def test_a_hidden_hit_cannot_be_marked_by_the_user(
    officer: User, open_case: OpenCase, open_bonn_case: OpenCase
) -> None:
    open_bonn_case(true_name=NOSENKO)
    case = open_case(true_name=NOSENKO)
    trace = actions.run_trace(acting_user=officer, case_id=case.pk)
    hidden = Hit.objects.get(trace=trace)
    with pytest.raises(NotFound):
        actions.mark_hit(
            acting_user=officer, case_id=case.pk, trace_id=trace.pk, hit_id=hidden.pk, mark="match"
        )


def test_marks_are_audited_and_feed_the_bona_fides_checklist(
    liaison: Path, officer: User, open_case: OpenCase
) -> None:
    case = open_case(true_name="Jan Kowalski")
    trace = actions.run_trace(acting_user=officer, case_id=case.pk)
    hit = queries.describe(officer, trace).hits[0]
    marked = actions.mark_hit(
        acting_user=officer, case_id=case.pk, trace_id=trace.pk, hit_id=hit.id, mark="match"
    )
    assert marked.mark == HitMark.MATCH
    assert marked.marked_by is not None
    event = AuditEvent.objects.get(action="traces.hit.mark")
    assert event.cryptonym == case.cryptonym
    assert event.after["mark"] == "match"
    concluded = actions.conclude_trace(
        acting_user=officer,
        case_id=case.pk,
        trace_id=trace.pk,
        expected_version=_version(case),
        result=CheckResult.INCONSISTENT,
    )
    check = BonaFidesCheck.objects.get(pk=concluded.check_record_id)
    assert check.kind == BonaFidesCheckKind.NAME_TRACES
    assert check.result == CheckResult.INCONSISTENT
    assert "liaison-1964 B-7" in check.finding
    assert "Kowalski" not in check.finding
    with pytest.raises(Conflict):
        actions.mark_hit(
            acting_user=officer, case_id=case.pk, trace_id=trace.pk, hit_id=hit.id, mark="no_match"
        )


def test_a_trace_is_concluded_only_once_every_hit_is_marked(
    liaison: Path, officer: User, open_case: OpenCase
) -> None:
    case = open_case(true_name="Jan Kowalski")
    trace = actions.run_trace(acting_user=officer, case_id=case.pk)
    with pytest.raises(InvalidInput):
        actions.conclude_trace(
            acting_user=officer,
            case_id=case.pk,
            trace_id=trace.pk,
            expected_version=_version(case),
            result=CheckResult.CONSISTENT,
        )
    assert not BonaFidesCheck.objects.exists()


def test_only_those_who_do_the_bona_fides_work_run_traces(
    idc: User, invited: User, officer: User, open_case: OpenCase, open_bonn_case: OpenCase
) -> None:
    case = open_case()
    with pytest.raises(PermissionDenied):
        actions.run_trace(acting_user=idc, case_id=case.pk)
    with pytest.raises(NotFound):
        actions.run_trace(acting_user=officer, case_id=open_bonn_case().pk)


def test_intake_indexes_and_traces_the_subject_and_flags_an_earlier_appearance(
    officer: User,
    idc: User,
    open_case: OpenCase,
    open_bonn_case: OpenCase,
    committed: Callable[[], Any],
) -> None:
    with committed():
        earlier = open_bonn_case(true_name="Yuri Nosenko", aliases="Yura Nosenko")
    assert not Notice.objects.filter(kind=NoticeKind.TRACE).exists()
    again = open_bonn_case(true_name="Yuri Nosenko")
    with committed():
        case = open_case(true_name="Yuri Nosenko")
    trace = Trace.objects.get(case=case)
    assert trace.kind == TraceKind.INTAKE
    told = f"A name trace at intake at VIENNA on {case.cryptonym} matched a subject at BONN"
    notices = Notice.objects.filter(
        kind=NoticeKind.TRACE, recipient__user=idc, summary__startswith=told
    )
    assert sorted(notice.summary[len(told) + 2 :].split(")")[0] for notice in notices) == sorted(
        [earlier.cryptonym, again.cryptonym]
    )
    # One audit record per case matched, in the trace's own transaction, after its record.
    trace_event = AuditEvent.objects.filter(action="traces.trace.run", object_id=str(trace.pk))
    actions_after = list(
        AuditEvent.objects.filter(seq__gte=trace_event.get().seq)
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions_after == ["traces.trace.run", *["notifications.notice.create"] * 2]
    # The case officer at VIENNA sees only that Washington has been told.
    view = queries.describe(officer, trace)
    assert view.hits == []
    assert view.told == 2


def test_the_intake_trace_also_searches_the_watch_lists(
    liaison: Path, officer: User, open_case: OpenCase, committed: Callable[[], Any]
) -> None:
    with committed():
        case = open_case(true_name="Jan Kowalski")
    view = queries.describe(officer, Trace.objects.get(case=case))
    assert [hit.reference for hit in view.hits] == ["B-7"]
    assert not Notice.objects.filter(kind=NoticeKind.TRACE).exists()


def test_on_sqlite_an_intakes_trace_is_written_in_its_transaction_after_the_cases_record(
    liaison: Path, officer: User, open_case: OpenCase, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        case = open_case(true_name="Jan Kowalski")
    inside = connection.vendor == "sqlite"
    assert Trace.objects.filter(case=case).exists() == inside
    for callback in after_commit:
        callback()
    trace = Trace.objects.get(case=case)
    assert trace.kind == TraceKind.INTAKE
    assert [hit.reference for hit in Hit.objects.filter(trace=trace)] == ["B-7"]
    opened = AuditEvent.objects.get(action="cases.case.open", cryptonym=case.cryptonym)
    traced = AuditEvent.objects.get(action="traces.trace.run", object_id=str(trace.pk))
    after_opened = list(
        AuditEvent.objects.filter(seq__gt=opened.seq).order_by("seq").values_list("action")
    )
    assert after_opened[-1] == ("traces.trace.run",)
    assert traced.seq > opened.seq
    if inside:  # appended with the case's record: the same moment
        assert traced.at == opened.at


def test_an_intake_trace_that_fails_in_the_transaction_is_run_after_the_commit(
    liaison: Path,
    officer: User,
    open_case: OpenCase,
    committed: Callable[[], Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = actions.traces.search.search_watchlists
    calls: list[int] = []

    def broken_once(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the matcher broke once")
        return real(*args, **kwargs)

    monkeypatch.setattr(actions.traces.search, "search_watchlists", broken_once)
    with committed():
        case = open_case(true_name="Jan Kowalski")
    if connection.vendor == "sqlite":  # failed in the transaction, then run after the commit
        assert len(calls) == 2
        trace = Trace.objects.get(case=case)
        assert [hit.reference for hit in Hit.objects.filter(trace=trace)] == ["B-7"]
    else:  # run after the commit only, and failed there
        assert len(calls) == 1
        assert not Trace.objects.filter(case=case).exists()


def test_a_failing_intake_trace_never_undoes_the_intake(
    officer: User,
    open_case: OpenCase,
    committed: Callable[[], Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> list[object]:
        raise RuntimeError("the matcher broke")

    monkeypatch.setattr(actions.traces.search, "search_watchlists", broken)
    # A trace whose search ahead found nothing (SQLite) is written without searching again.
    monkeypatch.setattr(intake, "save_trace", broken)
    with committed():
        case = open_case(true_name="Jan Kowalski")
    assert Case.objects.filter(pk=case.pk).exists()
    assert not Trace.objects.filter(case=case).exists()


def test_the_idc_notice_links_the_case_that_matched(
    officer: User,
    idc: User,
    open_case: OpenCase,
    open_bonn_case: OpenCase,
    committed: Callable[[], Any],
) -> None:
    at_bonn = open_bonn_case(true_name=NOSENKO)
    case = open_case(true_name=NOSENKO)
    with committed():
        actions.run_trace(acting_user=officer, case_id=case.pk)
    notice = Notice.objects.get(kind=NoticeKind.TRACE)
    assert notice.link == f"/cases/{at_bonn.pk}/"


def test_a_hit_on_a_compartment_the_user_does_not_hold_is_hidden(
    officer: User, cia_member: User, open_case: OpenCase
) -> None:
    compartmented = open_case(true_name=NOSENKO, compartments=["ALPHA"])
    case = open_case(true_name=NOSENKO)
    trace = actions.run_trace(acting_user=cia_member, case_id=case.pk)
    view = queries.describe(cia_member, trace)
    assert compartmented.cryptonym not in [hit.cryptonym for hit in view.hits]
    assert view.told == 1
    # The case officer, read into ALPHA, sees it on the same trace.
    assert [hit.cryptonym for hit in queries.describe(officer, trace).hits] == [
        compartmented.cryptonym
    ]
