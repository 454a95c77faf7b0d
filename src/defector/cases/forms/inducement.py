"""Inducement on the case page: the consideration of recruitment in place (``5a(1)``),
inducement plans and acts (``2b``, ``5a(4)``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from defector.cases.choices import RecruitmentConclusion
from defector.cases.forms.common import (
    CRYPTONYMS_ONLY,
    TIME_FORMATS,
    DistinctIds,
    radios,
    select,
    textarea,
    version_field,
)
from defector.cases.queries import PlanView, Ref
from defector.core.forms import ActionForm


class ConsiderationForm(DistinctIds, ActionForm):
    """The consideration of recruitment in place (``5a(1)``)."""

    id_prefix = "consider"
    version = version_field()
    conclusion = forms.ChoiceField(
        choices=RecruitmentConclusion.choices,
        label="Conclusion",
        error_messages={"required": "Choose the conclusion."},
        widget=radios(),
    )
    reasoning = forms.CharField(
        max_length=10_000,
        label="Reasoning",
        help_text=f"Would recruitment in place better serve US interests? {CRYPTONYMS_ONLY}",
        error_messages={"required": "Give the reasoning."},
        widget=textarea(3),
    )


class PlanForm(DistinctIds, ActionForm):
    """An inducement plan (``2b``, ``5a(1)``, ``5a(4)``, ``7a``)."""

    id_prefix = "plan"
    version = version_field()
    description = forms.CharField(
        max_length=10_000,
        label="The approach planned",
        help_text=f"At least 10 characters. {CRYPTONYMS_ONLY}",
        error_messages={"required": "Describe the plan."},
        widget=textarea(4),
    )
    group_size = forms.IntegerField(
        min_value=1,
        initial=1,
        label="Persons the plan aims to induce",
        error_messages={
            "required": "Say how many persons the plan aims at.",
            "min_value": "A plan aims at one person at least.",
        },
        widget=forms.NumberInput(attrs={"class": "usa-input usa-input--small", "min": "1"}),
    )

    def __init__(self, *args: Any, max_group: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group_size"].help_text = (
            f"No action may encourage the departure of large numbers (5a(4)): at most "
            f"{max_group} here."
        )


class ActForm(DistinctIds, ActionForm):
    """An act of inducement (``2b``) under a plan, with the official who committed or
    instigated it."""

    id_prefix = "act"
    action_fields = {
        "committed_by_id": "committed_by",
        "instigated_by_id": "instigated_by",
        "plan_id": "plan",
    }

    version = version_field()
    plan = forms.TypedChoiceField(
        coerce=int,
        label="Plan",
        error_messages={"required": "Choose the plan the act belongs to."},
        widget=select(),
    )
    occurred_at = forms.DateTimeField(
        required=False,
        input_formats=TIME_FORMATS,
        label="When (UTC)",
        help_text="Leave it empty for now.",
        widget=forms.DateTimeInput(
            attrs={"class": "usa-input", "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
    )
    committed_by = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Committed by",
        help_text="The US official who did it; or name who instigated it, or both.",
        widget=select(),
    )
    instigated_by = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Instigated by",
        widget=select(),
    )
    description = forms.CharField(
        max_length=10_000,
        label="What was done",
        help_text=f"At least 10 characters. {CRYPTONYMS_ONLY}",
        error_messages={"required": "Say what was done."},
        widget=textarea(3),
    )

    def __init__(
        self, *args: Any, plans: Sequence[PlanView], officials: Sequence[Ref], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        plan: Any = self.fields["plan"]
        plan.choices = [("", "- Select a plan -")] + [
            (str(p.id), f"Plan {p.id}: {p.description[:60]}") for p in plans
        ]
        if len(plans) == 1:
            self.initial.setdefault("plan", str(plans[0].id))
        people = [("", "- Nobody -")] + [(str(o.id), o.name) for o in officials]
        committed: Any = self.fields["committed_by"]
        committed.choices = people
        instigated: Any = self.fields["instigated_by"]
        instigated.choices = people
