"""Forms of the cases pages: the list's filters, intake (``6b(1)``) of a walk-in and of a
reported person, the facts, the stage, notes, obligations, the note search and a reveal.

The forms only shape the input; the actions validate it, and their field errors come back to
the forms' fields (:meth:`ActionErrorsMixin.add_action_errors`). The facts are the Assess
page's form (``web.forms.AssessForm``), with the lists as checkboxes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from django import forms
from django.contrib.auth.models import AnonymousUser, User
from django.forms.boundfield import BoundField
from django.utils import timezone

from defector.accounts.forms import StepUpCodeMixin
from defector.cases import queries
from defector.cases.choices import IDENTITY_FIELDS, IntakeKind, Stage
from defector.cases.models import CaseNote
from defector.core.forms import MULTIPLE_HINT, UswdsBoundField
from defector.policy.definitions import Category
from defector.web.forms import SECTIONS, AssessForm, Section

SEALED_HINT: Final = "Sealed."
NO_NAMES_HINT: Final = "Not sealed: never write a name here."
#: ``<input type="datetime-local">`` sends minutes (and seconds when the browser shows them).
TIME_FORMATS: Final = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
_FIELD_PATH: Final = re.compile(r"[.\[]")
AnyUser = User | AnonymousUser


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


class ActionErrorsMixin:
    """Puts an action's field errors on the form's fields (the rest above the form).

    ``facts.nationalities[0]`` goes to the field ``nationalities``: the facts' errors come
    back to the facts' controls.
    """

    #: The action's field names that the form calls otherwise.
    action_fields: Mapping[str, str] = {}

    def add_action_errors(self, errors: Iterable[Mapping[str, str]]) -> None:
        form: forms.Form = self  # type: ignore[assignment]
        for error in errors:
            path = error.get("field", "")
            name = self.action_fields.get(path, path)
            if name.startswith("facts."):
                name = _FIELD_PATH.split(name.removeprefix("facts."), maxsplit=1)[0]
            message = _sentence(error.get("message", "is not valid"))
            if name in form.fields:
                form.add_error(name, message)
            else:
                form.add_error(None, f"{path}: {message}" if path else message)


class DistinctIds:
    """Gives a form's controls ids of their own (``move_reason``, ``note_version``…): a case
    page holds several forms whose fields share names."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if self.id_prefix:
            kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


def _version_field() -> forms.IntegerField:
    """The version of the case the page showed: the action refuses a stale one (409)."""
    return forms.IntegerField(
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "required": "The page did not say which version of the case you saw; reload it.",
            "invalid": "The page did not say which version of the case you saw; reload it.",
        },
    )


def _textarea(rows: int, **attrs: str) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "usa-textarea", "rows": str(rows), **attrs})


def _checkboxes() -> forms.CheckboxSelectMultiple:
    return forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"})


# --- the case list ------------------------------------------------------------------------


class CaseFilterForm(ActionErrorsMixin, forms.Form):
    """The case list's filters (GET); the API takes the same ones
    (:func:`~defector.cases.queries.parse_case_filters`)."""

    bound_field_class = UswdsBoundField

    post = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Post",
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    stage = forms.ChoiceField(
        required=False,
        choices=[("", "Any stage"), *Stage.choices],
        label="Stage",
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    category = forms.ChoiceField(
        required=False,
        choices=[("", "Any category")]
        + [(c.value, _sentence(c.value.replace("_", " "))) for c in Category],
        label="Category",
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    overdue = forms.ChoiceField(
        required=False,
        choices=[("", "Either"), ("true", "Overdue"), ("false", "Not overdue")],
        label="Obligations",
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    officer = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Officer",
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    kind = forms.ChoiceField(
        required=False,
        choices=[("", "Any kind"), *IntakeKind.choices],
        label="Kind",
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    q = forms.CharField(
        required=False,
        max_length=queries.MAX_QUERY_LENGTH,
        label="Cryptonym contains",
        widget=forms.TextInput(
            attrs={"class": "usa-input", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        posts = [(str(post.pk), post.name) for post in queries.posts_with_cases(user)]
        post_field: Any = self.fields["post"]
        post_field.choices = [("", "All posts"), *posts]
        officers = [(str(o.pk), str(o)) for o in queries.officers_with_cases(user)]
        officer_field: Any = self.fields["officer"]
        officer_field.choices = [("", "Any officer"), *officers]

    def filters(self) -> queries.CaseFilters:
        """The filters to apply: none when the form is not valid."""
        if not self.is_valid():
            return queries.CaseFilters()
        return queries.parse_case_filters({name: self.data.get(name, "") for name in self.fields})


# --- the facts (the Assess page's form) -----------------------------------------------------

#: The fields an intake asks first, outside the groups of the facts.
INTAKE_FIRST: Final = ("nationalities", "location", "threat_information", "requests")
#: The group of the Assess page whose person fields an intake asks first (one is left).
INTAKE_FIRST_SECTION: Final = ("as_of", "nationalities", "habitual_residence", "location")
#: The groups of facts an intake keeps folded: rarely true at a walk-in.
INTAKE_FOLDED: Final = ("Scope (1, 3)", "Refugee (2f)")


class FactsForm(AssessForm):
    """The facts of the assessment contract for a case: the Assess page's form, the lists
    as checkboxes. For an intake (``intake=True``), the date is the reception's and the
    location defaults to the post's country."""

    def __init__(
        self, *args: Any, intake: bool = False, walk_in: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.intake = intake
        if walk_in:
            # A walk-in presented themselves to a US installation (2e), by definition.
            self.initial.setdefault("at_us_installation", True)
        for name in ("special_value", "requests", "persecution_grounds"):
            field: Any = self.fields[name]
            field.widget = _checkboxes()
            field.choices = field.choices  # a new widget needs the choices again
            field.help_text = ""
        self.fields["requests"].label = "What they asked for"
        self.fields["threat_information"].label = (
            "They hold information on imminent hostilities, or a threat to US personnel or "
            "installations (6b(3)(a)): it is disseminated within minutes"
        )
        if intake:
            del self.fields["as_of"]
            location: Any = self.fields["location"]
            location.required = False
            location.choices = [("", "The post's country"), *list(location.choices)[1:]]
            location.help_text = "Leave it as the post's country unless they are elsewhere."

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


# --- intake (6b(1)) -----------------------------------------------------------------------


def _sealed_text(label: str, hint: str = "", *, rows: int = 0, max_length: int) -> forms.CharField:
    """A sealed identity field: never autocompleted, never sent to a spell-checking service."""
    attrs = {
        "class": "usa-textarea" if rows else "usa-input",
        "autocomplete": "off",
        "spellcheck": "false",
        "autocapitalize": "off",
    }
    if rows:
        attrs["rows"] = str(rows)
    widget: forms.Widget = forms.Textarea(attrs=attrs) if rows else forms.TextInput(attrs=attrs)
    return forms.CharField(
        required=False,
        strip=True,
        label=label,
        help_text=f"{SEALED_HINT} {hint}".strip(),
        max_length=max_length,
        widget=widget,
    )


class IntakeForm(ActionErrorsMixin, forms.Form):
    """What every intake asks: where and when, how sensitive, and who the person says they
    are (sealed). The walk-in and report forms add their own fields; the facts are a
    :class:`FactsForm` beside it."""

    bound_field_class = UswdsBoundField
    action_fields = {"post_id": "post"}
    #: The fields of the "identity" fieldset, which are sealed.
    identity_fields: Final = tuple(IDENTITY_FIELDS)
    kind_value: str = IntakeKind.WALK_IN

    post = forms.TypedChoiceField(
        coerce=int,
        label="Post",
        help_text="Where the person was received. Only posts where you may open cases.",
        error_messages={"required": "Choose the post."},
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    received_at = forms.DateTimeField(
        required=False,
        input_formats=TIME_FORMATS,
        label="Time received (UTC)",
        help_text="Leave it for now.",
        widget=forms.DateTimeInput(
            attrs={"class": "usa-input", "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
    )
    received_where = forms.CharField(
        required=False,
        max_length=300,
        label="Where they presented themselves",
        help_text=f"e.g. the consular section's front desk. {NO_NAMES_HINT}",
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
    )
    sensitivity = forms.ChoiceField(
        label="Sensitivity",
        help_text="Only officials cleared at this level or above will see the case.",
        error_messages={"required": "Choose the sensitivity."},
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    compartments = forms.MultipleChoiceField(
        required=False,
        label="Compartments",
        help_text="Only officials read into every one will see the case. " + MULTIPLE_HINT,
        widget=forms.SelectMultiple(attrs={"class": "usa-select", "size": 3}),
    )
    true_name = _sealed_text("True name", max_length=300)
    aliases = _sealed_text("Aliases", "Other names used, one a line.", rows=2, max_length=2000)
    birth_date = _sealed_text(
        "Date of birth", "YYYY-MM-DD, or YYYY-MM or YYYY when only that is known.", max_length=10
    )
    birth_place = _sealed_text("Place of birth", max_length=300)
    identity_documents = _sealed_text(
        "Identity documents",
        "Kind, number, issuer and expiry of each document presented.",
        rows=3,
        max_length=4000,
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        posts = list(queries.posts_for_intake(user))
        post_field: Any = self.fields["post"]
        post_field.choices = [("", "- Select a post -"), *((str(p.pk), p.name) for p in posts)]
        levels = queries.sensitivities_for(user)
        sensitivity: Any = self.fields["sensitivity"]
        sensitivity.choices = [("", "- Select a level -"), *((level, level) for level in levels)]
        held = [(c.code, f"{c.code}: {c.name}") for c in queries.compartments_held(user)]
        if held:
            compartments: Any = self.fields["compartments"]
            compartments.choices = held
        else:
            del self.fields["compartments"]
        if not self.is_bound:
            default = queries.default_post(user)
            if default is not None:
                self.initial.setdefault("post", str(default.pk))
            self.initial.setdefault("sensitivity", queries.default_sensitivity(user))
            self.initial.setdefault(
                "received_at", timezone.localtime(timezone.now()).replace(second=0, microsecond=0)
            )

    #: The fields of the "reception" fieldset, in order (the rest are the kind's own).
    reception_names: Sequence[str] = (
        "post",
        "received_at",
        "received_where",
        "sensitivity",
        "compartments",
    )

    def reception_fields(self) -> list[BoundField]:
        return [self[name] for name in self.reception_names if name in self.fields]

    def sealed_fields(self) -> list[BoundField]:
        return [self[name] for name in self.identity_fields]

    def action_arguments(self) -> dict[str, Any]:
        """The keyword arguments of ``actions.open_case`` (call after ``is_valid``)."""
        data = self.cleaned_data
        received: dt.datetime | None = data.get("received_at")
        return {
            "post_id": data["post"],
            "kind": self.kind_value,
            "sensitivity": data["sensitivity"],
            "compartments": list(data.get("compartments") or []),
            "received_at": received,
            "received_where": data.get("received_where") or "",
            **{name: data.get(name) or "" for name in self.identity_fields},
        }


class WalkInForm(IntakeForm):
    """Receive a walk-in (``2e``, ``6b(1)``): the reception, what they asked for, the facts
    beside it, the identity sealed."""

    request_other = forms.CharField(
        required=False,
        max_length=300,
        label="Anything else they asked for",
        help_text=NO_NAMES_HINT,
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
    )
    note = forms.CharField(
        required=False,
        max_length=10_000,
        label="First note",
        help_text=CaseNote._meta.get_field("text").help_text,
        widget=_textarea(3),
    )

    def action_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **super().action_arguments(),
            "request_other": data.get("request_other") or "",
            "note": data.get("note") or "",
        }


class ReportForm(IntakeForm):
    """Report a potential defector (``2c``) or a disaffected person (``2d``) an official
    has met: what kind, where and when, what the official knows (the case's first note)."""

    kind = forms.ChoiceField(
        choices=[
            (IntakeKind.POTENTIAL_DEFECTOR, IntakeKind.POTENTIAL_DEFECTOR.label),
            (IntakeKind.DISAFFECTED_PERSON, IntakeKind.DISAFFECTED_PERSON.label),
        ],
        initial=IntakeKind.POTENTIAL_DEFECTOR,
        label="Kind of person",
        help_text="A disaffected person has said they are willing to defect (2d).",
        widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
    )
    note = forms.CharField(
        max_length=10_000,
        label="What you know",
        help_text=(
            "How the person came to notice, and what you know of them. "
            + CaseNote._meta.get_field("text").help_text
        ),
        error_messages={"required": "Say what you know about the person."},
        widget=_textarea(5),
    )

    reception_names = (
        "kind",
        "post",
        "received_at",
        "received_where",
        "sensitivity",
        "compartments",
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["received_at"].label = "When you met or heard of them (UTC)"
        self.fields["received_where"].label = "Where"
        self.fields[
            "received_where"
        ].help_text = f"Where they were met, or where they are. {NO_NAMES_HINT}"

    def action_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **super().action_arguments(),
            "kind": data["kind"],
            "note": data.get("note") or "",
        }


# --- changing a case ------------------------------------------------------------------------


class CaseFactsForm(ActionErrorsMixin, FactsForm):
    """The facts of a case, changed: the whole facts object again, and the version seen."""

    version = _version_field()


class MoveForm(DistinctIds, ActionErrorsMixin, forms.Form):
    """Move a case to another stage; close it with an outcome; reopen it with a reason."""

    id_prefix = "move"

    bound_field_class = UswdsBoundField

    version = _version_field()
    to = forms.ChoiceField(
        label="Move to",
        error_messages={"required": "Choose where the case goes next."},
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    outcome = forms.ChoiceField(
        required=False,
        label="Outcome (when closing)",
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    reason = forms.CharField(
        required=False,
        max_length=2000,
        label="Reason",
        help_text="Required to go back a stage or to reopen a closed case. " + NO_NAMES_HINT,
        widget=_textarea(2),
    )

    def __init__(self, *args: Any, case: queries.CaseView, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        to: Any = self.fields["to"]
        to.choices = [("", "- Select -")] + [
            (
                choice.stage,
                f"{choice.label} ({', '.join(choice.clauses)})" if choice.clauses else choice.label,
            )
            for choice in case.next_stages
        ]
        outcome: Any = self.fields["outcome"]
        outcome.choices = [("", "- Only when closing -")] + [
            (choice.outcome, f"{choice.label} ({', '.join(choice.clauses)})")
            for choice in case.closing_outcomes
        ]
        if not case.closing_outcomes:
            del self.fields["outcome"]
        self.initial.setdefault("version", case.version)


class NoteForm(DistinctIds, ActionErrorsMixin, forms.Form):
    id_prefix = "note"
    bound_field_class = UswdsBoundField

    version = _version_field()
    text = forms.CharField(
        max_length=10_000,
        label="Note",
        help_text=CaseNote._meta.get_field("text").help_text,
        error_messages={"required": "Write the note."},
        widget=_textarea(3),
    )


class DischargeForm(DistinctIds, ActionErrorsMixin, forms.Form):
    """Mark an obligation done, with its evidence."""

    id_prefix = "discharge"

    bound_field_class = UswdsBoundField

    version = _version_field()
    evidence = forms.CharField(
        max_length=2000,
        label="Evidence",
        help_text="What discharged it: what was done, when, by whom (officials), with what "
        "result — at least 10 characters. " + NO_NAMES_HINT,
        error_messages={"required": "Say what discharged the obligation."},
        widget=_textarea(3),
    )
    evidence_label = forms.CharField(
        required=False,
        max_length=60,
        label="Record (optional): kind",
        help_text="The kind of record it rests on, e.g. cases.casenote.",
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
    )
    evidence_id = forms.CharField(
        required=False,
        max_length=64,
        label="Record (optional): number",
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
    )


class WaiveForm(DistinctIds, ActionErrorsMixin, forms.Form):
    id_prefix = "waive"
    bound_field_class = UswdsBoundField

    version = _version_field()
    reason = forms.CharField(
        max_length=2000,
        label="Why it is waived",
        help_text="At least 10 characters. " + NO_NAMES_HINT,
        error_messages={"required": "Say why the obligation is waived."},
        widget=_textarea(2),
    )


class ReassignForm(DistinctIds, ActionErrorsMixin, forms.Form):
    id_prefix = "reassign"
    bound_field_class = UswdsBoundField
    action_fields = {"owner_id": "owner"}

    version = _version_field()
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


class NoteSearchForm(forms.Form):
    bound_field_class = UswdsBoundField

    q = forms.CharField(
        required=False,
        max_length=queries.MAX_SEARCH_LENGTH,
        label="Words to find",
        help_text="Notes that contain every word, in any case and related forms "
        "(meeting, meetings). Only notes of cases you may see.",
        widget=forms.TextInput(attrs={"class": "usa-input", "type": "search"}),
    )


# --- reveal -------------------------------------------------------------------------------


class RevealForm(StepUpCodeMixin, ActionErrorsMixin, forms.Form):
    """Which sealed field to reveal, and why. The reason is recorded in the audit log."""

    bound_field_class = UswdsBoundField

    field = forms.ChoiceField(
        label="Field to reveal",
        error_messages={"required": "Choose the field to reveal."},
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    reason = forms.CharField(
        label="Reason",
        help_text="Why you need to see it, in at least 10 characters. It is recorded with the "
        "reveal in the audit log.",
        error_messages={"required": "Give the reason for the reveal."},
        max_length=1000,
        widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 2}),
    )

    def __init__(self, *args: Any, recorded: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["field"]
        field.choices = [("", "- Select a field -")] + [
            (name, IDENTITY_FIELDS[name]) for name in recorded if name in IDENTITY_FIELDS
        ]


# --- one error summary for several forms ------------------------------------------------------


class ErrorSummary:
    """Every error of several forms on one page, for one summary at its top (a page has one
    ``#error-summary``): the general ones, then each field's, linked to its control."""

    def __init__(self, *forms_: forms.Form) -> None:
        self.general: list[str] = []
        self.fields: list[tuple[str, str, str]] = []
        for form in forms_:
            self.general += [str(error) for error in form.non_field_errors()]
            for field in form:
                self.fields += [(field.auto_id, str(field.label), str(e)) for e in field.errors]

    @property
    def count(self) -> int:
        return len(self.general) + len(self.fields)
