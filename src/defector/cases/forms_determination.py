"""Forms of the determinations on the case page: the ``7a`` political-risk determination,
the status determination (``6b(2)``) with each agency's position, the referral as a refugee
(``2f``), the consideration of recruitment in place (``5a(1)``), inducement plans and acts
(``2b``, ``5a(4)``).

The forms only shape the input; the actions (``cases.actions_determination``) validate it,
and their field errors come back to the forms' fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from django import forms

from defector.cases.choices import (
    AgencyStance,
    RecruitmentConclusion,
    RiskLevel,
    RiskSubject,
    StatusDecision,
)
from defector.cases.forms import (
    NO_NAMES_HINT,
    TIME_FORMATS,
    ActionErrorsMixin,
    DistinctIds,
    _textarea,
    _version_field,
)
from defector.cases.queries import PlanView, Ref
from defector.core.forms import UswdsBoundField
from defector.directory.models import Agency

CRYPTONYMS_ONLY: Final = "Not sealed: call the person by the cryptonym, never by name."
_POSITION_PATH: Final = re.compile(r"positions\[(?P<index>[0-9]+)\](\.(?P<name>[a-z_]+))?")


def _radios() -> forms.RadioSelect:
    return forms.RadioSelect(attrs={"class": "usa-radio__input"})


def _select() -> forms.Select:
    return forms.Select(attrs={"class": "usa-select"})


class RiskForm(DistinctIds, ActionErrorsMixin, forms.Form):
    """The Senior US Representative's determination (``7a``)."""

    id_prefix = "risk"
    bound_field_class = UswdsBoundField

    version = _version_field()
    subject = forms.ChoiceField(
        choices=RiskSubject.choices,
        initial=RiskSubject.CASE,
        label="Determination about",
        help_text="The case as a whole, or one action contemplated toward the person. A new "
        "determination replaces the one in force on the same subject; the earlier is kept.",
        widget=_select(),
    )
    level = forms.ChoiceField(
        choices=RiskLevel.choices,
        label="Risk to the political and diplomatic interests of the US",
        help_text="Prohibitive: the action must not be taken (a grant of status, or an "
        "inducement plan, is then refused).",
        error_messages={"required": "Choose the level of risk."},
        widget=_radios(),
    )
    reasoning = forms.CharField(
        max_length=10_000,
        label="Reasoning",
        help_text=f"At least 10 characters. {CRYPTONYMS_ONLY}",
        error_messages={"required": "Give the reasoning."},
        widget=_textarea(4),
    )


class StatusForm(DistinctIds, ActionErrorsMixin, forms.Form):
    """The committee's determination of defector status (``6b(2)``), with one position for
    each agency represented on the post's committee (``stance_<id>``, ``note_<id>``)."""

    id_prefix = "status"
    bound_field_class = UswdsBoundField
    action_fields = {"on_behalf_of_id": "on_behalf_of"}

    version = _version_field()
    decision = forms.ChoiceField(
        choices=StatusDecision.choices,
        label="Decision",
        help_text="A grant needs a defector (2a), bona fides established (6b(3)(b)), a signed "
        "statement on file (6b(3)(c)) and the 7a determination.",
        error_messages={"required": "Choose grant, decline or defer."},
        widget=_radios(),
    )
    special_value = forms.CharField(
        max_length=10_000,
        label="Special value weighed (2a(1)–(3))",
        help_text=f"Information, operational value, psychological exploitation. {NO_NAMES_HINT}",
        error_messages={"required": "Say what special value the committee weighed."},
        widget=_textarea(3),
    )
    rationale = forms.CharField(
        max_length=10_000,
        label="Rationale: special value against political risk",
        help_text=f"At least 10 characters. {CRYPTONYMS_ONLY}",
        error_messages={"required": "Give the rationale."},
        widget=_textarea(4),
    )
    on_behalf_of = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="On behalf of the chair",
        help_text="You are a member: the determination is recorded on the chair's behalf.",
        widget=_select(),
    )

    def __init__(
        self,
        *args: Any,
        agencies: Sequence[Agency],
        chairs: Sequence[Ref] = (),
        member_for_chair: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = list(agencies)
        if member_for_chair:
            field: Any = self.fields["on_behalf_of"]
            field.choices = [("", "- Select the chair -")] + [(str(c.id), c.name) for c in chairs]
            if len(chairs) == 1:
                self.initial.setdefault("on_behalf_of", str(chairs[0].id))
        else:
            del self.fields["on_behalf_of"]
        for agency in self.agencies:
            self.fields[f"stance_{agency.pk}"] = forms.ChoiceField(
                choices=AgencyStance.choices,
                label=f"{agency.code}: {agency.name}",
                error_messages={"required": f"Give the position of {agency.code}."},
                widget=_radios(),
            )
            self.fields[f"note_{agency.pk}"] = forms.CharField(
                required=False,
                max_length=10_000,
                label=f"{agency.code}: note",
                help_text="Required with a dissent: say why. " + NO_NAMES_HINT,
                widget=_textarea(2),
            )

    def position_fields(self) -> list[tuple[Agency, Any, Any]]:
        return [
            (agency, self[f"stance_{agency.pk}"], self[f"note_{agency.pk}"])
            for agency in self.agencies
        ]

    def positions(self) -> list[dict[str, Any]]:
        """The ``positions`` argument of the action (call after ``is_valid``)."""
        data = self.cleaned_data
        return [
            {
                "agency_id": agency.pk,
                "stance": data.get(f"stance_{agency.pk}") or "",
                "note": data.get(f"note_{agency.pk}") or "",
            }
            for agency in self.agencies
        ]

    def add_action_errors(self, errors: Iterable[Mapping[str, str]]) -> None:
        """``positions[1].note`` goes to the note of the second agency."""
        rest = []
        for error in errors:
            match = _POSITION_PATH.fullmatch(error.get("field", ""))
            index = int(match["index"]) if match else -1
            if match and 0 <= index < len(self.agencies):
                name = {"stance": "stance", "note": "note"}.get(match["name"] or "", "stance")
                message = error.get("message", "is not valid")
                self.add_error(
                    f"{name}_{self.agencies[index].pk}", message[:1].upper() + message[1:]
                )
            else:
                rest.append(error)
        super().add_action_errors(rest)


class ReferralForm(DistinctIds, ActionErrorsMixin, forms.Form):
    """Refer a person declined defector status as a refugee (``2f``)."""

    id_prefix = "referral"
    bound_field_class = UswdsBoundField

    version = _version_field()
    reason = forms.CharField(
        max_length=10_000,
        label="Why the person is referred as a refugee (2f)",
        help_text="Well-founded fear of persecution, no other citizenship, no resident status. "
        + CRYPTONYMS_ONLY,
        error_messages={"required": "Give the reason for the referral."},
        widget=_textarea(3),
    )
    referred_to = forms.CharField(
        required=False,
        max_length=300,
        label="Referred to",
        help_text="The office or organization. " + NO_NAMES_HINT,
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
    )
    close = forms.BooleanField(
        required=False,
        label="Close the case as referred as a refugee",
        widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}),
    )


class ConsiderationForm(DistinctIds, ActionErrorsMixin, forms.Form):
    """The consideration of recruitment in place (``5a(1)``)."""

    id_prefix = "consider"
    bound_field_class = UswdsBoundField

    version = _version_field()
    conclusion = forms.ChoiceField(
        choices=RecruitmentConclusion.choices,
        label="Conclusion",
        error_messages={"required": "Choose the conclusion."},
        widget=_radios(),
    )
    reasoning = forms.CharField(
        max_length=10_000,
        label="Reasoning",
        help_text=f"Would recruitment in place better serve US interests? {CRYPTONYMS_ONLY}",
        error_messages={"required": "Give the reasoning."},
        widget=_textarea(3),
    )


class PlanForm(DistinctIds, ActionErrorsMixin, forms.Form):
    """An inducement plan (``2b``, ``5a(1)``, ``5a(4)``, ``7a``)."""

    id_prefix = "plan"
    bound_field_class = UswdsBoundField

    version = _version_field()
    description = forms.CharField(
        max_length=10_000,
        label="The approach planned",
        help_text=f"At least 10 characters. {CRYPTONYMS_ONLY}",
        error_messages={"required": "Describe the plan."},
        widget=_textarea(4),
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


class ActForm(DistinctIds, ActionErrorsMixin, forms.Form):
    """An act of inducement (``2b``) under a plan, with the official who committed or
    instigated it."""

    id_prefix = "act"
    bound_field_class = UswdsBoundField
    action_fields = {
        "committed_by_id": "committed_by",
        "instigated_by_id": "instigated_by",
        "plan_id": "plan",
    }

    version = _version_field()
    plan = forms.TypedChoiceField(
        coerce=int,
        label="Plan",
        error_messages={"required": "Choose the plan the act belongs to."},
        widget=_select(),
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
        widget=_select(),
    )
    instigated_by = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Instigated by",
        widget=_select(),
    )
    description = forms.CharField(
        max_length=10_000,
        label="What was done",
        help_text=f"At least 10 characters. {CRYPTONYMS_ONLY}",
        error_messages={"required": "Say what was done."},
        widget=_textarea(3),
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
