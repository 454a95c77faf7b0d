"""The forms of Washington's powers: a record entered by the DCI's delegate, and its
revocation."""

from __future__ import annotations

from typing import Any

from django import forms

from defector.core.forms import ActionForm, checkbox_list
from defector.policy import countries
from defector.powers.choices import PowerKind

_DATE = {"type": "date", "class": "usa-input"}


class PowerForm(ActionForm):
    """A presidential direction, a theater of war (``1``) or a DCI determination (``3``)."""

    action_fields = {"cases": "cryptonyms"}

    kind = forms.ChoiceField(
        label="What is recorded",
        choices=PowerKind.choices,
        widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
    )
    reference = forms.CharField(
        label="Reference",
        max_length=300,
        help_text="The citation: the direction's or determination's number and date.",
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    authority = forms.CharField(
        label="Authority",
        required=False,
        max_length=200,
        help_text="Who holds the power. Leave it empty for the President (1) or the "
        "Director of Central Intelligence (3).",
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    countries = forms.MultipleChoiceField(
        label="Countries",
        required=False,
        choices=countries.choices,
        help_text="For 1, where the person is (the theater, or where the direction applies); "
        "for 3, the nationalities it extends the directive to.",
        widget=checkbox_list(),
    )
    cryptonyms = forms.CharField(
        label="Cases it names (optional)",
        required=False,
        max_length=2000,
        help_text="Cryptonyms, separated by commas or spaces. Not for a theater of war.",
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    starts_on = forms.DateField(
        label="First day",
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
    )
    ends_on = forms.DateField(
        label="Last day (optional)",
        required=False,
        help_text="Leave it empty while it stands until revoked.",
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
    )
    text = forms.CharField(
        label="What it says",
        required=False,
        max_length=4000,
        help_text="In short. Call any person by the cryptonym, never by name.",
        widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 3}),
    )

    def action_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "reference": data["reference"],
            "authority": data.get("authority") or "",
            "countries": list(data.get("countries") or []),
            "cryptonyms": (data.get("cryptonyms") or "").replace(",", " ").split(),
            "starts_on": data["starts_on"],
            "ends_on": data.get("ends_on"),
            "text": data.get("text") or "",
        }


class RevokeForm(ActionForm):
    """The revocation of a record, with its reason and its first day."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label="Why it is revoked",
        max_length=4000,
        widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 2}),
    )
    revoked_from = forms.DateField(
        label="From (optional)",
        required=False,
        help_text="The first day it no longer has effect; empty: today.",
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
    )
