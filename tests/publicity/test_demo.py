"""The demo's publicity proposal: on Tokyo's granted defector, awaiting the sign-offs of State
(the IDC's State member) and USIA (the IDC's USIA member), who find it in My work."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases.models import Case
from defector.notifications.pending import pending_items
from defector.ops import demo
from defector.publicity.models import Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(world: Any) -> None:
    Case.objects.all().delete()
    demo.load()


@pytest.mark.usefixtures("loaded")
def test_the_demo_has_a_proposal_awaiting_the_sign_offs_of_state_and_usia() -> None:
    proposal = Proposal.objects.get()
    assert proposal.status == "awaiting_sign_offs"
    assert proposal.case.post.code == "TOKYO"
    assert proposal.risk_determination is not None
    for username in ("idc.analyst", "idc.usia"):
        user = User.objects.get(username=username)
        assert any(item.link == proposal.get_absolute_url() for item in pending_items(user))
    demo.load()
    assert Proposal.objects.count() == 1
