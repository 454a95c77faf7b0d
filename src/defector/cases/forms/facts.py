"""The facts of one person on one day, one control per field of the assessment contract
(``contracts/assessment.md``): the Assess page's form (``AssessForm``), the facts of a case
(``FactsForm``, the lists as checkboxes; at intake, without the date), and the facts of a case
changed (``CaseFactsForm``).

The forms only shape the input (types, choices, required fields) into the contract's facts
object; the policy's ``parse_facts`` remains the one validator, and its field errors are put
back on the form's fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django import forms
from django.forms.boundfield import BoundField
from django.utils import timezone

from defector.cases.forms.common import checkboxes, version_field
from defector.core.forms import (
    MULTIPLE_HINT,
    ActionErrorsMixin,
    UswdsBoundField,
    checkbox_list,
    sentence,
)
from defector.policy import countries
from defector.policy.facts import (
    BOOL_MEANINGS,
    FIELD_NAMES,
    PersecutionGround,
    Request,
    SpecialValue,
)

SPECIAL_VALUE_LABELS: Final[Mapping[SpecialValue, str]] = {
    SpecialValue.INFORMATION: (
        "Information: can add valuable new or confirmatory information (2a(1))"
    ),
    SpecialValue.OPERATIONAL: "Operational value to a US department or agency (2a(2))",
    SpecialValue.PSYCHOLOGICAL: "Defection can be psychologically exploited (2a(3))",
}


REQUEST_LABELS: Final[Mapping[Request, str]] = {
    Request.ASYLUM: "Asylum",
    Request.ESCAPE_ASSISTANCE: "Assistance in escaping",
}


PERSECUTION_GROUND_LABELS: Final[Mapping[PersecutionGround, str]] = {
    PersecutionGround.RACE: "Race",
    PersecutionGround.RELIGION: "Religion",
    PersecutionGround.NATIONALITY: "Nationality",
    PersecutionGround.SOCIAL_GROUP: "Membership of a particular social group",
    PersecutionGround.POLITICAL_OPINION: "Political opinion",
}


def nationality_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every country, those named in ``2a`` first, in their own group and in the directive's
    order (the USSR and the People's Republic of China first)."""
    names = dict(countries.choices())
    named = [(code, names[code]) for code in countries.SECTION_2A_COUNTRIES if code in names]
    return [
        ("Countries named in 2a", named),
        ("Other countries", [c for c in names.items() if not countries.is_2a_country(c[0])]),
    ]


def _country_choices(empty: str) -> list[tuple[str, Any]]:
    """One country (a select, a combo box with JavaScript): the ``2a`` countries first."""
    return [("", empty), *nationality_choices()]


class CountrySelect(forms.Select):
    """One country: a select whose first group is the ``2a`` countries; with JavaScript, a
    USWDS combo box in which typing narrows the list (``cases/widgets/country.html``)."""

    template_name = "cases/widgets/country.html"

    def __init__(self) -> None:
        super().__init__(attrs={"class": "usa-select"})


def _multiple(size: int) -> forms.CheckboxSelectMultiple:
    """Several choices: a list of checkboxes (``size`` was the height of the old list)."""
    return checkbox_list()


def _checkbox(name: str) -> forms.BooleanField:
    return forms.BooleanField(
        required=False,
        label=sentence(BOOL_MEANINGS[name]),
        widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}),
    )


@dataclass(frozen=True, slots=True)
class Section:
    """A fieldset of the form, with the fields it groups."""

    legend: str
    hint: str
    fields: Sequence[BoundField]


#: How the form groups the contract's fields (legend, hint, field names).
SECTIONS: Final[tuple[tuple[str, str, tuple[str, ...]], ...]] = (
    (
        "The person",
        "Who they are, and where they are now.",
        ("as_of", "nationalities", "habitual_residence", "location"),
    ),
    (
        "Scope (1, 3)",
        "Leave these unchecked unless a determination or exclusion applies.",
        ("active_war_theater", "presidential_exclusion", "dci_extension"),
    ),
    (
        "Defector (2a)",
        "",
        ("escaped_control", "unwilling_to_return", "special_value"),
    ),
    (
        "Potential defector and disaffected person (2b, 2c, 2d)",
        "",
        ("dissatisfied", "susceptible", "willing_to_defect", "induced"),
    ),
    (
        "Walk-in (2e)",
        "",
        ("at_us_installation", "requests"),
    ),
    (
        "Refugee (2f)",
        "",
        ("persecution_grounds", "other_citizenship", "resident_status"),
    ),
    (
        "Threat information (6b(3)(a))",
        "",
        ("threat_information",),
    ),
)


_FIELD_PATH = re.compile(r"[.\[]")


class AssessForm(forms.Form):
    """The facts of one person on one day, one control per field of the contract."""

    bound_field_class = UswdsBoundField

    as_of = forms.DateField(
        required=False,
        label="Date of the facts",
        help_text="The day the facts describe. Leave it empty for today. "
        "The directive took effect on 18 May 1976.",
        widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"}, format="%Y-%m-%d"),
    )
    nationalities = forms.MultipleChoiceField(
        choices=nationality_choices,
        label="Nationalities",
        help_text="Countries of nationality; those named in 2a are listed first. " + MULTIPLE_HINT,
        error_messages={"required": "Select at least one nationality."},
        widget=_multiple(8),
    )
    habitual_residence = forms.ChoiceField(
        required=False,
        choices=lambda: _country_choices("Same as the first nationality"),
        label="Country of habitual residence",
        help_text="Used for the refugee definition (2f).",
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    location = forms.ChoiceField(
        choices=lambda: _country_choices("- Select a country -"),
        label="Where the person is now",
        help_text="The country in which they are today.",
        error_messages={"required": "Select the country where the person is now."},
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    active_war_theater = _checkbox("active_war_theater")
    presidential_exclusion = _checkbox("presidential_exclusion")
    dci_extension = _checkbox("dci_extension")
    escaped_control = _checkbox("escaped_control")
    unwilling_to_return = _checkbox("unwilling_to_return")
    dissatisfied = _checkbox("dissatisfied")
    susceptible = _checkbox("susceptible")
    special_value = forms.MultipleChoiceField(
        required=False,
        choices=list(SPECIAL_VALUE_LABELS.items()),
        label="Grounds of special value",
        help_text=MULTIPLE_HINT,
        widget=_multiple(3),
    )
    willing_to_defect = _checkbox("willing_to_defect")
    induced = _checkbox("induced")
    at_us_installation = _checkbox("at_us_installation")
    requests = forms.MultipleChoiceField(
        required=False,
        choices=list(REQUEST_LABELS.items()),
        label="What they asked the US for",
        help_text=MULTIPLE_HINT,
        widget=_multiple(2),
    )
    persecution_grounds = forms.MultipleChoiceField(
        required=False,
        choices=list(PERSECUTION_GROUND_LABELS.items()),
        label="Grounds of a well-founded fear of persecution",
        help_text=MULTIPLE_HINT,
        widget=_multiple(5),
    )
    other_citizenship = _checkbox("other_citizenship")
    resident_status = _checkbox("resident_status")
    threat_information = _checkbox("threat_information")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"as_of": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def sections(self) -> list[Section]:
        """The bound fields grouped into the form's fieldsets, in the contract's order."""
        return [
            Section(legend, hint, [self[name] for name in names])
            for legend, hint, names in SECTIONS
        ]

    def facts_data(self) -> dict[str, Any]:
        """The contract's facts object built from the cleaned data (call after ``is_valid``)."""
        data = self.cleaned_data
        out: dict[str, Any] = {}
        for name in FIELD_NAMES:
            if name not in self.fields:
                continue
            value = data.get(name)
            if name == "as_of":
                if value:
                    out[name] = value.isoformat()
            elif name == "habitual_residence":
                if value:
                    out[name] = value
            elif isinstance(self.fields[name], forms.MultipleChoiceField):
                out[name] = list(value or [])
            elif isinstance(self.fields[name], forms.BooleanField):
                out[name] = bool(value)
            else:
                out[name] = value
        return out

    def add_policy_errors(self, errors: Iterable[Mapping[str, str]]) -> None:
        """Put the policy's field errors (``nationalities[0]``: ...) on the form's fields."""
        for error in errors:
            path = error.get("field", "")
            message = sentence(error.get("message", "is not valid"))
            name = _FIELD_PATH.split(path, maxsplit=1)[0]
            if name in self.fields:
                self.add_error(name, message)
            else:
                self.add_error(None, f"{path}: {message}" if path else message)


#: The fields an intake asks first, outside the groups of the facts.
INTAKE_FIRST: Final = ("nationalities", "location", "threat_information", "requests")
#: The group of the Assess page whose person fields an intake asks first (one is left).
INTAKE_FIRST_SECTION: Final = ("as_of", "nationalities", "habitual_residence", "location")
#: The groups of facts an intake keeps folded: rarely true at a walk-in.
INTAKE_FOLDED: Final = ("Scope (1, 3)", "Refugee (2f)")


#: The facts of 1 and 3 a case does not ask: Washington's records fill them in (powers).
POWER_FIELDS: Final = ("active_war_theater", "presidential_exclusion", "dci_extension")


class FactsForm(AssessForm):
    """The facts of the assessment contract for a case: the Assess page's form, the lists
    as checkboxes, without the facts of ``1`` and ``3`` (only the DCI's delegate records
    those, on Washington's powers; the case system fills them in). For an intake
    (``intake=True``), the date is the reception's and the location defaults to the post's
    country."""

    def __init__(
        self, *args: Any, intake: bool = False, walk_in: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.intake = intake
        for name in POWER_FIELDS:
            del self.fields[name]
        if walk_in:
            # A walk-in presented themselves to a US installation (2e), by definition.
            self.initial.setdefault("at_us_installation", True)
        for name in ("special_value", "requests", "persecution_grounds"):
            field: Any = self.fields[name]
            field.widget = checkboxes()
            field.choices = field.choices  # a new widget needs the choices again
            field.help_text = ""
        self.fields["requests"].label = "What they asked for"
        self.fields["threat_information"].label = (
            "They hold information on imminent hostilities, or a threat to US personnel or "
            "installations (6b(3)(a)): it is disseminated within minutes"
        )
        if intake:
            for name in ("location", "habitual_residence"):
                country: Any = self.fields[name]
                country.widget = CountrySelect()
                country.widget.choices = country.choices
            del self.fields["as_of"]
            location: Any = self.fields["location"]
            location.required = False
            location.choices = [("", "The post's country"), *list(location.choices)[1:]]
            location.help_text = "Leave it as the post's country unless they are elsewhere."
            residence: Any = self.fields["habitual_residence"]
            residence.label = "Where they habitually live"
            residence.help_text = "Leave it as the first nationality unless they live elsewhere."

    def sections(self) -> list[Section]:
        """The groups of the facts (for an intake, without the fields it asks first)."""
        skip = set(INTAKE_FIRST) if self.intake else set()
        out = []
        for legend, hint, names in SECTIONS:
            fields = [self[name] for name in names if name in self.fields and name not in skip]
            if self.intake and names == INTAKE_FIRST_SECTION:
                legend, hint = (
                    "Residence",
                    "Where they habitually live, when not where they are from.",
                )
            if fields:
                out.append(Section(legend, hint, fields))
        return out

    def first_fields(self) -> list[BoundField]:
        return [self[name] for name in INTAKE_FIRST if name in self.fields]

    def open_sections(self) -> list[Section]:
        return [s for s in self.sections() if s.legend not in INTAKE_FOLDED]

    def folded_sections(self) -> list[Section]:
        return [s for s in self.sections() if s.legend in INTAKE_FOLDED]

    def folded_errors(self) -> bool:
        return any(field.errors for section in self.folded_sections() for field in section.fields)

    def facts_data(self) -> dict[str, Any]:
        data = super().facts_data()
        if self.intake:
            data.pop("as_of", None)
            if not data.get("location"):
                data.pop("location", None)
        return data


class CaseFactsForm(ActionErrorsMixin, FactsForm):
    """The facts of a case, changed: the whole facts object again, and the version seen."""

    action_prefixes = ("facts.",)

    version = version_field()
