"""The case page as each demo role sees it (``defector demo``): only the actions the role may
take are offered. The Ambassador (the senior US representative) records the 7a
determination but is offered no bona fides check or verdict, no task, no stage move and no
reveal; those who handle the case are offered them; Washington only reads."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from defector.cases.models import Case
from defector.ops import demo

pytestmark = pytest.mark.django_db

#: The forms of the case page that handle the case, by the address they post to (``{id}``).
HANDLING = {
    "a bona fides check": "/cases/{id}/bona-fides/checks/",
    "a task": "/cases/{id}/tasks/",
    "a stage move": "/cases/{id}/stage/",
    "a reveal": "/cases/{id}/reveal/",
}


@pytest.fixture
def demo_site(world: Any, sealing_keys: None) -> tuple[demo.DemoAccount, ...]:
    Case.objects.all().delete()
    return demo.load()


def offered(client: Client, case: Case) -> set[str]:
    """The forms of ``HANDLING`` that ``client``'s user finds on any tab of the case page."""
    overview = client.get(f"/cases/{case.pk}/").content.decode()
    tabs = re.findall(r'data-tab="[a-z-]+" href="([^"]+)"', overview)
    html = "".join(client.get(tab).content.decode() for tab in tabs)
    return {
        name for name, action in HANDLING.items() if f'action="{action.format(id=case.pk)}"' in html
    }


def _client(django_user_model: Any, username: str) -> Client:
    client = Client()
    client.force_login(django_user_model.objects.get(username=username))
    return client


def test_the_ambassador_is_offered_the_7a_determination_and_no_handling(
    demo_site: tuple[demo.DemoAccount, ...], django_user_model: Any
) -> None:
    case = Case.objects.filter(post__code="VIENNA", stage="reception").order_by("pk").first()
    assert case is not None
    ambassador = _client(django_user_model, "senior.rep")
    assert offered(ambassador, case) == set()
    risk = ambassador.get(f"/cases/{case.pk}/political-risk/").content.decode()
    assert f'action="/cases/{case.pk}/political-risk/"' in risk
    # and the actions refuse what the page does not offer
    answer = ambassador.post(
        f"/cases/{case.pk}/stage/", {"version": case.version, "to": "assessment"}
    )
    assert answer.status_code == 403


def test_those_who_handle_the_case_are_offered_its_handling_and_washington_only_reads(
    demo_site: tuple[demo.DemoAccount, ...], django_user_model: Any
) -> None:
    case = Case.objects.filter(post__code="VIENNA", stage="reception").order_by("pk").first()
    assert case is not None
    chair = offered(_client(django_user_model, "committee.chair"), case)
    assert chair == set(HANDLING)
    member = offered(_client(django_user_model, "vienna.member"), case)
    assert member == set(HANDLING) - {"a reveal"}
    idc = next(a.username for a in demo_site if any(r == "idc_member" for r, _ in a.roles))
    assert offered(_client(django_user_model, idc), case) == set()
