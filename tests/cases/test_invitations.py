"""Invited representatives (6): the committee's chair invites a representative of another
agency to a case, and may withdraw the invitation; the invited official is told by a notice
(cryptonym only) and sees the case; a task to their agency then works. From the case page and
the API, audited, and the same answer for a repeated invitation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from defector.cases import actions, queries
from defector.cases.models import Case
from defector.core.access import Action, can
from defector.core.actions import create_api_token
from defector.core.errors import InvalidInput, NotFound, PermissionDenied
from defector.core.models import AuditEvent
from defector.directory.models import Official
from defector.notifications.models import Notice
from support.builders import TRUE_NAME

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(open_case: Any, walk_in_facts: dict[str, Any]) -> Case:
    return open_case(facts=walk_in_facts)


@pytest.fixture
def state_rep(make_official: Any, world: Any) -> User:
    """An invited representative at Vienna from the Department of State."""
    return make_official("state.rep", ("invited_representative", world.vienna), agency=world.state)


def version(case: Case) -> int:
    case.refresh_from_db()
    return case.version


def official_of(user: User) -> Official:
    return Official.objects.get(user=user)


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def invite(case: Case, user: User, rep: User) -> Case:
    return actions.invite_to_case(
        acting_user=user,
        case_id=case.pk,
        expected_version=version(case),
        official_id=official_of(rep).pk,
    )


def test_the_chair_invites_a_representative_who_then_sees_the_case_and_is_told(
    case: Case, chair: User, state_rep: User, django_capture_on_commit_callbacks: Any
) -> None:
    assert not can(state_rep, Action.VIEW, case)
    with django_capture_on_commit_callbacks(execute=True):
        invite(case, chair, state_rep)
    assert can(state_rep, Action.VIEW, case)
    assert [ref.agency for ref in queries.invited_of(case)] == ["STATE"]
    notice = Notice.objects.get(recipient__user=state_rep)
    assert case.cryptonym in notice.summary
    assert TRUE_NAME not in notice.summary
    assert notice.link == reverse("cases:detail", args=[case.pk])
    event = AuditEvent.objects.filter(action="cases.case.invite").get()
    assert event.after["agency"] == "STATE"


def test_a_repeated_invitation_changes_nothing(case: Case, chair: User, state_rep: User) -> None:
    invite(case, chair, state_rep)
    before = version(case), AuditEvent.objects.count()
    invite(case, chair, state_rep)
    assert (version(case), AuditEvent.objects.count()) == before


def test_only_the_chair_invites(
    case: Case, officer: User, member: User, senior: User, state_rep: User
) -> None:
    for user in (officer, member, senior):
        with pytest.raises(PermissionDenied, match="only the chair") as refused:
            invite(case, user, state_rep)
        assert refused.value.clauses == ("6",)
    assert not case.invited.exists()


def test_only_an_invited_representative_at_the_post_cleared_for_the_case_is_invited(
    case: Case, chair: User, member: User, make_official: Any, world: Any
) -> None:
    with pytest.raises(InvalidInput, match="must be an active invited representative"):
        invite(case, chair, member)
    uncleared = make_official(
        "low.rep", ("invited_representative", world.vienna), clearance="CONFIDENTIAL"
    )
    with pytest.raises(InvalidInput, match="not cleared"):
        invite(case, chair, uncleared)
    elsewhere = make_official("bonn.rep", ("invited_representative", world.bonn))
    with pytest.raises(InvalidInput, match="at VIENNA"):
        invite(case, chair, elsewhere)
    assert not case.invited.exists()


def test_the_task_form_offers_only_agencies_that_may_take_the_task_and_then_the_invited_one(
    case: Case, chair: User, state_rep: User, world: Any
) -> None:
    assert [a.code for a in queries.agencies_for_tasks(chair, case)] == ["CIA"]
    invite(case, chair, state_rep)
    assert [a.code for a in queries.agencies_for_tasks(chair, case)] == ["CIA", "STATE"]
    task = actions.create_task(
        acting_user=chair,
        case_id=case.pk,
        expected_version=version(case),
        title="Consular records for the case",
        due_on="2099-01-01",
        agency_id=world.state.pk,
    )
    assert task.agency == world.state


def test_a_withdrawn_invitation_hides_the_case_and_tells_the_official(
    case: Case, chair: User, state_rep: User, django_capture_on_commit_callbacks: Any
) -> None:
    invite(case, chair, state_rep)
    with django_capture_on_commit_callbacks(execute=True):
        actions.withdraw_invitation(
            acting_user=chair,
            case_id=case.pk,
            expected_version=version(case),
            official_id=official_of(state_rep).pk,
        )
    assert not can(state_rep, Action.VIEW, case)
    assert "withdrawn" in Notice.objects.get(recipient__user=state_rep).summary
    assert AuditEvent.objects.filter(action="cases.case.uninvite").count() == 1
    with pytest.raises(NotFound):
        actions.withdraw_invitation(
            acting_user=chair,
            case_id=case.pk,
            expected_version=version(case),
            official_id=official_of(state_rep).pk,
        )


def test_the_api_invites_lists_and_withdraws(
    case: Case, chair: User, member: User, state_rep: User
) -> None:
    def call(user: User, path: str, body: object) -> Any:
        _, token = create_api_token(acting_user=user, user=user, name="tests")
        return Client().post(
            f"/api/v1/cases/{case.pk}{path}",
            data=json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": f"k-{path}-{user}"},
        )

    rep = official_of(state_rep).pk
    refused = call(member, "/invited", {"official_id": rep, "version": version(case)})
    assert refused.status_code == 403
    answer = call(chair, "/invited", {"official_id": rep, "version": version(case)})
    assert answer.status_code == 200, answer.content
    assert answer.json() == [{"id": rep, "name": str(official_of(state_rep)), "agency": "STATE"}]
    stale = call(chair, f"/invited/{rep}/withdraw", {"version": 1})
    assert stale.status_code == 409
    done = call(chair, f"/invited/{rep}/withdraw", {"version": version(case)})
    assert done.status_code == 200
    assert done.json() == []


def test_the_case_page_offers_the_chair_the_invitation_and_links_to_it_from_the_task_form(
    case: Case, chair: User, officer: User, state_rep: User, client_for: Any
) -> None:
    browser = client_for(chair)
    page = browser.get(reverse("cases:tab", args=[case.pk, "invited"])).content.decode()
    assert f'action="{reverse("cases:invite", args=[case.pk])}"' in page
    tasks = browser.get(reverse("cases:tab", args=[case.pk, "tasks"])).content.decode()
    assert f'href="{reverse("cases:tab", args=[case.pk, "invited"])}#section-invited"' in tasks
    posted = post(
        browser,
        reverse("cases:invite", args=[case.pk]),
        {"version": version(case), "official": official_of(state_rep).pk},
    )
    assert posted.status_code == 302
    assert case.invited.filter(user=state_rep).exists()
    officer_browser = client_for(officer)
    officer_page = officer_browser.get(reverse("cases:tab", args=[case.pk, "tasks"]))
    invited = officer_browser.get(reverse("cases:tab", args=[case.pk, "invited"]))
    assert f'action="{reverse("cases:invite", args=[case.pk])}"'.encode() not in invited.content
    assert b"ask the committee's chair" in officer_page.content
    refused = post(
        officer_browser,
        reverse("cases:invite", args=[case.pk]),
        {"version": version(case), "official": official_of(state_rep).pk},
    )
    assert refused.status_code == 403
