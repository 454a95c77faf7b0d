"""The demo's publicity proposal: on Tokyo's granted defector, signed off by State (the IDC's
State member), awaiting USIA's (the IDC's USIA member), who finds it in My work."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases.models import Case
from defector.notifications.pending import pending_items
from defector.ops import demo
from defector.publicity.models import Proposal, SignOff

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(world: Any) -> None:
    Case.objects.all().delete()
    demo.load()


@pytest.mark.usefixtures("loaded")
def test_the_demo_has_a_proposal_signed_off_by_state_awaiting_usia() -> None:
    proposal = Proposal.objects.get()
    assert proposal.status == "awaiting_sign_offs"
    assert proposal.case.post.code == "TOKYO"
    assert proposal.risk_determination is not None
    assert list(SignOff.objects.values_list("agency", "position")) == [("STATE", "approve")]
    for username, pending in (("idc.analyst", False), ("idc.usia", True)):
        user = User.objects.get(username=username)
        items = pending_items(user)
        assert any(item.link == proposal.get_absolute_url() for item in items) is pending
    demo.load()
    assert Proposal.objects.count() == 1
