"""The traces API (``/api/v1/traces``): running a trace on a case, listing and marking its hits,
concluding it; and the IDC's watch lists (list, upload with the file's validation, view,
delete)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from defector.cases.models import Case
from defector.core.models import AuditEvent
from defector.traces.models import WatchlistEntry, WatchlistSource
from support.api import Api

from .conftest import LIAISON

pytestmark = pytest.mark.django_db

OpenCase = Callable[..., Case]
ApiFor = Callable[[User], Api]


def _upload(api: Api, text: str, name: str = "liaison-1964.csv", **form: str) -> Any:
    upload = SimpleUploadedFile(name, text.encode("utf-8"), "text/csv")
    return api.client.post(
        api.prefix + "/watchlists",
        {"file": upload, **form},
        headers={"Authorization": f"Bearer {api.token}"},
    )


def test_a_trace_runs_through_the_api_and_its_hits_are_marked(
    api: ApiFor, officer: User, open_case: OpenCase, liaison: Path
) -> None:
    case = open_case(true_name="Jan Kowalski")
    client = api(officer)
    answer = client.post(f"/cases/{case.pk}/traces", {})
    assert answer.status_code == 201, answer.content
    trace = answer.json()
    assert trace["cryptonym"] == case.cryptonym
    assert trace["kind"] == "manual"
    hit = trace["hits"][0]
    assert (hit["kind"], hit["source"], hit["reference"]) == ("watchlist", "liaison-1964", "B-7")
    assert 0 <= hit["score"] <= 1
    assert hit["reasons"]
    assert trace["pending"] == len(trace["hits"])
    marked = client.post(
        f"/cases/{case.pk}/traces/{trace['id']}/hits/{hit['id']}/mark", {"mark": "match"}
    )
    assert marked.status_code == 200, marked.content
    assert marked.json()["hits"][0]["mark"] == "match"
    listed = client.get(f"/cases/{case.pk}/traces").json()["items"]
    # The intake's own trace is listed too where it ran in the intake's transaction (SQLite).
    assert [item["id"] for item in listed if item["kind"] == "manual"] == [trace["id"]]
    case.refresh_from_db()
    concluded = client.post(
        f"/cases/{case.pk}/traces/{trace['id']}/conclude",
        {"expected_version": case.version, "result": "inconclusive"},
    )
    assert concluded.status_code == 200, concluded.content
    assert concluded.json()["check_id"]


def test_a_trace_of_a_name_given_is_validated(
    api: ApiFor, officer: User, open_case: OpenCase
) -> None:
    case = open_case()
    answer = api(officer).post(f"/cases/{case.pk}/traces", {"name": "Jan", "dob": "1950-99"})
    assert answer.status_code == 422
    assert [error["field"] for error in answer.json()["errors"]] == ["dob"]


def test_a_bad_mark_is_refused(
    api: ApiFor, officer: User, open_case: OpenCase, liaison: Path
) -> None:
    case = open_case(true_name="Jan Kowalski")
    client = api(officer)
    trace = client.post(f"/cases/{case.pk}/traces", {}).json()
    hit = trace["hits"][0]["id"]
    answer = client.post(f"/cases/{case.pk}/traces/{trace['id']}/hits/{hit}/mark", {"mark": "yes"})
    assert answer.status_code == 422


def test_those_who_only_see_the_case_are_refused_and_others_get_404(
    api: ApiFor, officer: User, idc: User, bonn_member: User, open_case: OpenCase
) -> None:
    case = open_case()
    assert api(idc).post(f"/cases/{case.pk}/traces", {}).status_code == 403
    assert api(idc).get(f"/cases/{case.pk}/traces").status_code == 403
    assert api(bonn_member).get(f"/cases/{case.pk}/traces").status_code == 404


def test_a_hit_on_a_hidden_case_is_left_out_of_the_answer(
    api: ApiFor, officer: User, open_case: OpenCase, open_bonn_case: OpenCase
) -> None:
    open_bonn_case(true_name="Yuri Nosenko")
    case = open_case(true_name="Yuri Nosenko")
    trace = api(officer).post(f"/cases/{case.pk}/traces", {}).json()
    assert trace["hits"] == []
    assert trace["idc_told"] == 1


# --- watch lists ------------------------------------------------------------------------------


def test_the_idc_uploads_lists_and_deletes_a_list(api: ApiFor, idc: User) -> None:
    client = api(idc)
    answer = _upload(client, LIAISON)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["source"]["name"] == "liaison-1964"
    assert (body["entries"], body["names"], body["replaced"]) == (3, 6, 0)
    again = _upload(client, "reference,name\nZ,Ivan Petrov\n", source="liaison-1964")
    assert again.json()["replaced"] == 3
    listed = client.get("/watchlists").json()["items"]
    assert [(item["name"], item["entries"]) for item in listed] == [("liaison-1964", 1)]
    source_id = listed[0]["id"]
    assert client.get(f"/watchlists/{source_id}").json()["names"] == 1
    deleted = client.client.delete(
        f"{client.prefix}/watchlists/{source_id}",
        headers={"Authorization": f"Bearer {client.token}"},
    )
    assert deleted.status_code == 204
    assert not WatchlistSource.objects.exists()
    assert AuditEvent.objects.filter(action="traces.watchlistsource.delete").exists()


def test_an_upload_with_bad_rows_is_refused_whole_with_lines_and_columns(
    api: ApiFor, idc: User
) -> None:
    answer = _upload(api(idc), "reference,name,nationality\nA,Good,SU\nB,Bad,ZZ\n")
    assert answer.status_code == 422
    messages = [error["message"] for error in answer.json()["errors"]]
    assert messages == [
        "line 3, column 3 (nationality): unknown country code 'ZZ'; use ISO 3166-1 alpha-2"
    ]
    assert not WatchlistEntry.objects.exists()


def test_watch_lists_do_not_exist_for_anyone_but_the_idc(
    api: ApiFor, officer: User, chair: User
) -> None:
    assert api(officer).get("/watchlists").status_code == 404
    assert _upload(api(chair), LIAISON).status_code == 404
    assert not WatchlistSource.objects.exists()
