"""Forms of the notifications pages: the Acknowledge button (``6e``)."""

from __future__ import annotations

from django import forms

from defector.notifications.actions import ACKNOWLEDGED


class AcknowledgeForm(forms.Form):
    """Which version to acknowledge: hidden fields behind one button."""

    kind = forms.ChoiceField(
        choices=[(kind, kind) for kind in ACKNOWLEDGED],
        widget=forms.HiddenInput,
    )
    id = forms.IntegerField(
        min_value=1,
        widget=forms.HiddenInput,
    )
