"""Forms of the committees pages. They only shape the input; the actions validate it, and
their field errors come back to the forms' fields (``core.forms.ActionForm``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

from django import forms

from defector.committees.choices import AttendanceStatus, BriefingPosition
from defector.core.forms import ActionForm
from defector.directory.models import Official
from defector.policy.gates import committees as gate

CRYPTONYMS_ONLY: Final = (
    "Cryptonyms only: never write a true name, or anything else that identifies a person."
)


def _text(label: str, *, max_length: int, required: bool = True, help_text: str = "") -> Any:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )


def _area(label: str, *, rows: int = 6, required: bool = True, help_text: str = "") -> Any:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        strip=True,
        widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": rows}),
    )


def _when(label: str, help_text: str = "") -> Any:
    return forms.DateTimeField(
        label=label,
        help_text=help_text or "Date and time in UTC.",
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "class": "usa-input"}, format="%Y-%m-%dT%H:%M"
        ),
    )


def _choice(label: str, choices: Sequence[tuple[str, str]], *, required: bool = True) -> Any:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.Select(attrs={"class": "usa-select"}),
    )


def official_choices(officials: Iterable[Official], empty: str) -> list[tuple[str, str]]:
    return [("", empty), *((str(o.pk), f"{o} ({o.agency.code})") for o in officials)]


class ConfirmForm(ActionForm):
    """A button with nothing to fill in (approve, forward, acknowledge, draw the agenda)."""


class MeetingForm(ActionForm):
    starts_at = _when("Starts (UTC)")
    ends_at = _when("Ends (UTC)")
    place = _text(
        "Place",
        max_length=200,
        help_text="Where, in words that name no one: e.g. Chancery, secure conference room.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", "Must be after the start.")
        return data


class CancelForm(ActionForm):
    reason = _text("Reason (optional)", max_length=500, required=False)


class InviteForm(ActionForm):
    action_fields = {"official_id": "official"}

    official = _choice("Invited representative", [])

    def __init__(self, *args: Any, officials: Iterable[Official] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["official"]
        field.choices = official_choices(officials, "- Select a representative -")


class AgendaItemForm(ActionForm):
    title = _text("Item", max_length=300, help_text=CRYPTONYMS_ONLY)
    notes = _area("Notes (optional)", rows=2, required=False, help_text=CRYPTONYMS_ONLY)


class RemoveItemForm(ActionForm):
    item = forms.IntegerField(widget=forms.HiddenInput)


class AttendanceForm(ActionForm):
    """One choice per official who may attend: present, absent, excused."""

    def __init__(
        self,
        *args: Any,
        rows: Iterable[Any] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for row in rows:
            name = f"official_{row.official.pk}"
            self.fields[name] = _choice(
                f"{row.official} ({row.role})",
                [("", "- Not recorded -"), *AttendanceStatus.choices],
                required=False,
            )
            if row.status:
                self.initial.setdefault(name, row.status)
        self.action_fields = {
            f"attendance.{name.removeprefix('official_')}": name for name in self.fields
        }

    def entries(self) -> dict[int, str]:
        return {
            int(name.removeprefix("official_")): value
            for name, value in self.cleaned_data.items()
            if value
        }


class MinutesForm(ActionForm):
    text = _area(
        "Text of the minutes",
        rows=12,
        help_text=CRYPTONYMS_ONLY + " The chair approves them; then they go to the IDC.",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


def _section_field(key: str) -> str:
    return "section_" + key.replace("(", "_").replace(")", "")


SECTION_FIELDS: Final[dict[str, str]] = {key: _section_field(key) for key in gate.REQUIRED_SECTIONS}


class ProceduresForm(ActionForm):
    """A draft of the local operating procedures: the six sections and the post's clocks."""

    action_fields = {
        **{f"sections.{key}": name for key, name in SECTION_FIELDS.items()},
        **{f"clocks.{name}": name for name in gate.DEFAULT_CLOCKS},
    }

    note = _text("What this version changes", max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, title in gate.REQUIRED_SECTIONS.items():
            self.fields[SECTION_FIELDS[key]] = _area(
                f"{key}: {title}",
                rows=4,
                required=False,
                help_text="Required before the version can take effect. " + CRYPTONYMS_ONLY,
            )
        for name, label, unit, default, low, high in gate.CLOCKS:
            self.fields[name] = forms.IntegerField(
                label=f"{label} ({unit})",
                min_value=low,
                max_value=high,
                initial=default,
                help_text=f"From {low} to {high}; the directive's clause: "
                f"{gate.CLOCK_CLAUSES[name]}.",
                widget=forms.NumberInput(attrs={"class": "usa-input usa-input--small"}),
            )

    def section_fields(self) -> list[Any]:
        return [self[name] for name in SECTION_FIELDS.values()]

    def clock_fields(self) -> list[Any]:
        return [self[name] for name in gate.DEFAULT_CLOCKS]

    def sections(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(name) or "" for key, name in SECTION_FIELDS.items()}

    def clocks(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in gate.DEFAULT_CLOCKS}

    @staticmethod
    def initial_from(version: Any) -> dict[str, Any]:
        stored = version.sections or {}
        return {
            "note": "",
            **{name: stored.get(key, "") for key, name in SECTION_FIELDS.items()},
            **version.clocks(),
        }


class RegisterForm(ActionForm):
    action_fields = {"official_id": "official"}

    official = _choice("Official in the directory", [], required=False)
    name = _text(
        "Or their name",
        max_length=200,
        required=False,
        help_text="When the official is not in the directory.",
    )
    position = _choice("Position", [("", "- Select a position -"), *BriefingPosition.choices])
    position_detail = _text("Position in detail (optional)", max_length=200, required=False)

    def __init__(self, *args: Any, officials: Iterable[Official] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["official"]
        field.choices = official_choices(officials, "- Not in the directory -")


class BriefingForm(ActionForm):
    action_fields = {"briefed_by_id": "briefed_by"}

    person = forms.IntegerField(widget=forms.HiddenInput)
    briefed_on = forms.DateField(
        label="Briefed on",
        widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"}, format="%Y-%m-%d"),
    )
    briefed_by = _choice("Briefed by", [])
    topics = _area("On what", rows=3, help_text=CRYPTONYMS_ONLY)

    def __init__(self, *args: Any, officials: Iterable[Official] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["briefed_by"]
        field.choices = official_choices(officials, "- Select the official -")


class RegisterActiveForm(ActionForm):
    person = forms.IntegerField(widget=forms.HiddenInput)
    active = forms.BooleanField(required=False, widget=forms.HiddenInput)


class GuidanceForm(ActionForm):
    document = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = _text("Title", max_length=200)
    body = _area("Guidance", rows=8, help_text=CRYPTONYMS_ONLY)


class VersionForm(ActionForm):
    """Names one version (of guidance) or one meeting to act on."""

    target = forms.IntegerField(widget=forms.HiddenInput)
