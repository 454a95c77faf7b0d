"""The directory's pages: lists with filters for officials, management for administrators."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from defector.core.models import AuditEvent
from defector.directory import actions
from defector.directory.models import Official, Post

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle=", re.IGNORECASE)


def assert_csp_clean(response: Any) -> None:
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert not STYLE_ATTRIBUTE.search(html)
    assert "<style" not in html


def rows(response: Any, attribute: str) -> list[str]:
    return re.findall(rf'<tr {attribute}="([^"]+)"', response.content.decode())


def management_urls(world: dict[str, Any], official: Official) -> list[str]:
    return [
        reverse("directory:post-create"),
        reverse("directory:post-edit", args=[world["vienna"].pk]),
        reverse("directory:agency-create"),
        reverse("directory:agency-edit", args=[world["cia"].pk]),
        reverse("directory:compartment-create"),
        reverse("directory:compartment-edit", args=[world["harbor"].pk]),
        reverse("directory:official-create"),
        reverse("directory:official-edit", args=[official.pk]),
    ]


# --- viewing ---------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    url = reverse("directory:index")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('web:sign-in')}?next={url}"


def test_an_official_sees_the_posts_without_management_links(officer_client: Client) -> None:
    response = officer_client.get(reverse("directory:index"))
    assert response.status_code == 200
    assert rows(response, "data-post") == ["TOKYO", "VIENNA"]
    assertNotContains(response, reverse("directory:post-create"))
    assertNotContains(response, "Change<span")
    assertContains(response, 'aria-current="page"')
    assert_csp_clean(response)


def test_someone_who_is_not_an_official_is_refused_the_directory(stranger_client: Client) -> None:
    assert stranger_client.get(reverse("directory:index")).status_code == 403


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["TOKYO", "VIENNA"]),
        ("?country=JP", ["TOKYO"]),
        ("?q=vien", ["VIENNA"]),
        ("?kind=consulate", []),
        ("?representation=no", ["HAVANA"]),
        ("?kind=palace", ["TOKYO", "VIENNA"]),
    ],
    ids=[
        "without filters every post is listed",
        "the country filter keeps that country's posts",
        "the text filter matches the name",
        "the kind filter keeps that kind",
        "the representation filter finds posts without representation",
        "an impossible filter value is ignored",
    ],
)
def test_the_post_list_filters(officer_client: Client, query: str, expected: list[str]) -> None:
    if "representation" in query:
        actions.create_post(
            acting_user=None,
            code="HAVANA",
            name="US Interests Section Havana",
            kind="mission",
            country="CU",
            city="Havana",
            diplomatic_representation=False,
        )
    response = officer_client.get(reverse("directory:index") + query)
    assert rows(response, "data-post") == expected


def test_the_official_list_filters_by_post_role_and_text(
    officer_client: Client, admin: Any, make_official: Callable[..., Official]
) -> None:
    make_official("ellen.draper", ("committee_chair", "TOKYO"), post="TOKYO")
    url = reverse("directory:officials")
    assert rows(officer_client.get(url), "data-official") == [
        "ops.admin",
        "ellen.draper",
        "dana.reyes",
    ]
    assert rows(officer_client.get(url + "?post=TOKYO"), "data-official") == ["ellen.draper"]
    assert rows(officer_client.get(url + "?post=WASHINGTON"), "data-official") == ["ops.admin"]
    assert rows(officer_client.get(url + "?role=committee_chair"), "data-official") == [
        "ellen.draper"
    ]
    assert rows(officer_client.get(url + "?q=reyes"), "data-official") == ["dana.reyes"]


def test_an_official_page_shows_roles_with_their_clauses_but_not_others_clearance(
    officer_client: Client, make_official: Callable[..., Official]
) -> None:
    chair = make_official("martin.hale", ("committee_chair", "VIENNA"), clearance="TOP SECRET")
    response = officer_client.get(reverse("directory:official", args=[chair.pk]))
    assert response.status_code == 200
    assertContains(response, 'data-role="committee_chair"')
    assertContains(response, "#clause-6a")
    assertNotContains(response, "data-clearance")
    assertNotContains(response, "Grant a role")
    assert_csp_clean(response)


def test_a_post_page_lists_its_officials_and_their_roles_there(
    officer_client: Client, world: dict[str, Any], officer: Any
) -> None:
    response = officer_client.get(reverse("directory:post", args=[world["vienna"].pk]))
    assertContains(response, 'data-official="dana.reyes"')
    assertContains(response, 'data-role="case_officer"')
    assertContains(response, "Austria (AT)")


def test_a_missing_post_is_404(officer_client: Client) -> None:
    assert officer_client.get(reverse("directory:post", args=[99999])).status_code == 404


# --- management ------------------------------------------------------------------------------


def test_an_administrator_creates_a_post_through_the_form(admin_client: Client) -> None:
    url = reverse("directory:post-create")
    form = admin_client.get(url)
    assert form.status_code == 200
    assertContains(form, '<label class="usa-label" for="id_code">')
    assert_csp_clean(form)
    response = admin_client.post(
        url,
        {
            "code": "helsinki",
            "name": "Embassy Helsinki",
            "kind": "embassy",
            "country": "FI",
            "city": "Helsinki",
            "diplomatic_representation": "on",
            "active": "on",
        },
    )
    post = Post.objects.get(code="HELSINKI")
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:post", args=[post.pk])
    page = admin_client.get(response["Location"])
    assertContains(page, "Added Embassy Helsinki (HELSINKI).")
    event = AuditEvent.objects.filter(action="directory.post.create").latest("seq")
    assert event.object_id == str(post.pk)
    assert event.actor_id is not None


def test_the_form_shows_an_actions_errors_in_the_summary(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("directory:post-create"),
        {"code": "Vienna", "name": "Again", "kind": "embassy", "country": "US", "city": "X"},
    )
    assert response.status_code == 200
    assertContains(response, 'id="error-summary"')
    assertContains(response, "There are 2 problems")
    assertContains(response, 'href="#id_code"')
    assertContains(response, "VIENNA is already taken")
    assertContains(response, 'href="#id_country"')
    assert Post.objects.count() == 2


@pytest.mark.parametrize("who", ["officer", "stranger"])
def test_management_pages_do_not_exist_for_anyone_else(
    request: pytest.FixtureRequest,
    who: str,
    world: dict[str, Any],
    officer: Any,
) -> None:
    client = request.getfixturevalue(f"{who}_client")
    for url in management_urls(world, officer.official):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("directory:post-create"),
        {"code": "ROME", "name": "Embassy Rome", "kind": "embassy", "country": "IT", "city": "R"},
    )
    assert response.status_code == 404
    for name in ("role-grant", "official-compartments", "official-deactivate"):
        assert (
            client.post(reverse(f"directory:{name}", args=[officer.official.pk])).status_code == 404
        )
    assert not Post.objects.filter(code="ROME").exists()
    assert officer.is_active


def test_an_administrator_edits_an_agency(admin_client: Client, world: dict[str, Any]) -> None:
    url = reverse("directory:agency-edit", args=[world["state"].pk])
    assertContains(admin_client.get(url), 'value="Department of State"')
    response = admin_client.post(
        url, {"code": "STATE", "name": "US Department of State", "kind": "department"}
    )
    assert response.status_code == 302
    world["state"].refresh_from_db()
    assert (world["state"].name, world["state"].active) == ("US Department of State", False)


def test_an_administrator_adds_an_official_then_grants_a_role(
    admin_client: Client, world: dict[str, Any]
) -> None:
    response = admin_client.post(
        reverse("directory:official-create"),
        {
            "username": "vienna.member",
            "first_name": "Paul",
            "last_name": "Lindqvist",
            "agency": "STATE",
            "post": "VIENNA",
            "clearance": "SECRET",
            "compartments": ["HARBOR"],
        },
    )
    official = Official.objects.get(user__username="vienna.member")
    assert response.status_code == 302
    page = admin_client.get(response["Location"])
    assertContains(page, "defector changepassword vienna.member")
    assertContains(page, "Grant a role")
    assertContains(page, "data-clearance")
    grant = reverse("directory:role-grant", args=[official.pk])
    refused = admin_client.post(grant, {"grant-role": "committee_member", "grant-post": ""})
    assert refused.status_code == 200
    assertContains(refused, 'id="error-summary"')
    assertContains(refused, "is held at a post")
    granted = admin_client.post(grant, {"grant-role": "committee_member", "grant-post": "VIENNA"})
    assert granted.status_code == 302
    assignment = official.roles.get()
    assert (assignment.role, assignment.post) == ("committee_member", world["vienna"])
    revoked = admin_client.post(reverse("directory:role-revoke", args=[official.pk, assignment.pk]))
    assert revoked.status_code == 302
    assert not official.roles.exists()


def test_an_administrator_sets_compartments_and_deactivates_an_official(
    admin_client: Client, officer: Any
) -> None:
    official = officer.official
    response = admin_client.post(
        reverse("directory:official-compartments", args=[official.pk]),
        {"read-in-compartments": []},
    )
    assert response.status_code == 302
    assert not official.compartments.exists()
    response = admin_client.post(reverse("directory:official-deactivate", args=[official.pk]))
    assert response.status_code == 302
    officer.refresh_from_db()
    assert not officer.is_active
    page = admin_client.get(reverse("directory:official", args=[official.pk]))
    assertContains(page, "can no longer sign in")
    assertContains(page, "Reactivate")


def test_an_administrator_cannot_deactivate_themself_from_the_page(
    admin_client: Client, admin: Any
) -> None:
    url = reverse("directory:official-deactivate", args=[admin.official.pk])
    page = admin_client.post(url, follow=True)
    assertContains(page, "you cannot deactivate yourself")
    admin.refresh_from_db()
    assert admin.is_active


def test_the_directory_is_in_the_navigation(officer_client: Client) -> None:
    response = officer_client.get(reverse("web:home"))
    assertContains(response, f'href="{reverse("directory:index")}"')


def test_an_administrator_moves_an_official_to_washington_through_the_form(
    admin_client: Client, officer: Any
) -> None:
    url = reverse("directory:official-edit", args=[officer.official.pk])
    form = admin_client.get(url)
    assertContains(form, '<option value="VIENNA" selected>')
    response = admin_client.post(
        url,
        {
            "first_name": "Dana",
            "last_name": "Reyes",
            "email": "",
            "title": "Desk Officer",
            "agency": "CIA",
            "post": "",
            "clearance": "TOP SECRET",
            "compartments": ["HARBOR"],
        },
    )
    assert response.status_code == 302
    officer.official.refresh_from_db()
    assert (officer.official.post, officer.official.clearance) == (None, "TOP SECRET")
    event = AuditEvent.objects.filter(action="directory.official.update").latest("seq")
    assert (event.before["post_code"], event.after["post_code"]) == ("VIENNA", None)


def test_the_official_form_refuses_a_last_name_with_a_right_to_left_override(
    admin_client: Client, world: dict[str, Any]
) -> None:
    response = admin_client.post(
        reverse("directory:official-create"),
        {
            "username": "duty.officer",
            "last_name": "Officer\u202eregdab",
            "agency": "STATE",
            "clearance": "SECRET",
        },
    )
    assert response.status_code == 200
    assert "last_name" in response.context["form"].errors
    assert not Official.objects.filter(user__username="duty.officer").exists()
