"""No dead ends: a GET of a form's action address answers 303 to its page (the API keeps its
405s); demo mode runs with DEBUG off and the site's own error pages; a form posted from a page
older than the case says the version-conflict message, whatever the form's own checks say."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import path, reverse

from defector import urls as site_urls
from defector.cases import actions
from defector.cases.models import Case
from defector.core.middleware import page_of_action
from support.builders import case_opener

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


@pytest.fixture
def world_parts() -> tuple[str, ...]:
    return ("cia", "vienna")


@pytest.fixture
def officer(make_official: Any, world: Any) -> User:
    return make_official("case.officer", ("case_officer", world.vienna))


@pytest.fixture
def case(officer: User, world: Any, sealing_keys: None) -> Case:
    opened: Case = case_opener(acting_user=officer, post_id=world.vienna.pk)()
    return opened


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


@pytest.mark.parametrize(
    ("address", "page"),
    [
        ("/cases/7/notes/", "/cases/7/"),
        ("/cases/7/tasks/3/accept/", "/cases/7/tasks/3/"),
        ("/cases/7/stage/", "/cases/7/"),
        ("/no/such/place/", "/"),
    ],
)
def test_an_action_address_belongs_to_the_nearest_page_above_it(address: str, page: str) -> None:
    assert page_of_action(address) == page


def test_a_get_of_an_action_address_answers_303_to_its_page(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    browser = client_for(officer)
    tabs = {"move": "", "reveal": "subject", "verdict-add": "bona-fides", "check-add": "bona-fides"}
    for name, tab in tabs.items():
        answer = browser.get(reverse(f"cases:{name}", args=[case.pk]))
        assert answer.status_code == 303, name
        page = reverse("cases:tab", args=[case.pk, tab]) if tab else f"/cases/{case.pk}/"
        assert answer["Location"] == page
        assert "POST" in answer["Allow"]
        assert browser.get(page).status_code == 200
    # an action whose address is its tab's shows the tab
    for name in ("note", "task-add", "status", "political_risk", "invite"):
        assert browser.get(reverse(f"cases:{name}", args=[case.pk])).status_code == 200, name


def test_the_api_still_answers_405_to_a_method_it_does_not_take(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    answer = client_for(officer).get(f"/api/v1/cases/{case.pk}/stage")
    assert answer.status_code in (404, 405)
    assert answer.status_code != 303


def test_demo_mode_runs_with_debug_off() -> None:
    env = {**os.environ, "DEFECTOR_DEMO": "true", "DEFECTOR_DEBUG": "true"}
    env.pop("DEFECTOR_ENV", None)
    code = "import defector.settings as s; print(s.DEBUG, s.DEMO_MODE)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "True"]


def test_a_missing_page_is_the_sites_own_404(client_for: ClientFor, officer: User) -> None:
    answer = client_for(officer).get("/cases/no-such-page/")
    assert answer.status_code == 404
    page = answer.content.decode()
    assert "Page not found" in page
    assert "Go to the home page" in page
    assert "URLconf" not in page


def test_a_stale_stage_move_says_the_case_changed_not_an_invalid_choice(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    browser = client_for(officer)
    browser.get(reverse("cases:detail", args=[case.pk]))
    read = case.version
    actions.move_case(acting_user=officer, case_id=case.pk, expected_version=read, to="assessment")
    answer = post(
        browser, reverse("cases:move", args=[case.pk]), {"version": read, "to": "assessment"}
    )
    page = answer.content.decode()
    assert "is not one of the available choices" not in page
    assert "This case was changed by" in page
    assert "reload to see the changes" in page


def test_a_stale_note_says_the_case_changed(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    browser = client_for(officer)
    browser.get(reverse("cases:detail", args=[case.pk]))
    read = case.version
    actions.add_note(
        acting_user=officer, case_id=case.pk, expected_version=read, text="A first note."
    )
    answer = post(browser, reverse("cases:note", args=[case.pk]), {"version": read, "text": ""})
    assert "This case was changed by" in answer.content.decode()


def _boom(request: Any) -> Any:
    raise RuntimeError("a fault in a page")


#: A URL configuration with one failing page, and the site's own error handlers.
urlpatterns = [path("boom/", _boom)]
handler404 = site_urls.handler404
handler500 = site_urls.handler500


def test_a_server_error_is_the_sites_own_500_page(settings: Any) -> None:
    settings.ROOT_URLCONF = __name__
    assert site_urls.handler500 == "defector.web.views.server_error"
    answer = Client(raise_request_exception=False).get("/boom/")
    assert answer.status_code == 500
    page = answer.content.decode()
    assert "Something went wrong on our side" in page
    assert "Traceback" not in page
