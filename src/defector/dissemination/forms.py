"""Forms of the dissemination pages: issuing a threat report, and a post's distribution. The
forms shape input; the actions decide, and their errors come back to the fields."""

from __future__ import annotations

from typing import Any, Final

from django import forms

from defector.core.forms import ActionForm
from defector.directory.models import Official
from defector.dissemination.choices import SHORT_MAX_LENGTH, TEXT_MAX_LENGTH, Precedence, Seat

NO_TRUE_NAMES: Final = "Never a true name: the source goes out as the case's cryptonym."


def _line(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=SHORT_MAX_LENGTH,
        help_text=help_text,
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
        error_messages={"required": f"Enter {label.lower()}."},
    )


def _official_label(official: Official) -> str:
    return f"{official} ({official.agency.code}, {official.station})"


class IssueReportForm(ActionForm):
    """A threat report: precedence, what, where, when (``6b(3)(a)``)."""

    precedence = forms.ChoiceField(
        label="Precedence",
        choices=Precedence.choices,
        initial=Precedence.FLASH,
        widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
        help_text="FLASH: an imminent threat to life; climbs its escalation ladder at once.",
    )
    threatened = _line("What is threatened", "Personnel, an installation, hostilities.")
    location = _line("Where", "The place, as precisely as known.")
    timing = _line("When", "The time, as precisely as known, or “not known”.")
    details = forms.CharField(
        label="What else is known",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        help_text=NO_TRUE_NAMES,
        widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": "4"}),
    )


class DistributionForm(ActionForm):
    """Who receives the post's threat reports (the committee chair keeps it)."""

    senior_representative = forms.BooleanField(label="The senior US representative", required=False)
    committee_chair = forms.BooleanField(label="The committee chair", required=False)
    idc = forms.BooleanField(label="The IDC in Washington", required=False)
    security_officers = forms.ModelMultipleChoiceField(
        label="Post security officers",
        queryset=Official.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "usa-select", "size": "6"}),
    )
    agency_representatives = forms.ModelMultipleChoiceField(
        label="Agencies' representatives",
        queryset=Official.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "usa-select", "size": "6"}),
    )

    def __init__(self, *args: Any, officials: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queryset = officials if officials is not None else Official.objects.none()
        for name in ("security_officers", "agency_representatives"):
            field = self.fields[name]
            if isinstance(field, forms.ModelMultipleChoiceField):
                field.queryset = queryset
                field.label_from_instance = _official_label  # type: ignore[method-assign,assignment]

    def action_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        members = [
            {"official_id": o.pk, "seat": Seat.SECURITY_OFFICER, "label": ""}
            for o in data["security_officers"]
        ]
        members += [
            {"official_id": o.pk, "seat": Seat.AGENCY_REPRESENTATIVE, "label": o.agency.code}
            for o in data["agency_representatives"]
            if o not in data["security_officers"]
        ]
        return {
            "senior_representative": data["senior_representative"],
            "committee_chair": data["committee_chair"],
            "idc": data["idc"],
            "members": members,
        }
