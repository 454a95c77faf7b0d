"""Intake (``6b(1)``): receive a walk-in, or report a potential defector or a disaffected
person. Where and when, how sensitive, and who the person says they are (sealed); the facts are
a ``FactsForm`` beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Final

from django import forms
from django.forms.boundfield import BoundField
from django.utils import timezone

from defector.cases import queries
from defector.cases.choices import IDENTITY_FIELDS, IntakeKind
from defector.cases.forms.common import NO_NAMES_HINT, SEALED_HINT, TIME_FORMATS, textarea
from defector.cases.models import CaseNote
from defector.cases.validation import CLOCK_SKEW
from defector.core.forms import MULTIPLE_HINT, ActionForm, checkbox_list, sentence
from defector.core.users import AnyUser
from defector.policy.gates.cases import intake_date_gate


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


class IntakeForm(ActionForm):
    """What every intake asks: where and when, how sensitive, and who the person says they
    are (sealed). The walk-in and report forms add their own fields; the facts are a
    :class:`FactsForm` beside it."""

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
    confirm_before_directive = forms.BooleanField(
        required=False,
        label="Record this date although it is before 18 May 1976: DCID 4/21 was not in force "
        "then (1); DCID 4/2 was",
        widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}),
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
        widget=checkbox_list(),
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

    def clean(self) -> dict[str, Any]:
        """The day received: not in the future, before the directive only when confirmed
        (``1``; the action decides the same)."""
        data = super().clean() or {}
        received: dt.datetime | None = data.get("received_at")
        if received is not None:
            day = timezone.localdate(received)
            today = timezone.localdate(timezone.now() + CLOCK_SKEW)
            decision = intake_date_gate(
                day, today=today, confirmed=bool(data.get("confirm_before_directive"))
            )
            if not decision.allowed:
                self.date_refused = day <= today
                self.add_error(
                    "received_at", sentence(f"{decision.reason} ({', '.join(decision.clauses)})")
                )
        return data

    #: Whether the day received was refused for want of a confirmation (the form then offers
    #: the confirmation beside the time).
    date_refused: bool = False

    def asks_date_confirmation(self) -> bool:
        """Offer the confirmation of a day before the directive: when it was refused for want
        of one, or given."""
        given = self.is_bound and self.data.get("confirm_before_directive")
        return self.date_refused or bool(given)

    def sealed_fields(self) -> list[BoundField]:
        return [self[name] for name in self.identity_fields]

    def reception_summary(self) -> str:
        """The reception as it stands, for the folded group: post, time, sensitivity."""
        post = str(self["post"].value() or "")
        post_field: Any = self.fields["post"]
        names = {str(key): label for key, label in post_field.choices if key}
        received = self["received_at"].value() if self.is_bound else None
        when = f"received {str(received).replace('T', ' ')} UTC" if received else "received now"
        level = self["sensitivity"].value() or "no sensitivity"
        return ", ".join(part for part in (names.get(post, "no post"), when, str(level)) if part)

    def errors_in(self, *names: str) -> bool:
        """Whether any of the named fields has an error (a folded group opens on one)."""
        return any(self[name].errors for name in names if name in self.fields)

    def reception_errors(self) -> bool:
        return self.errors_in(*self.reception_names, "confirm_before_directive", "request_other")

    def identity_errors(self) -> bool:
        return self.errors_in(*self.identity_fields)

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
            "confirm_before_directive": bool(data.get("confirm_before_directive")),
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
        widget=textarea(3),
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
        widget=textarea(5),
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
