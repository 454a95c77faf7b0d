"""Forms of the publicity pages. They shape input; the actions decide, and their errors come
back to the fields (``core.forms.ActionForm``)."""

from __future__ import annotations

from typing import Any

from django import forms

from defector.core.forms import MULTIPLE_HINT, ActionForm, checkbox_list
from defector.publicity.choices import (
    SHORT_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    Channel,
    Outcome,
    Position,
    ProposalStatus,
)


def _text(label: str, help_text: str = "", *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX_LENGTH,
        help_text=help_text,
        widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 4}),
    )


def _date(label: str, help_text: str = "", *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"class": "usa-input", "type": "date"}, format="%Y-%m-%d"),
    )


def _select(label: str, choices: Any, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        help_text=help_text,
        widget=forms.Select(attrs={"class": "usa-select"}),
    )


class VersionedForm(ActionForm):
    """A step on a proposal read at a version (``expected_version``: a stale page gets 409)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    action_fields = {"expected_version": "version"}

    def action_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["expected_version"] = data.pop("version", None)
        return data


class ProposalForm(ActionForm):
    """The local committee's proposal to the IDC (``6f``)."""

    summary = _text(
        "What is proposed",
        "The surfacing or publicity proposed, and its purpose. Call the person by the cryptonym, "
        "never by name.",
    )
    window_start = _date("Proposed date, or first day of the window")
    window_end = _date("Last day of the window", "Leave empty for a single date.", required=False)
    channels = forms.MultipleChoiceField(
        label="Channels",
        choices=Channel.choices,
        help_text=MULTIPLE_HINT,
        widget=checkbox_list(),
    )
    other_channel = forms.CharField(
        label="Other channel",
        required=False,
        max_length=SHORT_MAX_LENGTH,
        help_text="Only with Other ticked.",
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    risks = _text(
        "Risks", "To the defector, to sources and methods, to operations and to relations."
    )

    def action_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class SignOffForm(VersionedForm):
    """An agency's sign-off (``5a(6)``)."""

    position = _select("Your agency's position", Position.choices)
    comments = _text("Comments", "Required with an objection; shown to the IDC.", required=False)


class OverrideForm(VersionedForm):
    """The IDC's override of ``5a(5)``."""

    reason = _text(
        "Reason for the override",
        "Why publicity may go ahead before the intelligence objectives are satisfied.",
    )


class DecideForm(VersionedForm):
    """The IDC's decision (``6f``)."""

    outcome = _select("Decision", Outcome.choices)
    reason = _text("Reason", "Required to reject; recorded with the decision.", required=False)


class ReleaseForm(VersionedForm):
    """The release of an approved proposal (``6f``)."""

    released_on = _date("Released on")
    channel = _select("Channel", Channel.choices)
    summary = _text("What was released")


class WithdrawForm(VersionedForm):
    reason = _text("Reason for withdrawing")


#: The statuses a list may be narrowed to, with "before Washington" first.
BEFORE_WASHINGTON = "pending"


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            (BEFORE_WASHINGTON, "Before Washington (sign-offs or decision)"),
            ("", "Any status"),
            *ProposalStatus.choices,
        ],
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
