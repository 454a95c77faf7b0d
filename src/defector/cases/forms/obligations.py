"""An obligation of a case: discharge it with its evidence, waive it, or give it to someone else."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from defector.cases import queries
from defector.cases.forms.common import NO_NAMES_HINT, DistinctIds, textarea, version_field
from defector.core.forms import ActionForm


class DischargeForm(DistinctIds, ActionForm):
    """Mark an obligation done, with its evidence."""

    id_prefix = "discharge"

    version = version_field()
    evidence = forms.CharField(
        max_length=2000,
        label="Evidence",
        help_text="What discharged it: what was done, when, by whom (officials), with what "
        "result — at least 10 characters. " + NO_NAMES_HINT,
        error_messages={"required": "Say what discharged the obligation."},
        widget=textarea(3),
    )
    evidence_label = forms.ChoiceField(
        required=False,
        label="Record it rests on (optional): kind",
        help_text="A record of this case: a note, a check, the statement, a task …",
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    evidence_id = forms.CharField(
        required=False,
        max_length=64,
        label="Record it rests on (optional): number",
        help_text="Its number, as the case page shows it (Task 3: 3).",
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["evidence_label"]
        field.choices = [("", "- No record -"), *queries.evidence_kinds()]


class WaiveForm(DistinctIds, ActionForm):
    id_prefix = "waive"
    version = version_field()
    reason = forms.CharField(
        max_length=2000,
        label="Why it is waived",
        help_text="At least 10 characters. " + NO_NAMES_HINT,
        error_messages={"required": "Say why the obligation is waived."},
        widget=textarea(2),
    )


class ReassignForm(DistinctIds, ActionForm):
    id_prefix = "reassign"
    action_fields = {"owner_id": "owner"}

    version = version_field()
    owner = forms.TypedChoiceField(
        coerce=int,
        label="Give it to",
        error_messages={"required": "Choose the official."},
        widget=forms.Select(attrs={"class": "usa-select"}),
    )

    def __init__(self, *args: Any, owners: Iterable[queries.OfficialRef], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["owner"]
        field.choices = [("", "- Select an official -")] + [(str(o.id), o.name) for o in owners]
