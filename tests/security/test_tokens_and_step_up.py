"""API tokens (scoped, expiring, revocable, shown once, stored hashed; a page and the CLI) and
the step-up rule: revealing a true name needs the second factor within the last 5 minutes."""

from __future__ import annotations

import hashlib
import io
import re
import time
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from defector.core.models import ApiToken, AuditEvent

pytestmark = pytest.mark.django_db

ASSESS = {"nationalities": ["SU"], "location": "AT", "as_of": "1976-06-01"}


def bearer(plain: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {plain}"}


@pytest.mark.parametrize(
    ("scope", "get", "assess", "write"),
    [
        ("read", 200, 403, 403),
        ("assess", 200, 200, 403),
        ("write", 200, 200, 201),
    ],
    ids=[
        "a read token may only GET",
        "an assess token may GET and assess",
        "a write token may do all its user may",
    ],
)
def test_a_token_may_do_only_what_its_scope_allows(
    world: Any, kit: Any, scope: str, get: int, assess: int, write: int
) -> None:
    plain = kit.token_for(world.users["case_officer"], scope)
    client = Client()
    assert client.get("/api/v1/cases", headers=bearer(plain)).status_code == get
    answer = client.post(
        "/api/v1/policy/assess", ASSESS, content_type="application/json", headers=bearer(plain)
    )
    assert answer.status_code == assess
    opened = client.post(
        "/api/v1/cases",
        {"post_id": world.vienna.pk, "sensitivity": "SECRET", **kit.identity},
        content_type="application/json",
        headers=bearer(plain),
    )
    assert opened.status_code == write
    if write == 403:
        assert opened.json()["code"] == "insufficient_scope"


def test_the_tokens_page_makes_a_token_shown_once_and_stored_as_its_digest(
    make_user: Any, kit: Any
) -> None:
    user = make_user("kestrel")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = kit.csrf_post(
        client, reverse("accounts:tokens"), {"name": "nightly export", "scope": "read", "days": 7}
    )
    assert response.status_code == 200
    plain = re.search(
        r"<code class=\"accounts-token\" data-token>(dpa_[^<]+)</code>", response.content.decode()
    )
    assert plain is not None
    token = ApiToken.objects.get(user=user)
    assert token.scope == "read"
    assert token.digest == hashlib.sha256(plain.group(1).encode()).hexdigest()
    listing = client.get(reverse("accounts:tokens")).content.decode()
    assert "nightly export" in listing
    assert plain.group(1) not in listing
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action="core.token.create").count() == 1


def test_the_tokens_page_refuses_a_bad_token_with_every_field(make_user: Any, kit: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("kestrel"))
    response = kit.csrf_post(
        client, reverse("accounts:tokens"), {"name": "", "scope": "root", "days": 999}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "scope", "days"}
    assert not ApiToken.objects.exists()


def test_a_token_is_revoked_from_its_page_and_stops_working(make_user: Any, kit: Any) -> None:
    user = make_user("kestrel")
    plain = kit.token_for(user, "read")
    token = ApiToken.objects.get(user=user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = kit.csrf_post(
        client,
        reverse("accounts:token-revoke", args=[token.pk]),
        {},
        page=reverse("accounts:tokens"),
    )
    assert response.status_code == 302
    assert Client().get("/api/v1/cases", headers=bearer(plain)).status_code == 401
    assert AuditEvent.objects.filter(action="core.token.revoke").count() == 1


def test_nobody_revokes_anothers_token_from_the_page(make_user: Any, kit: Any) -> None:
    owner = make_user("kestrel")
    kit.token_for(owner, "read")
    token = ApiToken.objects.get(user=owner)
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("osprey"))
    response = kit.csrf_post(
        client,
        reverse("accounts:token-revoke", args=[token.pk]),
        {},
        page=reverse("accounts:tokens"),
    )
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_cli_makes_a_scoped_token(make_user: Any) -> None:
    make_user("kestrel")
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "token", "create", "kestrel", "--name", "ci", "--scope", "assess", stdout=out, stderr=err
    )
    assert out.getvalue().startswith("dpa_")
    assert "scope assess" in err.getvalue()
    assert ApiToken.objects.get().scope == "assess"
    listing = io.StringIO()
    call_command("token", "list", "kestrel", stdout=listing)
    assert "\tassess\t" in listing.getvalue()


def test_the_cli_makes_read_tokens_unless_told(make_user: Any) -> None:
    make_user("kestrel")
    call_command(
        "token", "create", "kestrel", "--name", "ci", stdout=io.StringIO(), stderr=io.StringIO()
    )
    assert ApiToken.objects.get().scope == "read"


@pytest.mark.mfa
def test_the_tokens_page_needs_the_second_factor(make_user: Any, kit: Any) -> None:
    user = make_user("kestrel")
    kit.enrol(user)
    client = Client(enforce_csrf_checks=True)
    kit.csrf_post(client, reverse("web:sign-in"), {"username": "kestrel", "password": kit.password})
    response = client.get(reverse("accounts:tokens"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:verify"))


# --- step-up --------------------------------------------------------------------------------

REASON = "Name trace requested by the committee for bona fides"


def verified_client(kit: Any, user: Any, device: Any) -> Client:
    client = Client(enforce_csrf_checks=True)
    kit.csrf_post(
        client, reverse("web:sign-in"), {"username": user.username, "password": kit.password}
    )
    response = kit.csrf_post(client, reverse("accounts:verify"), {"code": kit.code_of(device)})
    assert response.status_code == 302
    return client


def age_verification(client: Client, seconds: float) -> None:
    session = client.session
    session["defector_verified_at"] = time.time() - seconds
    session.save()


def reveal_api(client: Client, case: Any) -> Any:
    from django.middleware.csrf import get_token  # noqa: F401

    client.get(reverse("web:home"))
    return client.post(
        f"/api/v1/cases/{case.pk}/reveal",
        {"field": "true_name", "reason": REASON},
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )


@pytest.mark.mfa
def test_a_reveal_within_five_minutes_of_the_code_is_allowed(world: Any, kit: Any) -> None:
    chair = world.users["committee_chair"]
    client = verified_client(kit, chair, kit.enrol(chair))
    age_verification(client, 4 * 60)
    response = reveal_api(client, world.cases[("VIENNA", "SECRET")])
    assert response.status_code == 200, response.content
    assert response.json()["value"] == kit.true_name


@pytest.mark.mfa
def test_a_reveal_later_than_five_minutes_answers_401_step_up_required(
    world: Any, kit: Any
) -> None:
    chair = world.users["committee_chair"]
    client = verified_client(kit, chair, kit.enrol(chair))
    age_verification(client, 6 * 60)
    before = AuditEvent.objects.filter(action="sealed.reveal").count()
    response = reveal_api(client, world.cases[("VIENNA", "SECRET")])
    assert response.status_code == 401
    assert response.json()["code"] == "step_up_required"
    assert kit.true_name not in response.content.decode()
    assert AuditEvent.objects.filter(action="sealed.reveal").count() == before


@pytest.mark.mfa
def test_a_token_never_reveals_while_mfa_is_required(world: Any, kit: Any) -> None:
    plain = kit.token_for(world.users["committee_chair"], "write")
    case = world.cases[("VIENNA", "SECRET")]
    response = Client().post(
        f"/api/v1/cases/{case.pk}/reveal",
        {"field": "true_name", "reason": REASON},
        content_type="application/json",
        headers=bearer(plain),
    )
    assert response.status_code == 401
    assert response.json()["code"] == "step_up_required"


@pytest.mark.mfa
def test_the_reveal_form_asks_for_a_fresh_code_and_accepts_it(world: Any, kit: Any) -> None:
    chair = world.users["committee_chair"]
    device = kit.enrol(chair)
    client = verified_client(kit, chair, device)
    age_verification(client, 10 * 60)
    case = world.cases[("VIENNA", "SECRET")]
    page = client.get(reverse("cases:tab", args=[case.pk, "subject"]))
    assert 'autocomplete="one-time-code"' in page.content.decode()
    url = reverse("cases:reveal", args=[case.pk])
    data = {"field": "true_name", "reason": REASON}
    refused = kit.csrf_post(client, url, data, page=reverse("cases:detail", args=[case.pk]))
    assert refused.status_code == 200
    assert kit.true_name not in refused.content.decode()
    assert "enter a code from your authenticator app" in refused.content.decode()
    shown = kit.csrf_post(
        client,
        url,
        {**data, "code": kit.code_of(device, step=1)},
        page=reverse("cases:detail", args=[case.pk]),
    )
    assert shown.status_code == 200
    assert kit.true_name in shown.content.decode()


def test_without_mfa_step_up_is_skipped(world: Any, kit: Any) -> None:
    client = Client()
    client.force_login(world.users["committee_chair"])
    case = world.cases[("VIENNA", "SECRET")]
    response = client.post(
        f"/api/v1/cases/{case.pk}/reveal",
        {"field": "true_name", "reason": REASON},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["value"] == kit.true_name
