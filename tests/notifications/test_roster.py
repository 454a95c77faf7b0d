"""Who is told: the IDC's members, read as a prepared read (``notifications.actions.roster``)."""

from __future__ import annotations

from typing import Any

import pytest

from defector.core.access import principal_for
from defector.notifications.actions import idc_members

pytestmark = pytest.mark.django_db


def test_the_idc_is_its_active_members_in_the_order_of_their_keys_each_with_its_user(
    world: Any, make_official: Any, django_assert_num_queries: Any
) -> None:
    second = make_official("idc.second", ("idc_member", None))
    first = make_official("idc.first", ("idc_member", None), ("dci_delegate", None))
    gone = make_official("idc.gone", ("idc_member", None))
    gone.is_active = False
    gone.save()
    make_official("not.idc", ("dci_delegate", None))
    make_official("at.post", ("committee_member", world.vienna))
    expected = sorted([first.official.pk, second.official.pk])
    with django_assert_num_queries(1):
        found = idc_members()
        # Each with its user, read in the same query.
        names = [official.user.username for official in found]
    assert [official.pk for official in found] == expected
    assert sorted(names) == ["idc.first", "idc.second"]
    assert all("idc_member" in principal_for(o.user).roles for o in found)
