"""Tasks to the participating organizations (``6b(3)(d)``): assign, change, answer, withdraw."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from defector.cases.forms.common import (
    CRYPTONYMS_HINT,
    NO_NAMES_HINT,
    HandlingForm,
    date_field,
    select,
    set_officials,
    textarea,
)
from defector.cases.queries import AgencyRef, InvitedRef, OfficialRef


class TaskForm(HandlingForm):
    """Task an agency, or one official (exactly one)."""

    id_prefix = "task"
    action_fields = {"agency_id": "agency", "official_id": "official", "assignee": "agency"}

    title = forms.CharField(
        max_length=200,
        label="Task",
        help_text=f"What is to be done, in a line. {NO_NAMES_HINT}",
        error_messages={"required": "Say what is to be done."},
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
    )
    details = forms.CharField(
        required=False,
        max_length=10_000,
        label="Details",
        help_text=CRYPTONYMS_HINT,
        widget=textarea(3),
    )
    agency = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="To an agency",
        help_text="Any of its officials who may see the case answers for it.",
        widget=select(),
    )
    official = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Or to one official",
        help_text="Choose an agency or an official, not both.",
        widget=select(),
    )
    due_on = date_field("Due on")

    def __init__(
        self,
        *args: Any,
        agencies: Sequence[AgencyRef],
        officials: Sequence[OfficialRef],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        agency: Any = self.fields["agency"]
        agency.choices = [
            ("", "- No agency -"),
            *((str(a.id), f"{a.code}: {a.name}") for a in agencies),
        ]
        set_officials(self.fields["official"], officials, "- No official -")


class TaskEditForm(HandlingForm):
    """Change a task not answered yet."""

    id_prefix = "taskedit"

    title = forms.CharField(
        max_length=200,
        label="Task",
        help_text=NO_NAMES_HINT,
        error_messages={"required": "Say what is to be done."},
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
    )
    details = forms.CharField(
        required=False,
        max_length=10_000,
        label="Details",
        help_text=CRYPTONYMS_HINT,
        widget=textarea(3),
    )
    due_on = date_field("Due on")


class AcceptTaskForm(HandlingForm):
    id_prefix = "accept"


class DeclineTaskForm(HandlingForm):
    id_prefix = "decline"

    reason = forms.CharField(
        max_length=2000,
        label="Why it is declined",
        help_text=f"At least 10 characters. {CRYPTONYMS_HINT}",
        error_messages={"required": "Say why the task is declined."},
        widget=textarea(2),
    )


class CompleteTaskForm(HandlingForm):
    id_prefix = "complete"

    result = forms.CharField(
        max_length=2000,
        label="Result",
        help_text=f"What was done: at least 10 characters. {CRYPTONYMS_HINT}",
        error_messages={"required": "Say what was done."},
        widget=textarea(3),
    )


class WithdrawTaskForm(HandlingForm):
    id_prefix = "taskwithdraw"

    reason = forms.CharField(
        max_length=2000,
        label="Why it is withdrawn",
        help_text=f"At least 10 characters. {CRYPTONYMS_HINT}",
        error_messages={"required": "Say why the task is withdrawn."},
        widget=textarea(2),
    )


class InviteForm(HandlingForm):
    """The chair invites a representative of another agency to the case (``6``)."""

    id_prefix = "invite"
    action_fields = {"official_id": "official"}

    official = forms.TypedChoiceField(
        coerce=int,
        label="Representative to invite",
        help_text="An invited representative at the post, cleared for this case.",
        error_messages={"required": "Choose the representative to invite."},
        widget=select(),
    )

    def __init__(self, *args: Any, invitable: Sequence[InvitedRef], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["official"]
        field.choices = [
            ("", "- Choose a representative -"),
            *((str(o.id), f"{o.name} ({o.agency})") for o in invitable),
        ]


class WithdrawInvitationForm(HandlingForm):
    """The chair withdraws an invitation (``6``)."""

    id_prefix = "uninvite"

    official = forms.IntegerField(widget=forms.HiddenInput)
