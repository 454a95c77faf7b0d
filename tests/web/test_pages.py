"""The web shell and the Assess page, through Django's test client (no browser)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from defector import policy
from defector.cases.forms import AssessForm
from defector.policy.citations import CLAUSES
from defector.policy.facts import FIELD_NAMES
from defector.web import views
from defector.web.navigation import AREAS, Area, Navigation, navigation
from defector.web.templatetags.clauses import clause_link

# The password of every user that ``make_user`` (tests/conftest.py) creates.
DEMO_PASSWORD = "correct-horse-battery-staple-1976"

WALK_IN = {
    "nationalities": ["SU"],
    "location": "AT",
    "escaped_control": "on",
    "dissatisfied": "on",
    "susceptible": "on",
    "willing_to_defect": "on",
    "at_us_installation": "on",
    "special_value": ["information"],
    "requests": ["asylum"],
}


def csrf_post(client: Client, url: str, data: dict[str, Any], *, page: str = "") -> Any:
    """POST a form the way a browser does: fetch the page with the form, then send it."""
    client.get(page or url)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


class Markup(HTMLParser):
    """Collects what the CSP forbids (inline script, style attributes, style elements)."""

    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts = 0
        self.style_attributes: list[str] = []
        self.style_elements = 0
        self.event_handlers: list[str] = []
        self.asset_urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script":
            if named.get("src"):
                self.asset_urls.append(named["src"] or "")
            else:
                self.inline_scripts += 1
        if tag == "style":
            self.style_elements += 1
        if tag == "link" and named.get("href"):
            self.asset_urls.append(named["href"] or "")
        if tag == "img" and named.get("src"):
            self.asset_urls.append(named["src"] or "")
        if "style" in named:
            self.style_attributes.append(tag)
        self.event_handlers += [name for name in named if name.startswith("on")]


def markup_of(response: Any) -> Markup:
    parser = Markup()
    parser.feed(response.content.decode())
    return parser


# --- sign-in and sign-out -----------------------------------------------------------------


@pytest.mark.django_db
def test_sign_in_page_renders_a_labelled_form(client: Client) -> None:
    response = client.get(reverse("web:sign-in"))
    assert response.status_code == 200
    assertTemplateUsed(response, "accounts/sign_in.html")
    assertContains(response, '<label class="usa-label" for="id_username">')
    assertContains(response, '<label class="usa-label" for="id_password">')
    assertContains(response, 'autocomplete="current-password"')
    assertContains(response, "usa-banner")


@pytest.mark.django_db
@pytest.mark.parametrize("demo", [True, False])
def test_sign_in_page_announces_demo_mode_only_in_demo_mode(
    client: Client, settings: Any, demo: bool
) -> None:
    settings.DEMO_MODE = demo
    response = client.get(reverse("web:sign-in"))
    shown = 'id="demo-notice"' in response.content.decode()
    assert shown is demo
    if demo:
        assertContains(response, "demo accounts")
        assertContains(response, "Multi-factor authentication is off in demo mode")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["web:home", "web:assess", "web:directive"])
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, name: str) -> None:
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('web:sign-in')}?next={url}"


def test_signing_in_with_the_right_password_leads_home(make_user: Callable[..., Any]) -> None:
    make_user("kestrel")
    client = Client(enforce_csrf_checks=True)
    response = csrf_post(
        client, reverse("web:sign-in"), {"username": "kestrel", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assertContains(client.get(reverse("web:home")), "kestrel")


def test_signing_in_follows_next_to_the_page_asked_for(make_user: Callable[..., Any]) -> None:
    make_user("kestrel")
    client = Client(enforce_csrf_checks=True)
    url = f"{reverse('web:sign-in')}?next={reverse('web:assess')}"
    assertContains(client.get(url), f'name="next" value="{reverse("web:assess")}"')
    response = csrf_post(
        client,
        url,
        {"username": "kestrel", "password": DEMO_PASSWORD, "next": reverse("web:assess")},
    )
    assert response["Location"] == reverse("web:assess")


def _sign_in_error(username: str, password: str) -> str:
    client = Client(enforce_csrf_checks=True)
    response = csrf_post(
        client, reverse("web:sign-in"), {"username": username, "password": password}
    )
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1
    assertContains(response, 'id="error-summary"')
    return str(errors[0])


def test_a_wrong_password_is_refused_without_saying_whether_the_account_exists(
    make_user: Callable[..., Any],
) -> None:
    make_user("kestrel")
    make_user("retired", is_active=False)
    wrong_password = _sign_in_error("kestrel", "not-the-password-1976")
    no_such_user = _sign_in_error("nobody-here", "not-the-password-1976")
    inactive = _sign_in_error("retired", DEMO_PASSWORD)
    assert wrong_password == no_such_user == inactive
    assert "exist" not in wrong_password.lower()


def test_sign_out_needs_a_post(signed_in: Client) -> None:
    answer = signed_in.get(reverse("web:sign-out"))
    assert answer.status_code == 303  # to a page, signed in still
    assert signed_in.get(answer["Location"]).status_code == 200
    assert signed_in.get(reverse("web:home")).status_code == 200


def test_signing_out_shows_the_sign_in_page_with_a_message(signed_in: Client) -> None:
    response = csrf_post(signed_in, reverse("web:sign-out"), {}, page=reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:sign-in")
    page = signed_in.get(response["Location"])
    assertContains(page, "You have signed out.")
    assert not page.wsgi_request.user.is_authenticated
    assert signed_in.get(reverse("web:home")).status_code == 302


# --- home and navigation ------------------------------------------------------------------


def test_home_shows_who_is_signed_in_and_the_areas(signed_in: Client) -> None:
    response = signed_in.get(reverse("web:home"))
    assert response.status_code == 200
    assertContains(response, "Signed in as <strong>Duty Officer</strong>", count=2)
    assertContains(response, f'href="{reverse("web:assess")}"')
    assertContains(response, f'href="{reverse("web:directive")}"')
    assertContains(response, 'aria-label="Primary"')
    assertContains(response, f'action="{reverse("web:sign-out")}"')


def test_home_lists_no_planned_area_once_every_area_is_built(signed_in: Client) -> None:
    # The last planned area, the reports to the IDC (6d), is built: nothing is planned, so
    # neither the menu nor the home page has a planned section (the rule that an unbuilt
    # area is planned, not linked, is tested below on areas of its own).
    response = signed_in.get(reverse("web:home"))
    assert [item.label for item in response.context["navigation"].planned] == []
    assertNotContains(response, "data-planned")
    assertNotContains(response, "Planned areas")


def test_an_area_whose_url_does_not_resolve_is_planned() -> None:
    areas = (
        Area("Assess", "web:assess", "assess"),
        Area("Later", "later:index", "not built yet"),
    )
    nav = navigation(None, areas)
    assert [item.label for item in nav.available] == ["Assess"]
    assert nav.available[0].url == reverse("web:assess")
    assert [item.label for item in nav.planned] == ["Later"]
    assert nav.planned[0].url is None


def test_a_navigation_hashes_and_compares_as_its_items() -> None:
    """Its hash is made once (the shell's fragments are keyed by it): equal items, equal
    navigations and hashes; other items, another navigation."""
    areas = (Area("Assess", "web:assess", "assess"), Area("Later", "later:index", "later"))
    one = navigation(None, areas)
    again = Navigation(tuple(one.items))
    other = navigation(None, areas[:1])

    assert one == again
    assert hash(one) == hash(again) == hash(one.items)
    assert one != other
    assert {one: "a", other: "b"}[again] == "a"
    # The site's own areas, named or not, are one key of the navigation kept.
    assert navigation(None) is navigation(None, AREAS)
    assert [item.area for item in navigation(None).items] == list(AREAS)


def test_the_navigation_marks_the_current_area(signed_in: Client) -> None:
    response = signed_in.get(reverse("web:assess"))
    assertContains(
        response,
        f'<a class="usa-nav-link usa-current" href="{reverse("web:assess")}" aria-current="page">',
    )


# --- Assess -------------------------------------------------------------------------------


def test_the_assess_form_has_a_control_for_every_field_of_the_contract() -> None:
    assert list(AssessForm().fields) == list(FIELD_NAMES)
    in_sections = [field.name for section in AssessForm().sections() for field in section.fields]
    assert sorted(in_sections) == sorted(FIELD_NAMES)


def test_assess_page_renders_the_empty_form(signed_in: Client) -> None:
    response = signed_in.get(reverse("web:assess"))
    assert response.status_code == 200
    assertTemplateUsed(response, "web/assess.html")
    assertContains(response, f'value="{timezone.localdate().isoformat()}"')
    # Nationalities: a list of checkboxes, the 2a countries first, with a filter box (no
    # Ctrl-click list, which a phone cannot use).
    assertNotContains(response, "multiple")
    assertContains(response, 'id="id_nationalities" aria-describedby="id_nationalities_helptext"')
    assertContains(response, "data-checklist-group>Countries named in 2a</p>")
    assertContains(response, 'name="nationalities" value="SU" class="usa-checkbox__input"')
    assertContains(response, "data-checklist-filter hidden")
    assertContains(response, 'class="usa-checkbox__input"', count=13 + 255 + 3 + 2 + 5)
    assertNotContains(response, 'id="outcome"')


def test_walk_in_assessment_shows_its_categories(signed_in: Client) -> None:
    response = csrf_post(signed_in, reverse("web:assess"), WALK_IN)
    assert response.status_code == 200
    categories = [c.identifier for c in response.context["categories"]]
    assert categories == ["defector", "potential_defector", "disaffected_person", "walk_in"]
    for category, key in [("defector", "2a"), ("walk_in", "2e")]:
        assertContains(response, f'data-category="{category}"')
        assertContains(response, f'href="{reverse("web:directive")}#{CLAUSES[key].anchor}"')


def test_walk_in_assessment_shows_its_obligations_with_their_clauses(signed_in: Client) -> None:
    response = csrf_post(signed_in, reverse("web:assess"), WALK_IN)
    obligations = [o.identifier for o in response.context["obligations"]]
    assert obligations == [
        "secure_reception",
        "consider_defector_status",
        "political_risk_determination",
        "establish_bona_fides",
        "obtain_voluntary_statement",
        "report_to_idc",
    ]
    assertContains(response, 'data-obligation="secure_reception"')
    assertContains(response, "Receive and handle the person securely and expeditiously")
    assertContains(response, f'href="{reverse("web:directive")}#clause-6b-1" title="Reception')


def test_walk_in_assessment_shows_every_finding_and_the_outcome_json(signed_in: Client) -> None:
    response = csrf_post(signed_in, reverse("web:assess"), WALK_IN)
    facts = {name: value == "on" or value for name, value in WALK_IN.items()}
    expected = policy.assess(policy.parse_facts(facts, today=timezone.localdate())).to_dict()
    assert json.loads(response.context["outcome_json"]) == expected
    for finding in expected["findings"]:
        assertContains(response, f'<tr data-clause="{finding["clause"]}">')
    assertContains(response, "<details")
    sent = json.loads(response.context["facts_json"])
    assert sent["nationalities"] == ["SU"]
    assert "habitual_residence" not in sent


def test_an_assessment_outside_the_directive_says_no_obligation_arises(signed_in: Client) -> None:
    response = csrf_post(
        signed_in,
        reverse("web:assess"),
        {"nationalities": ["FR"], "location": "DE", "as_of": "1980-01-01"},
    )
    outcome = response.context["outcome"]
    assert (outcome.covered, outcome.applies, outcome.categories) == (False, False, ())
    assertContains(response, "the directive does not apply to these facts")
    assert response.context["facts"].as_of == dt.date(1980, 1, 1)


@pytest.mark.parametrize(
    ("missing", "message", "target"),
    [
        # a list of checkboxes: the summary leads to its first box (a fieldset takes no focus)
        ("nationalities", "Select at least one nationality.", "id_nationalities_0_0"),
        ("location", "Select the country where the person is now.", "id_location"),
    ],
)
def test_assess_without_a_required_field_shows_the_errors_again(
    signed_in: Client, missing: str, message: str, target: str
) -> None:
    data = {k: v for k, v in WALK_IN.items() if k != missing}
    response = csrf_post(signed_in, reverse("web:assess"), data)
    assert response.status_code == 200
    assert "outcome" not in response.context
    assertContains(response, 'id="error-summary"')
    assertContains(response, f'<a class="usa-link" href="#{target}">')
    assertContains(response, f'<span class="usa-error-message" id="id_{missing}_error">{message}')
    assertContains(response, 'aria-invalid="true"')
    assertContains(response, "<title>Error: Assess")
    # What was filled in is kept.
    assertContains(
        response, 'name="dissatisfied" class="usa-checkbox__input" id="id_dissatisfied" checked'
    )


def test_policy_errors_are_put_back_on_their_fields() -> None:
    form = AssessForm({"nationalities": ["SU"], "location": "AT"})
    assert form.is_valid()
    form.add_policy_errors(
        [
            {"field": "nationalities[0]", "message": "unknown country code 'XX'"},
            {"field": "location", "message": "is required"},
            {"field": "", "message": "facts must be a JSON object"},
            {"field": "colour", "message": "unknown field"},
        ]
    )
    assert form.errors["nationalities"] == ["Unknown country code 'XX'"]
    assert form.errors["location"] == ["Is required"]
    assert form.non_field_errors() == ["Facts must be a JSON object", "colour: Unknown field"]


def test_an_unknown_country_code_is_refused_by_the_form(signed_in: Client) -> None:
    response = csrf_post(signed_in, reverse("web:assess"), {**WALK_IN, "location": "XX"})
    assert "outcome" not in response.context
    assertContains(response, '<a class="usa-link" href="#id_location">')


# --- the directive and clause links -------------------------------------------------------


def test_directive_page_lists_every_clause_at_its_anchor(signed_in: Client) -> None:
    response = signed_in.get(reverse("web:directive"))
    assert response.status_code == 200
    for clause in CLAUSES.values():
        assertContains(response, f'id="{clause.anchor}"', count=1)
        assertContains(response, clause.title)


def test_directive_page_shows_withheld_clauses_as_withheld(signed_in: Client) -> None:
    response = signed_in.get(reverse("web:directive"))
    withheld = [clause for clause in CLAUSES.values() if clause.withheld]
    assert withheld
    assertContains(response, "shell-clause--withheld", count=len(withheld))
    assertContains(response, 'class="clause-withheld"')


def test_a_clause_link_carries_the_clause_title_as_its_description() -> None:
    assert clause_link("2e") == (
        f'<a class="usa-link clause-link" href="{reverse("web:directive")}#clause-2e" '
        'title="Walk-in"><span class="usa-sr-only">Clause </span>2e</a>'
    )
    assert clause_link("9z") == '<span class="clause-key">9z</span>'


# --- error pages --------------------------------------------------------------------------


def test_an_unknown_page_uses_the_404_template(signed_in: Client) -> None:
    response = signed_in.get("/no-such-page/")
    assert response.status_code == 404
    assertTemplateUsed(response, "web/errors/404.html")
    assertContains(response, "/no-such-page/", status_code=404)
    assertContains(response, "usa-header", status_code=404)


@pytest.mark.django_db
def test_error_handlers_render_their_pages(rf: RequestFactory) -> None:
    request = rf.get("/")
    request.user = AnonymousUser()
    assert views.bad_request(request, Exception()).status_code == 400
    assert views.permission_denied(request, Exception()).status_code == 403
    response = views.server_error(request)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "DCID" in response.content.decode()


@pytest.mark.django_db
def test_a_form_sent_without_its_csrf_token_explains_itself(make_user: Callable[..., Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("web:sign-in"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assertContains(response, "The form has expired", status_code=403)


# --- security headers and markup hygiene --------------------------------------------------


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client: Client) -> None:
    policy_header = client.get(reverse("web:sign-in"))["Content-Security-Policy"]
    directives = {
        part.split()[0]: part.split()[1:] for part in policy_header.split(";") if part.strip()
    }
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy_header


@pytest.mark.parametrize("name", ["web:home", "web:assess", "web:directive"])
def test_authenticated_pages_are_not_stored(signed_in: Client, name: str) -> None:
    assert "no-store" in signed_in.get(reverse(name))["Cache-Control"]


def test_pages_have_no_inline_script_or_style_and_load_assets_locally(
    client: Client, signed_in: Client
) -> None:
    pages = [
        client.get(reverse("web:sign-in")),
        signed_in.get(reverse("web:home")),
        signed_in.get(reverse("web:assess")),
        csrf_post(signed_in, reverse("web:assess"), WALK_IN),
        csrf_post(signed_in, reverse("web:assess"), {}),
        signed_in.get(reverse("web:directive")),
        signed_in.get("/no-such-page/"),
    ]
    for response in pages:
        markup = markup_of(response)
        where = response.wsgi_request.path
        assert markup.inline_scripts == 0, where
        assert markup.style_elements == 0, where
        assert markup.style_attributes == [], where
        assert markup.event_handlers == [], where
        assert markup.asset_urls
        assert all(url.startswith("/static/") for url in markup.asset_urls), where
