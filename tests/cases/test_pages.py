"""The cases pages through Django's test client: the list, intake, a case, a reveal — and that
nobody's response carries a true name unless they revealed it."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from defector.cases.models import Case
from defector.core.models import AuditEvent

pytestmark = pytest.mark.django_db

REASON = "Name trace requested by the committee for bona fides"
ClientFor = Callable[[User], Client]


def csrf_post(client: Client, url: str, data: dict[str, Any], *, page: str) -> Any:
    """POST a form the way a browser does: fetch the page with the form, then send it."""
    client.get(page)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


class Markup(HTMLParser):
    """What the strict CSP forbids: inline scripts, style attributes and elements, handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script" and not named.get("src"):
            self.problems.append("inline script")
        if tag == "style" or "style" in named:
            self.problems.append(f"style on <{tag}>")
        self.problems += [f"{name} on <{tag}>" for name in named if name.startswith("on")]


def assert_clean_markup(response: Any) -> None:
    parser = Markup()
    parser.feed(response.content.decode())
    assert parser.problems == []


def assert_no_identity(response: Any, identity: dict[str, str]) -> None:
    body = response.content.decode()
    for value in identity.values():
        assert value not in body
    assert "Shevchenko" not in body


@pytest.fixture
def case(open_case: Callable[..., Any]) -> Any:
    return open_case()


# --- the list -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cases:index", "cases:new"])
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, name: str) -> None:
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('web:sign-in')}?next={url}"


def test_the_list_shows_the_cases_by_cryptonym_with_a_button_to_receive_a_walk_in(
    client_for: ClientFor, officer: User, case: Any, identity: dict[str, str]
) -> None:
    response = client_for(officer).get(reverse("cases:index"))
    assert response.status_code == 200
    assertTemplateUsed(response, "cases/index.html")
    assertContains(response, f'data-case="{case.cryptonym}"')
    assertContains(response, reverse("cases:detail", args=[case.pk]))
    assertContains(response, "Embassy Vienna")
    assertContains(response, f'href="{reverse("cases:new")}"')
    assertContains(response, "Receive walk-in")
    assert_no_identity(response, identity)
    assert_clean_markup(response)


def test_the_navigation_links_the_cases_area(client_for: ClientFor, officer: User) -> None:
    response = client_for(officer).get(reverse("web:home"))
    assertContains(response, f'href="{reverse("cases:index")}"')


def test_washington_sees_the_cases_but_no_intake_button(
    client_for: ClientFor, idc: User, case: Any
) -> None:
    response = client_for(idc).get(reverse("cases:index"))
    assertContains(response, case.cryptonym)
    assertNotContains(response, "Receive walk-in")


@pytest.mark.parametrize(
    "who",
    ["officer_in_bonn", "second_officer", "auditor", "administrator", "not_an_official"],
)
def test_the_list_omits_cases_the_user_may_not_see(
    client_for: ClientFor,
    case: Any,
    request: pytest.FixtureRequest,
    who: str,
    identity: dict[str, str],
) -> None:
    response = client_for(request.getfixturevalue(who)).get(reverse("cases:index"))
    assert response.status_code == 200
    assertNotContains(response, case.cryptonym)
    assertContains(response, "data-empty")
    assert_no_identity(response, identity)


def test_the_list_filters_by_post_and_cryptonym(
    client_for: ClientFor, open_case: Any, idc: User, officer_in_bonn: User, world: Any
) -> None:
    vienna = open_case()
    bonn = open_case(acting_user=officer_in_bonn, post_id=world.bonn.pk)
    client = client_for(idc)
    by_post = client.get(reverse("cases:index"), {"post": world.bonn.pk})
    assertContains(by_post, bonn.cryptonym)
    assertNotContains(by_post, f'data-case="{vienna.cryptonym}"')
    by_text = client.get(reverse("cases:index"), {"q": vienna.cryptonym.lower()})
    assertContains(by_text, f'data-case="{vienna.cryptonym}"')
    assertNotContains(by_text, f'data-case="{bonn.cryptonym}"')
    nothing = client.get(reverse("cases:index"), {"q": "NO-SUCH-CRYPTONYM"})
    assertContains(nothing, "No case you may see matches the filter")


def test_an_unknown_post_in_the_filter_is_explained(
    client_for: ClientFor, officer: User, case: Any
) -> None:
    response = client_for(officer).get(reverse("cases:index"), {"post": "999999"})
    assert response.status_code == 200
    assertContains(response, 'id="error-summary"')


# --- intake -------------------------------------------------------------------------------


def test_the_intake_form_offers_only_what_the_user_may_choose(
    client_for: ClientFor, officer: User, world: Any
) -> None:
    response = client_for(officer).get(reverse("cases:new"))
    assert response.status_code == 200
    assertTemplateUsed(response, "cases/new.html")
    form = response.context["form"]
    assert [value for value, _ in form.fields["post"].choices] == ["", str(world.vienna.pk)]
    assert [value for value, _ in form.fields["sensitivity"].choices] == [
        "",
        "UNCLASSIFIED",
        "CONFIDENTIAL",
        "SECRET",
    ]
    assert [value for value, _ in form.fields["compartments"].choices] == ["ALPHA"]
    assertContains(response, "Identity (sealed)")
    assertContains(response, 'id="sealed-note"')
    body = response.content.decode()
    true_name = re.search(r"<input[^>]*name=\"true_name\"[^>]*>", body)
    assert true_name is not None
    assert 'autocomplete="off"' in true_name.group(0)
    assert 'spellcheck="false"' in true_name.group(0)
    assert_clean_markup(response)


def test_officials_who_may_open_no_case_are_refused_the_intake_form(
    client_for: ClientFor, idc: User
) -> None:
    assert client_for(idc).get(reverse("cases:new")).status_code == 403


def test_receiving_a_walk_in_opens_the_case_and_shows_its_page(
    client_for: ClientFor, officer: User, world: Any, identity: dict[str, str]
) -> None:
    client = client_for(officer)
    url = reverse("cases:new")
    response = csrf_post(
        client,
        url,
        {"post": world.vienna.pk, "sensitivity": "SECRET", "nationalities": ["SU"], **identity},
        page=url,
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert identity["true_name"] not in response["Location"]
    page = client.get(response["Location"])
    assertContains(page, f"<title>{case.cryptonym} ·", html=False)
    assertContains(page, f"Case {case.cryptonym} opened")
    assert_no_identity(page, identity)
    messages = " ".join(str(m) for m in get_messages(page.wsgi_request))
    assert identity["true_name"] not in messages


def test_bad_intake_shows_every_problem_and_saves_nothing(
    client_for: ClientFor, officer: User, world: Any, counts: Any
) -> None:
    before = counts()
    url = reverse("cases:new")
    response = csrf_post(
        client_for(officer),
        url,
        {"post": "", "sensitivity": "", "birth_date": "Oct 1930"},
        page=url,
    )
    assert response.status_code == 200
    assertContains(response, 'id="error-summary"')
    assertContains(response, "Choose the post.")
    assertContains(response, "Choose the sensitivity.")
    assert counts() == before


def test_an_action_error_comes_back_to_its_field(
    client_for: ClientFor, officer: User, world: Any, counts: Any
) -> None:
    before = counts()
    url = reverse("cases:new")
    response = csrf_post(
        client_for(officer),
        url,
        {
            "post": world.vienna.pk,
            "sensitivity": "SECRET",
            "nationalities": ["SU"],
            "birth_date": "1930-02-30",
        },
        page=url,
    )
    assert response.status_code == 200
    assert response.context["form"].errors["birth_date"] == ["Is not a real date"]
    assertContains(response, 'href="#id_birth_date"')
    assert counts() == before


# --- a case and its reveal ----------------------------------------------------------------


def test_the_case_page_shows_the_identity_sealed_with_a_reveal_form(
    client_for: ClientFor, officer: User, case: Any, identity: dict[str, str]
) -> None:
    client = client_for(officer)
    overview = client.get(reverse("cases:detail", args=[case.pk]))
    assertContains(overview, f'<h1 class="margin-bottom-1">{case.cryptonym}</h1>', html=False)
    assertContains(overview, 'href="/directive/#clause-2e"')
    assert_no_identity(overview, identity)
    response = client.get(reverse("cases:tab", args=[case.pk, "subject"]))
    assert response.status_code == 200
    assertContains(response, '<span class="usa-tag shell-tag-withheld">Sealed</span>', count=5)
    assertContains(response, reverse("cases:reveal", args=[case.pk]))
    assertContains(response, "recorded in the audit log")
    assert_no_identity(response, identity)
    assert_clean_markup(response)


def test_a_member_sees_the_case_without_a_reveal_form(
    client_for: ClientFor, member: User, case: Any, identity: dict[str, str]
) -> None:
    response = client_for(member).get(reverse("cases:tab", args=[case.pk, "subject"]))
    assert response.status_code == 200
    assertNotContains(response, reverse("cases:reveal", args=[case.pk]))
    assert_no_identity(response, identity)


@pytest.mark.parametrize(
    "who", ["officer_in_bonn", "second_officer", "auditor", "administrator", "not_an_official"]
)
def test_a_case_the_user_may_not_see_is_not_found(
    client_for: ClientFor,
    case: Any,
    request: pytest.FixtureRequest,
    who: str,
    identity: dict[str, str],
) -> None:
    client = client_for(request.getfixturevalue(who))
    denied = client.get(reverse("cases:detail", args=[case.pk]))
    missing = client.get(reverse("cases:detail", args=[case.pk + 1000]))
    assert denied.status_code == missing.status_code == 404
    assertNotContains(denied, case.cryptonym, status_code=404)
    assert_no_identity(denied, identity)


def test_a_reveal_shows_the_value_once_and_records_it(
    client_for: ClientFor, officer: User, case: Any, identity: dict[str, str]
) -> None:
    client = client_for(officer)
    page = reverse("cases:detail", args=[case.pk])
    before = AuditEvent.objects.count()
    response = csrf_post(
        client,
        reverse("cases:reveal", args=[case.pk]),
        {"field": "true_name", "reason": REASON},
        page=page,
    )
    assert response.status_code == 200
    assertContains(response, identity["true_name"], count=1)
    assertContains(response, 'data-revealed="true_name"')
    assertContains(response, "recorded in the audit log")
    assert response["Cache-Control"].count("no-store") == 1
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.order_by("-seq").first().reason == REASON  # type: ignore[union-attr]
    stored = str(dict(client.session.items()))
    assert identity["true_name"] not in stored
    assert list(get_messages(response.wsgi_request)) == []
    again = client.get(page)
    assert_no_identity(again, identity)


def test_a_reveal_without_a_reason_is_explained_and_shows_nothing(
    client_for: ClientFor, officer: User, case: Any, identity: dict[str, str]
) -> None:
    before = AuditEvent.objects.count()
    response = csrf_post(
        client_for(officer),
        reverse("cases:reveal", args=[case.pk]),
        {"field": "true_name", "reason": ""},
        page=reverse("cases:detail", args=[case.pk]),
    )
    assert response.status_code == 200
    assertContains(response, 'id="error-summary"')
    assertContains(response, "Give the reason for the reveal.")
    assert_no_identity(response, identity)
    assert AuditEvent.objects.count() == before


def test_a_short_reason_is_refused_by_the_reveal_itself(
    client_for: ClientFor, officer: User, case: Any, identity: dict[str, str]
) -> None:
    before = AuditEvent.objects.count()
    response = csrf_post(
        client_for(officer),
        reverse("cases:reveal", args=[case.pk]),
        {"field": "true_name", "reason": "curious"},
        page=reverse("cases:detail", args=[case.pk]),
    )
    assert response.status_code == 200
    assertContains(response, "at least 10 characters")
    assert_no_identity(response, identity)
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("who", "status"),
    [("member", 403), ("officer_in_bonn", 404), ("auditor", 404)],
    ids=[
        "a member who sees the case is refused",
        "another post's officer finds nothing",
        "an auditor finds nothing",
    ],
)
def test_an_unauthorised_reveal_shows_nothing_and_records_nothing(
    client_for: ClientFor,
    case: Any,
    request: pytest.FixtureRequest,
    who: str,
    status: int,
    identity: dict[str, str],
) -> None:
    client = client_for(request.getfixturevalue(who))
    before = AuditEvent.objects.count()
    client.get(reverse("cases:index"))  # any page: sets the CSRF cookie
    response = client.post(
        reverse("cases:reveal", args=[case.pk]),
        {
            "field": "true_name",
            "reason": REASON,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == status
    assert_no_identity(response, identity)
    assert AuditEvent.objects.count() == before


def test_the_reveal_address_takes_no_get(client_for: ClientFor, officer: User, case: Any) -> None:
    response = client_for(officer).get(reverse("cases:reveal", args=[case.pk]))
    # A GET reveals nothing: it is sent on to the tab of the subject (303), as every action
    # address is to its page.
    assert response.status_code == 303
    assert response["Location"] == reverse("cases:tab", args=[case.pk, "subject"])
