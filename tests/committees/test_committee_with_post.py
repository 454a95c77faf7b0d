"""A committee is established with every post that has diplomatic representation (``6``)."""

from __future__ import annotations

from typing import Any

import pytest

from defector.committees.models import Committee
from defector.core.models import AuditEvent
from defector.directory import actions as directory

pytestmark = pytest.mark.django_db


def test_a_new_post_with_diplomatic_representation_gets_its_committee(administrator: Any) -> None:
    post = directory.create_post(
        acting_user=administrator, code="OSLO", name="Embassy Oslo", country="NO", city="Oslo"
    )
    assert Committee.objects.filter(post=post).exists()
    assert AuditEvent.objects.filter(action="committees.committee.create").exists()


def test_a_post_without_diplomatic_representation_gets_no_committee(administrator: Any) -> None:
    post = directory.create_post(
        acting_user=administrator,
        code="BERLIN",
        name="US Mission Berlin",
        country="DD",
        city="Berlin",
        diplomatic_representation=False,
    )
    assert not Committee.objects.filter(post=post).exists()


def test_gaining_diplomatic_representation_establishes_the_committee(administrator: Any) -> None:
    post = directory.create_post(
        acting_user=administrator,
        code="BEIJING",
        name="US Liaison Office Beijing",
        country="CN",
        city="Beijing",
        diplomatic_representation=False,
    )
    directory.update_post(
        acting_user=administrator,
        post_id=post.pk,
        changes={"diplomatic_representation": True},
    )
    assert Committee.objects.filter(post=post).exists()
