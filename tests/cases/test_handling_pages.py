"""The handling on the case page and its own pages: the bona fides section (clock, checks,
verdict), the statement (with the signature pad as a static script, the upload as the
keyboard path), tasks — every form explaining its errors, the markup clean for the strict
CSP."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from defector.cases import actions as actions_handling
from defector.cases import sections
from defector.cases.models import BonaFidesCheck, Case, CaseTask, VoluntaryStatement
from defector.cases.views.sections import FORM_SECTIONS
from defector.directory.models import Official

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]
PDF = b"%PDF-1.4\n%%EOF\n"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4//8/AAX+Av4N70a4AAAAAElFTkSuQmCC"
)


class Markup(HTMLParser):
    """What the strict CSP forbids, and ids used twice."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.ids: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script":
            if named.get("src"):
                self.scripts.append(str(named["src"]))
            else:
                self.problems.append("inline script")
        if tag == "style" or "style" in named:
            self.problems.append(f"style on <{tag}>")
        self.problems += [f"{name} on <{tag}>" for name in named if name.startswith("on")]
        if named.get("id"):
            self.ids.append(str(named["id"]))


def clean(response: Any) -> Markup:
    parser = Markup()
    parser.feed(response.content.decode())
    assert parser.problems == []
    assert {i for i in parser.ids if parser.ids.count(i) > 1} == set()
    return parser


def post(client: Client, url: str, data: dict[str, Any], *, page: str) -> Any:
    client.get(page)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


@pytest.fixture(autouse=True)
def handling_sections() -> None:
    """The handling sections as ``CasesConfig.ready`` registers them (another test may have
    replaced one under the same key)."""
    for section in FORM_SECTIONS:
        sections.register_section(section)


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture
def case(open_case: Any, walk_in_facts: dict[str, Any]) -> Case:
    return open_case(facts=walk_in_facts)


def version(case: Case) -> int:
    case.refresh_from_db()
    return case.version


def official_of(user: User) -> Official:
    return Official.objects.get(user=user)


def page(case: Case, tab: str = "bona-fides") -> str:
    """A tab of the case page (the bona fides, unless told)."""
    return f"/cases/{case.pk}/{tab}/"


class Tabs:
    """The bona fides, statement and tasks tabs of a case, read as one text."""

    def __init__(self, client: Client, case: Case) -> None:
        self.responses = [
            client.get(page(case, key)) for key in ("bona-fides", "statement", "tasks")
        ]
        self.status_code = max(response.status_code for response in self.responses)
        self.content = b"".join(response.content for response in self.responses)


def test_the_case_page_shows_the_handling_sections_and_their_forms(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    tabs = Tabs(client_for(officer), case)
    for key, response in zip(("bona-fides", "statement", "tasks"), tabs.responses, strict=True):
        assert response.status_code == 200
        assertContains(response, f'data-section="{key}"')
        clean(response)
    text = tabs.content.decode()
    assert "Clock: <span data-clock-text>Day 1 of 30</span>" in text
    assert "No verdict yet." in text
    assert "Add a check" in text
    assert "Record a verdict" not in text  # no completed check yet
    assert "Assign a task" in text
    assert "Record the signed statement" in text


def test_those_who_may_only_see_get_no_forms(client_for: ClientFor, idc: User, case: Case) -> None:
    tabs = Tabs(client_for(idc), case)
    assert tabs.status_code == 200
    text = tabs.content.decode()
    assert 'data-section="bona-fides"' in text
    assert "Add a check" not in text
    assert "Assign a task" not in text
    assert "Record the signed statement" not in text


def test_the_clock_shows_overdue_in_red(client_for: ClientFor, officer: User, case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(
        received_at=timezone.now() - dt.timedelta(days=31, hours=1)
    )
    response = client_for(officer).get(page(case))
    assertContains(response, 'data-overdue="true"')
    assertContains(response, "Day 32 of 30 (overdue)")
    assertContains(response, "text-error-dark")


def test_a_check_and_a_verdict_from_the_case_page(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    client = client_for(officer)
    response = post(
        client,
        f"/cases/{case.pk}/bona-fides/checks/",
        {
            "version": version(case),
            "kind": "identity_documents",
            "analyst": official_of(officer).pk,
            "result": "consistent",
            "checked_on": timezone.localdate().isoformat(),
            "finding": "Passport genuine; matches AEBEACON's account.",
        },
        page=page(case),
    )
    assert response.status_code == 302
    assert response["Location"] == page(case, "bona-fides")
    check = BonaFidesCheck.objects.get()
    response = client.get(page(case))
    assertContains(response, "Record a verdict")
    response = post(
        client,
        f"/cases/{case.pk}/bona-fides/verdicts/",
        {
            "version": version(case),
            "verdict": "established",
            "checks": [check.pk],
            "rationale": "The documents are genuine and consistent.",
        },
        page=page(case),
    )
    assert response.status_code == 302
    response = client.get(page(case))
    assertContains(response, 'data-verdict="established"')
    assertContains(response, "Established on day 1 of 30")


def test_a_bad_check_comes_back_with_its_errors(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    response = post(
        client_for(officer),
        f"/cases/{case.pk}/bona-fides/checks/",
        {
            "version": version(case),
            "kind": "name_traces",
            "analyst": official_of(officer).pk,
            "result": "inconsistent",
        },
        page=page(case),
    )
    assert response.status_code == 200
    assertContains(response, 'id="error-summary"')
    assertContains(response, "Is required with a result: what the check found")
    assert BonaFidesCheck.objects.count() == 0
    clean(response)


def test_an_established_verdict_on_an_inconsistent_check_is_refused_on_the_page(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    check = actions_handling.add_bona_fides_check(
        acting_user=officer,
        case_id=case.pk,
        expected_version=version(case),
        kind="debriefing_consistency",
        analyst_id=official_of(officer).pk,
        result="inconsistent",
        checked_on=timezone.localdate(),
        finding="Dates of service do not match.",
    )
    response = post(
        client_for(officer),
        f"/cases/{case.pk}/bona-fides/verdicts/",
        {
            "version": version(case),
            "verdict": "established",
            "checks": [check.pk],
            "rationale": "Let us try anyway, just to see.",
        },
        page=page(case),
    )
    assert response.status_code == 200
    assertContains(response, "found inconsistencies")
    assertContains(response, "(6b(3)(b))")


def test_a_pending_check_gets_its_result_on_its_page(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    check = actions_handling.add_bona_fides_check(
        acting_user=officer,
        case_id=case.pk,
        expected_version=version(case),
        kind="liaison_traces",
        analyst_id=official_of(officer).pk,
    )
    client = client_for(officer)
    url = f"/cases/{case.pk}/bona-fides/checks/{check.pk}/"
    response = client.get(url)
    assertContains(response, "Record the result")
    clean(response)
    response = post(
        client,
        url + "result/",
        {
            "version": version(case),
            "result": "consistent",
            "checked_on": timezone.localdate().isoformat(),
            "finding": "Liaison has nothing against AEBEACON.",
        },
        page=url,
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.result == "consistent"
    assertNotContains(client.get(url), "Record the result")


# --- the statement ------------------------------------------------------------------------------


def statement_data(case: Case, **extra: Any) -> dict[str, Any]:
    return {
        "version": version(case),
        "language_name": "Russian",
        "language_code": "ru",
        "text_original": "Я прошу политического убежища.",
        "text_english": "I request political asylum.",
        "signed_at": timezone.now().strftime("%Y-%m-%dT%H:%M"),
        **extra,
    }


def test_the_statement_form_loads_the_pad_as_a_static_script(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    response = client_for(officer).get(f"/cases/{case.pk}/statements/new/")
    assert response.status_code == 200
    parsed = clean(response)
    assert any(src.endswith("cases/signature-pad.js") for src in parsed.scripts)
    assertContains(response, 'enctype="multipart/form-data"')
    assertContains(response, "the upload works with the keyboard alone")
    assertContains(response, "data-needs-script hidden")  # the drawing needs script
    assertContains(response, 'aria-labelledby="signature-pad-label"')
    assert finders.find("cases/signature-pad.js")
    assert finders.find("cases/signature-pad.css")


def test_a_scanned_statement_is_recorded_from_the_page(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    client = client_for(officer)
    url = f"/cases/{case.pk}/statements/new/"
    response = post(
        client,
        url,
        statement_data(
            case,
            signature_method="upload",
            signature_file=SimpleUploadedFile("scan.pdf", PDF, "application/pdf"),
        ),
        page=url,
    )
    assert response.status_code == 302
    statement = VoluntaryStatement.objects.get()
    assert response["Location"] == f"/cases/{case.pk}/statements/{statement.pk}/"
    shown = client.get(response["Location"])
    assertContains(shown, "Awaits a witness")
    assertContains(shown, statement.sha256)
    assertContains(shown, "another official of the post must witness it")
    assertNotContains(shown, "I witnessed the signature")
    clean(shown)


def test_a_text_file_renamed_pdf_is_refused_on_the_page(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    url = f"/cases/{case.pk}/statements/new/"
    response = post(
        client_for(officer),
        url,
        statement_data(
            case,
            signature_method="upload",
            signature_file=SimpleUploadedFile("scan.pdf", b"plain text", "application/pdf"),
        ),
        page=url,
    )
    assert response.status_code == 200
    assertContains(response, "Must be a PDF, PNG or JPEG file (judged by its content")
    assert VoluntaryStatement.objects.count() == 0


def test_a_drawn_signature_is_recorded_from_the_page(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    url = f"/cases/{case.pk}/statements/new/"
    response = post(
        client_for(officer),
        url,
        statement_data(
            case,
            signature_method="drawn",
            signature_drawing="data:image/png;base64," + base64.b64encode(PNG).decode(),
        ),
        page=url,
    )
    assert response.status_code == 302
    assert VoluntaryStatement.objects.get().signature_method == "drawn"


def test_choosing_the_drawing_without_drawing_is_explained(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    url = f"/cases/{case.pk}/statements/new/"
    response = post(
        client_for(officer),
        url,
        statement_data(case, signature_method="drawn", signature_drawing=""),
        page=url,
    )
    assert response.status_code == 200
    assertContains(response, "Draw the signature on the pad")


def test_another_official_of_the_post_witnesses_on_the_statement_page(
    client_for: ClientFor, officer: User, member: User, case: Case
) -> None:
    statement = actions_handling.record_statement(
        acting_user=officer,
        case_id=case.pk,
        expected_version=version(case),
        language_code="ru",
        language_name="Russian",
        text_original="Прошу убежища.",
        text_english="I ask for asylum.",
        signed_at=timezone.now(),
        signature_file=PDF,
    )
    client = client_for(member)
    url = f"/cases/{case.pk}/statements/{statement.pk}/"
    assertContains(client.get(url), "I witnessed the signature")
    response = post(client, url + "witness/", {"version": version(case)}, page=url)
    assert response.status_code == 302
    assertContains(client.get(url), "Signed and witnessed.")
    assertContains(client.get(page(case, "statement")), 'data-statement-on-file="true"')


def test_the_statement_page_is_not_found_for_strangers(
    client_for: ClientFor, officer: User, officer_in_bonn: User, case: Case
) -> None:
    statement = actions_handling.record_statement(
        acting_user=officer,
        case_id=case.pk,
        expected_version=version(case),
        language_code="ru",
        language_name="Russian",
        text_original="Прошу убежища.",
        text_english="I ask for asylum.",
        signed_at=timezone.now(),
        signature_file=PDF,
    )
    client = client_for(officer_in_bonn)
    assert client.get(f"/cases/{case.pk}/statements/{statement.pk}/").status_code == 404
    assert client.get(f"/cases/{case.pk}/statements/new/").status_code == 404


# --- tasks --------------------------------------------------------------------------------------


def test_a_task_is_assigned_from_the_case_page_and_accepted_on_its_own(
    client_for: ClientFor, officer: User, member: User, case: Case
) -> None:
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    response = post(
        client_for(officer),
        f"/cases/{case.pk}/tasks/",
        {
            "version": version(case),
            "title": "Arrange a safe house for AEBEACON",
            "official": official_of(member).pk,
            "due_on": due,
        },
        page=page(case),
    )
    assert response.status_code == 302
    task = CaseTask.objects.get()
    url = f"/cases/{case.pk}/tasks/{task.pk}/"
    officer_view = client_for(officer).get(url)
    assertNotContains(officer_view, "Accept the task")
    assertContains(officer_view, "Withdraw the task")
    clean(officer_view)
    client = client_for(member)
    assertContains(client.get(url), "Accept the task")
    response = post(client, url + "accept/", {"version": version(case)}, page=url)
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "accepted"
    assertContains(client.get(url), "Report it done")


def test_a_task_without_an_assignee_is_explained(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    response = post(
        client_for(officer),
        f"/cases/{case.pk}/tasks/",
        {
            "version": version(case),
            "title": "Something",
            "due_on": timezone.localdate().isoformat(),
        },
        page=page(case),
    )
    assert response.status_code == 200
    assertContains(response, "Is required: choose an agency or an official")
    # the tab of the tasks again, with the form bound
    assertContains(response, 'data-section="tasks"')
    assertContains(response, 'value="Something"')
    assert CaseTask.objects.count() == 0
    clean(response)


def test_a_stale_form_is_told_who_changed_the_case(
    client_for: ClientFor, officer: User, member: User, case: Case
) -> None:
    stale = version(case)
    actions_handling.create_task(
        acting_user=officer,
        case_id=case.pk,
        expected_version=stale,
        title="First",
        due_on=timezone.localdate(),
        official_id=official_of(member).pk,
    )
    response = post(
        client_for(officer),
        f"/cases/{case.pk}/tasks/",
        {
            "version": stale,
            "title": "Second",
            "official": official_of(member).pk,
            "due_on": timezone.localdate().isoformat(),
        },
        page=page(case),
    )
    assert response.status_code == 200
    assertContains(response, "since you opened it")
    assert CaseTask.objects.count() == 1
