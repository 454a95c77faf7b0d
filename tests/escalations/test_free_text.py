"""A mutual problem's texts never name a subject (``6b(1)``, issue 10 finding 3).

A problem is tied to its post and the cases it concerns: its title and description, and the
text of every step (resolution, referral summary, communications, decisions), are checked
against the true names and aliases of those cases and of the post's open cases.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.core.errors import InvalidInput
from defector.escalations import actions
from defector.escalations.models import Problem, Resolution

pytestmark = pytest.mark.django_db

WHERE = "it belongs in the sealed identity (Subject), which is shown only on reveal"


def messages(refused: pytest.ExceptionInfo[InvalidInput]) -> dict[str, str]:
    return {item["field"]: item["message"] for item in refused.value.errors}


def test_a_problem_naming_the_subject_of_an_open_case_of_the_post_is_refused(
    raise_problem: Any, open_case: Any
) -> None:
    open_case()
    with pytest.raises(InvalidInput) as refused:
        raise_problem(
            title="Who houses SHEVCHENKO",
            description="State and the CIA disagree on where to house Arkady.",
        )
    assert set(messages(refused)) == {"title", "description"}
    assert WHERE in messages(refused)["title"]
    assert not Problem.objects.exists()


def test_a_problem_in_cryptonyms_is_accepted(raise_problem: Any, open_case: Any) -> None:
    case = open_case()
    problem = raise_problem(title=f"Who houses {case.cryptonym}", cryptonyms=[case.cryptonym])
    assert problem.pk is not None


def test_a_resolution_naming_the_subject_of_a_concerned_case_is_refused(
    raise_problem: Any, open_case: Any, chair: User
) -> None:
    case = open_case()
    problem = raise_problem(cryptonyms=[case.cryptonym])
    with pytest.raises(InvalidInput) as refused:
        actions.resolve_locally(
            acting_user=chair, problem_id=problem.pk, text="The CIA houses Shevchenko."
        )
    assert WHERE in messages(refused)["text"]
    assert not Resolution.objects.exists()


def test_the_raise_page_puts_the_error_on_the_description(
    client_for: Any, state_member: User, world: Any, open_case: Any
) -> None:
    open_case()
    browser = client_for(state_member)
    page = browser.get("/escalations/new/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    answer = browser.post(
        "/escalations/new/",
        {
            "csrfmiddlewaretoken": token.group(1),
            "post": world.vienna.pk,
            "title": "Housing",
            "description": "Who houses Shevchenko.",
            "agencies": ["CIA", "STATE"],
        },
    )
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "shown only on reveal" in html
    error = re.search(r'id="id_description_error">([^<]*)<', html)
    assert error is not None
    assert "shown only on reveal" in error.group(1)
    assert not Problem.objects.exists()
