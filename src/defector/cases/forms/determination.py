"""The determinations on the case page: political risk (``7a``), defector status (``6b(2)``)
with each agency's position, and the referral as a refugee (``2f``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from django import forms

from defector.cases.choices import AgencyStance, RiskLevel, RiskSubject, StatusDecision
from defector.cases.forms.common import (
    CRYPTONYMS_ONLY,
    NO_NAMES_HINT,
    DistinctIds,
    radios,
    select,
    textarea,
    version_field,
)
from defector.cases.queries import Ref
from defector.core.forms import ActionForm, sentence
from defector.directory.models import Agency

_POSITION_PATH: Final = re.compile(r"positions\[(?P<index>[0-9]+)\](\.(?P<name>[a-z_]+))?")


class RiskForm(DistinctIds, ActionForm):
    """The Senior US Representative's determination (``7a``)."""

    id_prefix = "risk"
    version = version_field()
    subject = forms.ChoiceField(
        choices=RiskSubject.choices,
        initial=RiskSubject.CASE,
        label="Determination about",
        help_text="The case as a whole, or one action contemplated toward the person. A new "
        "determination replaces the one in force on the same subject; the earlier is kept.",
        widget=select(),
    )
    level = forms.ChoiceField(
        choices=RiskLevel.choices,
        label="Risk to the political and diplomatic interests of the US",
        help_text="Prohibitive: the action must not be taken (a grant of status, or an "
        "inducement plan, is then refused).",
        error_messages={"required": "Choose the level of risk."},
        widget=radios(),
    )
    reasoning = forms.CharField(
        max_length=10_000,
        label="Reasoning",
        help_text=f"At least 10 characters. {CRYPTONYMS_ONLY}",
        error_messages={"required": "Give the reasoning."},
        widget=textarea(4),
    )


class StatusForm(DistinctIds, ActionForm):
    """The committee's determination of defector status (``6b(2)``), with one position for
    each agency represented on the post's committee (``stance_<id>``, ``note_<id>``)."""

    id_prefix = "status"
    action_fields = {"on_behalf_of_id": "on_behalf_of"}

    version = version_field()
    decision = forms.ChoiceField(
        choices=StatusDecision.choices,
        label="Decision",
        help_text="A grant needs a defector (2a), bona fides established (6b(3)(b)), a signed "
        "statement on file (6b(3)(c)) and the 7a determination.",
        error_messages={"required": "Choose grant, decline or defer."},
        widget=radios(),
    )
    special_value = forms.CharField(
        max_length=10_000,
        label="Special value weighed (2a(1)–(3))",
        help_text=f"Information, operational value, psychological exploitation. {NO_NAMES_HINT}",
        error_messages={"required": "Say what special value the committee weighed."},
        widget=textarea(3),
    )
    rationale = forms.CharField(
        max_length=10_000,
        label="Rationale: special value against political risk",
        help_text=f"At least 10 characters. {CRYPTONYMS_ONLY}",
        error_messages={"required": "Give the rationale."},
        widget=textarea(4),
    )
    on_behalf_of = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="On behalf of the chair",
        help_text="You are a member: the determination is recorded on the chair's behalf.",
        widget=select(),
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
                widget=radios(),
            )
            self.fields[f"note_{agency.pk}"] = forms.CharField(
                required=False,
                max_length=10_000,
                label=f"{agency.code}: note",
                help_text="Required with a dissent: say why. " + NO_NAMES_HINT,
                widget=textarea(2),
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
                self.add_error(f"{name}_{self.agencies[index].pk}", sentence(message))
            else:
                rest.append(error)
        super().add_action_errors(rest)


class ReferralForm(DistinctIds, ActionForm):
    """Refer a person declined defector status as a refugee (``2f``)."""

    id_prefix = "referral"
    version = version_field()
    reason = forms.CharField(
        max_length=10_000,
        label="Why the person is referred as a refugee (2f)",
        help_text="Well-founded fear of persecution, no other citizenship, no resident status. "
        + CRYPTONYMS_ONLY,
        error_messages={"required": "Give the reason for the referral."},
        widget=textarea(3),
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
