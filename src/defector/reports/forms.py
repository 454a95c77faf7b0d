"""Forms of the reports pages, on the core form kit."""

from __future__ import annotations

from typing import Any

from django import forms

from defector.core.forms import ActionForm
from defector.reports.choices import COMMENT_MAX_LENGTH


class DraftForm(ActionForm):
    """Draft the case's next report: the comment of the post (no name)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    comment = forms.CharField(
        label="Comment of the post (optional)",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the IDC should know beyond what the case shows. Never a true name: "
        "call the person by the cryptonym.",
    )

    def action_data(self) -> dict[str, Any]:
        return {
            "expected_version": self.cleaned_data["version"],
            "comment": self.cleaned_data["comment"],
        }


class VersionForm(ActionForm):
    """A step of a report (regenerate, send, acknowledge): the version read."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def action_data(self) -> dict[str, Any]:
        return {"expected_version": self.cleaned_data["version"]}
