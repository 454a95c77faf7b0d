"""Builders of test data: plain functions over the ORM and the actions, no pytest inside.

Officials are made the way the directory stores them: a user, an ``Official`` at the post of
their first post role (Washington when none), and one ``RoleAssignment`` per role.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client

from defector.cases import actions as case_actions
from defector.cases.models import Case
from defector.committees import actions as committee_actions
from defector.committees.models import Committee
from defector.directory.models import Agency, Compartment, Official, Post, RoleAssignment

#: The password of every user a test signs in with a password (and of the demo data).
DEMO_PASSWORD = "correct-horse-battery-staple-1976"
#: The true name of the subject of the cases the tests open.
TRUE_NAME = "Arkady Nikolayevich Shevchenko"

#: Facts that make a case a defector's with threat information (open obligations, with clocks).
THREAT_DEFECTOR: dict[str, Any] = {
    "nationalities": ["SU"],
    "escaped_control": True,
    "unwilling_to_return": True,
    "special_value": ["information"],
    "threat_information": True,
}

#: A role and where it is held: ``("case_officer", world.vienna)``, ``("idc_member", None)``.
Role = tuple[str, Post | None]


def make_post(code: str, name: str, country: str, city: str, **extra: Any) -> Post:
    return Post.objects.create(code=code, name=name, country=country, city=city, **extra)


def make_agency(code: str, name: str, **extra: Any) -> Agency:
    return Agency.objects.create(code=code, name=name, **extra)


def make_compartment(code: str, name: str) -> Compartment:
    return Compartment.objects.create(code=code, name=name)


def make_official(
    username: str,
    *roles: Role,
    agency: Agency,
    clearance: str = "SECRET",
    compartments: tuple[Compartment, ...] = (),
    email: str = "",
    official: bool = True,
    password: str | None = None,
) -> User:
    """A user named after ``username`` ("first.last"), an official of ``agency`` holding
    ``roles`` (unless ``official=False``: then a user who is no official)."""
    first, _, last = username.partition(".")
    user = get_user_model().objects.create_user(
        username=username,
        first_name=first.title(),
        last_name=last.title(),
        email=email,
        password=password,
    )
    if not official:
        return user
    post = next((where for _, where in roles if where is not None), None)
    person = Official.objects.create(user=user, agency=agency, post=post, clearance=clearance)
    person.compartments.set(compartments)
    for role, where in roles:
        RoleAssignment.objects.create(official=person, role=role, post=where)
    return user


def official_of(user: User) -> Official:
    return Official.objects.get(user=user)


def case_opener(**defaults: Any) -> Callable[..., Case]:
    """``open_ = case_opener(acting_user=officer, post_id=vienna.pk)``; ``open_(**overrides)``
    opens a case (SECRET, about ``TRUE_NAME``, unless the defaults or the overrides say
    otherwise) through the action, as the UI and the API do."""

    def open_(**overrides: Any) -> Case:
        arguments: dict[str, Any] = {
            "sensitivity": "SECRET",
            "true_name": TRUE_NAME,
            **defaults,
            **overrides,
        }
        return case_actions.open_case(**arguments)

    return open_


def make_committee(post: Post, *, established_on: dt.date | None = None) -> Committee:
    """The post's committee (made by the action); ``established_on`` backdates it."""
    found, _ = committee_actions.ensure_committee(post)
    if established_on is not None:
        Committee.objects.filter(pk=found.pk).update(established_on=established_on)
        found.refresh_from_db()
    return found


def signed_in_client(user: User) -> Client:
    """A browser-like client signed in as ``user``, enforcing CSRF like a real browser."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client
