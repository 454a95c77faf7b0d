"""Bona fides (``6b(3)(b)``): add a check, record its result, record a verdict."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone

from defector.cases.choices import BonaFidesCheckKind, BonaFidesVerdictKind, CheckResult
from defector.cases.forms.common import (
    CRYPTONYMS_HINT,
    HandlingForm,
    date_field,
    select,
    set_officials,
    textarea,
)
from defector.cases.queries import CheckView, OfficialRef


class CheckForm(HandlingForm):
    """Add a check to the bona fides checklist; with its result when it is already made."""

    id_prefix = "bfcheck"
    action_fields = {"analyst_id": "analyst"}

    kind = forms.ChoiceField(
        choices=[("", "- Select a check -"), *BonaFidesCheckKind.choices],
        label="Check",
        error_messages={"required": "Choose the kind of check."},
        widget=select(),
    )
    analyst = forms.TypedChoiceField(
        coerce=int,
        label="Analyst",
        help_text="Who makes the check: an official who may see the case.",
        error_messages={"required": "Choose the analyst."},
        widget=select(),
    )
    result = forms.ChoiceField(
        choices=CheckResult.choices,
        initial=CheckResult.PENDING,
        label="Result",
        help_text="Pending until the check is made.",
        widget=select(),
    )
    checked_on = date_field("Date of the check", "Required with a result.", required=False)
    finding = forms.CharField(
        required=False,
        max_length=2000,
        label="Finding",
        help_text=f"What the check found, in short; required with a result. {CRYPTONYMS_HINT}",
        widget=textarea(2),
    )

    def __init__(self, *args: Any, analysts: Sequence[OfficialRef], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_officials(self.fields["analyst"], analysts, "- Select an official -")


class CheckResultForm(HandlingForm):
    """Record the result of a pending check: final once recorded."""

    id_prefix = "bfresult"

    result = forms.ChoiceField(
        choices=[("", "- Select the result -")]
        + [(value, label) for value, label in CheckResult.choices if value != CheckResult.PENDING],
        label="Result",
        error_messages={"required": "Choose the result."},
        widget=select(),
    )
    checked_on = date_field("Date of the check")
    finding = forms.CharField(
        max_length=2000,
        label="Finding",
        help_text=f"What the check found, in short. {CRYPTONYMS_HINT}",
        error_messages={"required": "Say what the check found."},
        widget=textarea(3),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("checked_on", timezone.localdate())


class VerdictForm(HandlingForm):
    """A verdict on bona fides, citing the completed checks it rests on."""

    id_prefix = "verdict"
    action_fields = {"check_ids": "checks"}

    verdict = forms.ChoiceField(
        choices=BonaFidesVerdictKind.choices,
        label="Verdict",
        error_messages={"required": "Choose the verdict."},
        widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
    )
    checks = forms.TypedMultipleChoiceField(
        coerce=int,
        label="The checks it rests on",
        help_text="Completed checks only. Established needs none of them inconsistent.",
        error_messages={"required": "Cite at least one completed check."},
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}),
    )
    rationale = forms.CharField(
        max_length=4000,
        label="Rationale",
        help_text=f"Why, from the checks: at least 10 characters. {CRYPTONYMS_HINT}",
        error_messages={"required": "Give the rationale."},
        widget=textarea(3),
    )

    def __init__(self, *args: Any, checks: Sequence[CheckView], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["checks"]
        field.choices = [
            (str(check.id), f"{check.kind_label} (check {check.id}): {check.result_label}")
            for check in checks
            if check.completed
        ]
