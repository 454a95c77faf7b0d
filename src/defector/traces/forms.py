"""Forms of the traces pages: running a trace on a case, marking a hit, concluding a trace on
the bona fides checklist, and uploading a watch list. The forms shape input; the actions (and
``traces.validation``) decide, and their errors come back to the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html

from defector.cases.choices import CheckResult
from defector.core.forms import ActionForm
from defector.policy import countries
from defector.traces.choices import NAME_MAX_LENGTH, SOURCE_NAME_MAX_LENGTH, HitMark
from defector.traces.validation import COLUMNS, MAX_FILE_BYTES


def _nationality_choices() -> list[tuple[str, str]]:
    return [("", "Not known"), *countries.choices()]


class RunTraceForm(ActionForm):
    """Trace the subject's own names (the name left empty) or a name given."""

    name = forms.CharField(
        label="Name to trace",
        required=False,
        max_length=NAME_MAX_LENGTH,
        help_text=(
            "Leave empty to trace the subject's sealed names and aliases. A name given here is "
            "sealed with the trace, never shown in lists."
        ),
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
    )
    dob = forms.CharField(
        label="Date of birth",
        required=False,
        max_length=10,
        help_text="YYYY-MM-DD, YYYY-MM or YYYY; only with a name given.",
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
    )
    nationality = forms.ChoiceField(
        label="Nationality",
        required=False,
        choices=_nationality_choices,
        help_text="Only with a name given.",
        widget=forms.Select(attrs={"class": "usa-select"}),
    )


class MarkHitForm(ActionForm):
    mark = forms.ChoiceField(
        label="Mark",
        choices=HitMark.choices,
        widget=forms.HiddenInput,
    )


class ConcludeTraceForm(ActionForm):
    """Record the trace's outcome on the bona fides checklist."""

    result = forms.ChoiceField(
        label="Result for the bona fides checklist",
        choices=[(value, label) for value, label in CheckResult.choices if value != "pending"],
        help_text="Recorded as a completed name-traces check, with the trace's hits as finding.",
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
    )
    action_fields = {"expected_version": "version"}

    def action_data(self) -> dict[str, Any]:
        return {
            "result": self.cleaned_data["result"],
            "expected_version": self.cleaned_data.get("version"),
        }


class UploadWatchlistForm(ActionForm):
    """A watch list's CSV file (``contracts/traces.md``), imported all or nothing."""

    source = forms.CharField(
        label="Watch list name",
        required=False,
        max_length=SOURCE_NAME_MAX_LENGTH,
        help_text="By default the file's name without its extension. Importing a list of the "
        "same name again replaces its entries.",
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
    )
    file = forms.FileField(
        label="CSV file",
        # The columns are named as the file must name them (the contract): shown as code.
        help_text=format_html(
            "UTF-8, a header row; columns {}, {}, {} (separated by ;), {} (YYYY-MM-DD, YYYY-MM "
            "or YYYY) and {} (a country code).",
            *(format_html("<code>{}</code>", column) for column in COLUMNS),
        ),
        widget=forms.ClearableFileInput(attrs={"class": "usa-file-input", "accept": ".csv"}),
        error_messages={"required": "Choose the CSV file."},
    )
    sentence_case = False

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: "
                "import it with the defector import-watchlist command."
            )
        return upload

    def action_data(self) -> dict[str, Any]:
        upload = self.cleaned_data["file"]
        name = self.cleaned_data.get("source") or upload.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        return {"source": name, "data": upload.read()}
