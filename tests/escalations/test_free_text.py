"""A mutual problem's texts never name a subject (``6b(1)``, issue 10 finding 3).

A problem is tied to its post and the cases it concerns: its title and description, and the
text of every step (resolution, referral summary, communications, decisions), are checked
against the true names and aliases of those cases and of the post's open cases.
"""

from __future__ import annotations

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
