"""The traces pages: the case page's "Name traces" section, a case's traces, one trace with its
ranked hits and match / no-match buttons, its conclusion; and the IDC's watch lists."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from defector.cases.models import BonaFidesCheck, Case
from defector.traces.choices import HitMark, TraceKind
from defector.traces.models import Hit, Trace, WatchlistSource

from .conftest import LIAISON

pytestmark = pytest.mark.django_db

OpenCase = Callable[..., Case]
ClientFor = Callable[[User], Client]


def _post(client: Client, url: str, data: dict[str, object], page: str) -> object:
    client.get(page)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def test_the_case_page_links_the_traces_for_those_who_do_bona_fides_work(
    client_for: ClientFor, officer: User, idc: User, open_case: OpenCase
) -> None:
    case = open_case()
    page = client_for(officer).get(reverse("cases:tab", args=[case.pk, "name-traces"]))
    assert 'data-section="name-traces"' in page.content.decode()
    assert reverse("traces:case", args=[case.pk]) in page.content.decode()
    seen_by_idc = client_for(idc).get(reverse("cases:detail", args=[case.pk]))
    assert seen_by_idc.status_code == 200
    assert 'data-tab="name-traces"' not in seen_by_idc.content.decode()
    assert (
        client_for(idc).get(reverse("cases:tab", args=[case.pk, "name-traces"])).status_code == 404
    )


def test_the_traces_page_answers_by_access(
    client_for: ClientFor,
    officer: User,
    idc: User,
    bonn_member: User,
    open_case: OpenCase,
) -> None:
    case = open_case()
    url = reverse("traces:case", args=[case.pk])
    assert client_for(officer).get(url).status_code == 200
    assert client_for(idc).get(url).status_code == 403
    assert client_for(bonn_member).get(url).status_code == 404


def test_running_marking_and_concluding_a_trace_on_the_pages(
    client_for: ClientFor, officer: User, open_case: OpenCase, liaison: Path
) -> None:
    case = open_case(true_name="Jan Kowalski")
    client = client_for(officer)
    page = reverse("traces:case", args=[case.pk])
    answer = _post(client, page, {"name": ""}, page)
    trace = Trace.objects.get(case=case, kind=TraceKind.MANUAL)
    trace_url = reverse("traces:trace", args=[case.pk, trace.pk])
    assert answer.status_code == 302
    assert answer["Location"] == trace_url
    shown = client.get(trace_url).content.decode()
    assert "B-7" in shown
    assert "liaison-1964" in shown
    assert "data-mark-match" in shown
    assert "data-mark-no-match" in shown
    hit = Hit.objects.get(trace=trace)
    conclude = reverse("traces:conclude", args=[case.pk, trace.pk])
    case.refresh_from_db()
    refused = _post(client, conclude, {"result": "consistent", "version": case.version}, trace_url)
    assert refused.status_code == 200  # type: ignore[attr-defined]
    assert "mark every hit" in refused.content.decode().lower()  # type: ignore[attr-defined]
    mark = reverse("traces:mark", args=[case.pk, trace.pk, hit.pk])
    _post(client, mark, {"mark": "no_match"}, trace_url)
    hit.refresh_from_db()
    assert hit.mark == HitMark.NO_MATCH
    case.refresh_from_db()
    done = _post(client, conclude, {"result": "consistent", "version": case.version}, trace_url)
    assert done.status_code == 302  # type: ignore[attr-defined]
    check = BonaFidesCheck.objects.get(case=case)
    assert check.kind == "name_traces"
    assert check.result == "consistent"
    assert "data-concluded" in client.get(trace_url).content.decode()


def test_a_hit_on_a_hidden_case_shows_only_that_washington_was_told(
    client_for: ClientFor, officer: User, open_case: OpenCase, open_bonn_case: OpenCase
) -> None:
    hidden = open_bonn_case(true_name="Yuri Nosenko")
    case = open_case(true_name="Yuri Nosenko")
    client = client_for(officer)
    page = reverse("traces:case", args=[case.pk])
    _post(client, page, {"name": ""}, page)
    trace = Trace.objects.get(case=case)
    shown = client.get(reverse("traces:trace", args=[case.pk, trace.pk])).content.decode()
    assert "data-idc-told" in shown
    assert "Washington" in shown
    assert hidden.cryptonym not in shown
    # The reader's own case's cryptonym is made at random and may hold the letters (YRBONNET).
    assert "BONN" not in shown.replace(case.cryptonym, "")


def test_the_idc_manages_watch_lists_on_its_page(client_for: ClientFor, idc: User) -> None:
    client = client_for(idc)
    page = reverse("traces:watchlists")
    assert client.get(page).status_code == 200
    bad = SimpleUploadedFile("bad.csv", b"reference,name\nA,\n", "text/csv")
    refused = _post(client, page, {"file": bad}, page)
    assert refused.status_code == 200  # type: ignore[attr-defined]
    assert "line 2, column 2 (name)" in refused.content.decode()  # type: ignore[attr-defined]
    assert not WatchlistSource.objects.exists()
    good = SimpleUploadedFile("liaison-1964.csv", LIAISON.encode(), "text/csv")
    answer = _post(client, page, {"file": good}, page)
    source = WatchlistSource.objects.get()
    assert answer["Location"] == reverse("traces:watchlist", args=[source.pk])  # type: ignore[index]
    detail = client.get(reverse("traces:watchlist", args=[source.pk])).content.decode()
    assert "Юрий Иванович Носенко" in detail
    assert "3 entries" in detail
    listed = client.get(page).content.decode()
    assert 'data-source="liaison-1964"' in listed
    _post(client, reverse("traces:watchlist-delete", args=[source.pk]), {}, page)
    assert not WatchlistSource.objects.exists()


def test_watch_list_pages_do_not_exist_for_others(
    client_for: ClientFor, officer: User, chair: User
) -> None:
    assert client_for(officer).get(reverse("traces:watchlists")).status_code == 404
    assert client_for(chair).get(reverse("traces:watchlists")).status_code == 404
