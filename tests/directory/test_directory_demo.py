"""``defector demo``'s directory: a dozen posts and more, the agencies, and an official for
every role at Vienna, at Tokyo and in Washington."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from defector.core.models import AuditEvent
from defector.directory.choices import POST_ROLES, WASHINGTON_ROLES, Role
from defector.directory.models import Agency, Official, Post, RoleAssignment
from defector.ops import demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db: Any) -> tuple[demo.DemoAccount, ...]:
    return demo.load()


def test_the_demo_has_a_dozen_posts_or_more_of_every_kind(loaded: Any) -> None:
    posts = Post.objects.all()
    assert posts.count() >= 12
    assert {p.kind for p in posts} == {"embassy", "consulate", "mission"}
    codes = set(posts.values_list("code", flat=True))
    assert {"TOKYO", "BONN", "VIENNA", "ROME", "GENEVA", "HONGKONG", "STOCKHOLM"} <= codes
    assert posts.filter(diplomatic_representation=False).exists()


def test_the_demo_has_the_agencies_and_military_commands(loaded: Any) -> None:
    codes = set(Agency.objects.values_list("code", flat=True))
    assert {"CIA", "STATE", "DOD", "FBI", "USIA"} <= codes
    assert Agency.objects.filter(kind="military_command").count() >= 2


@pytest.mark.parametrize("post", ["VIENNA", "TOKYO"])
def test_every_post_role_is_held_at_vienna_and_tokyo(loaded: Any, post: str) -> None:
    held = set(RoleAssignment.objects.filter(post__code=post).values_list("role", flat=True))
    assert held == set(POST_ROLES)


def test_every_washington_and_system_role_is_held(loaded: Any) -> None:
    held = set(RoleAssignment.objects.filter(post=None).values_list("role", flat=True))
    assert held == set(WASHINGTON_ROLES) | {Role.AUDITOR, Role.ADMINISTRATOR}
    for role in WASHINGTON_ROLES:
        holders = Official.objects.filter(roles__role=role)
        assert holders.exists()
        assert all(holder.post is None for holder in holders)


def test_every_demo_login_is_an_official_with_the_demo_password(loaded: Any) -> None:
    for account in loaded:
        official = Official.objects.select_related("user").get(user__username=account.username)
        assert official.user.check_password(demo.DEMO_PASSWORD)
        assert official.clearance in {"SECRET", "TOP SECRET"}
        assert official.title
    assert {a.username for a in loaded} >= {
        "duty.officer",
        "committee.chair",
        "senior.rep",
        "idc.analyst",
        "auditor",
        "admin",
        "vienna.member",
        "vienna.invited",
        "tokyo.officer",
        "tokyo.chair",
        "tokyo.member",
        "tokyo.senior",
        "tokyo.invited",
        "dci.delegate",
    }


def test_loading_the_demo_again_changes_nothing(loaded: Any) -> None:
    counts = (
        get_user_model().objects.count(),
        Post.objects.count(),
        Official.objects.count(),
        RoleAssignment.objects.count(),
        AuditEvent.objects.count(),
    )
    demo.load()
    assert counts == (
        get_user_model().objects.count(),
        Post.objects.count(),
        Official.objects.count(),
        RoleAssignment.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_demo_completes_an_older_demo_database(db: Any) -> None:
    """Accounts made by an earlier demo (without the directory) become officials."""
    get_user_model().objects.create_user(username="duty.officer", password=demo.DEMO_PASSWORD)
    demo.load()
    assert Official.objects.get(user__username="duty.officer").roles.get().role == "case_officer"


def test_the_demo_command_prints_the_logins_grouped(db: Any) -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    printed = out.getvalue()
    positions = [printed.index(f"\n  {group}\n") for group in demo.GROUPS]
    assert positions == sorted(positions)
    for account in demo.ACCOUNTS:
        assert account.username in printed
    assert printed.index("tokyo.chair") > printed.index("\n  Tokyo\n")
    assert printed.index("dci.delegate") > printed.index("\n  Washington\n")
    assert demo.DEMO_PASSWORD in printed
