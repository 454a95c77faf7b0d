"""Committee texts never name a subject (``6b(1)``, issue 10 finding 3).

Minutes, agenda items and a meeting's cancellation reason are tied to the post, not to one
case: they are checked against the true names and aliases of the post's open cases and of
the cases on the meeting's agenda, and refused with an error that says where the name belongs.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases import actions as case_actions
from defector.cases.choices import Stage
from defector.cases.models import Case
from defector.committees import actions
from defector.committees.models import AgendaItem, Minutes
from defector.core.errors import InvalidInput
from defector.directory.models import Compartment

from .conftest import Schedule, World, at

pytestmark = pytest.mark.django_db

WHERE = "it belongs in the sealed identity (Subject), which is shown only on reveal"


@pytest.fixture
def vienna_case(world: World, officer: User) -> Case:
    return case_actions.open_case(
        acting_user=officer,
        post_id=world.vienna.pk,
        sensitivity="SECRET",
        true_name="Ivan Sergeyevich Petrov",
        aliases="Vanya",
    )


def messages(refused: pytest.ExceptionInfo[InvalidInput]) -> dict[str, str]:
    return {item["field"]: item["message"] for item in refused.value.errors}


@pytest.mark.parametrize(
    "text",
    ["Petrov asked for asylum.", "PÉTROV  asked again.", "Vanya was calm."],
    ids=["the surname", "the surname in capitals with a diacritic", "an alias"],
)
def test_minutes_naming_a_subject_of_the_posts_open_cases_are_refused(
    vienna_case: Case, schedule: Schedule, member: User, text: str
) -> None:
    meeting = schedule(at(2026, 3, 5), held=True)
    with pytest.raises(InvalidInput) as refused:
        actions.save_minutes(acting_user=member, meeting_id=meeting.pk, text=text)
    assert WHERE in messages(refused)["text"]
    assert not Minutes.objects.filter(meeting=meeting).exists()


def test_minutes_in_cryptonyms_are_accepted(
    vienna_case: Case, schedule: Schedule, member: User
) -> None:
    meeting = schedule(at(2026, 3, 5), held=True)
    text = f"{vienna_case.cryptonym}: checks continue on Petrovsky Prospekt."
    minutes = actions.save_minutes(acting_user=member, meeting_id=meeting.pk, text=text)
    assert minutes.text == text


def test_an_agenda_item_naming_a_subject_is_refused_on_its_field(
    vienna_case: Case, schedule: Schedule, member: User
) -> None:
    meeting = schedule(at(2026, 3, 5))
    with pytest.raises(InvalidInput) as refused:
        actions.add_agenda_item(
            acting_user=member,
            meeting_id=meeting.pk,
            title="Review of the walk-in drill",
            notes="Ivan Petrov is to be moved.",
        )
    assert set(messages(refused)) == {"notes"}
    assert not AgendaItem.objects.filter(meeting=meeting).exists()


def test_a_closed_case_on_the_agenda_is_still_checked(
    vienna_case: Case, schedule: Schedule, member: User, chair: User
) -> None:
    meeting = schedule(at(2026, 3, 5))
    actions.draw_agenda(acting_user=member, meeting_id=meeting.pk)
    Case.objects.filter(pk=vienna_case.pk).update(stage=Stage.CLOSED, outcome="withdrew")
    actions.mark_meeting_held(acting_user=chair, meeting_id=meeting.pk, now=at(2026, 3, 5, 12))
    with pytest.raises(InvalidInput):
        actions.save_minutes(acting_user=member, meeting_id=meeting.pk, text="Petrov left.")


def test_a_subject_of_another_post_is_not_looked_for(
    world: World, schedule: Schedule, member: User, make_official: Any
) -> None:
    bonn_officer = make_official("otto.krause", ("case_officer", world.bonn))
    case_actions.open_case(
        acting_user=bonn_officer, post_id=world.bonn.pk, sensitivity="SECRET", true_name="Petrov"
    )
    meeting = schedule(at(2026, 3, 5), held=True)
    minutes = actions.save_minutes(acting_user=member, meeting_id=meeting.pk, text="Petrov.")
    assert minutes.pk is not None


def test_minutes_are_not_checked_against_a_case_hidden_from_their_writer(
    world: World, make_official: Any, schedule: Schedule, member: User
) -> None:
    """A refusal over a case the member may not see would tell them that someone of that
    name is a subject at the post: such a case's names are not looked for."""
    alpha = Compartment.objects.create(code="ALPHA", name="Alpha")
    cleared = make_official("alex.cleared", ("case_officer", world.vienna), compartments=[alpha])
    case_actions.open_case(
        acting_user=cleared,
        post_id=world.vienna.pk,
        sensitivity="SECRET",
        compartments=["ALPHA"],
        true_name="Boris Nikolayevich Orlov",
    )
    meeting = schedule(at(2026, 3, 5), held=True)
    minutes = actions.save_minutes(
        acting_user=member, meeting_id=meeting.pk, text="Orlov was not discussed."
    )
    assert minutes.text == "Orlov was not discussed."
