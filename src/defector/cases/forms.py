"""Forms of the cases pages: the list's filters, intake (``6b(1)``), and a reveal.

The forms only shape the input; the actions validate it, and their field errors come back to
the forms' fields (:meth:`ActionErrorsMixin.add_action_errors`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from django import forms
from django.contrib.auth.models import AnonymousUser, User

from defector.cases import queries
from defector.cases.choices import IDENTITY_FIELDS, IntakeKind
from defector.web.forms import MULTIPLE_HINT, UswdsBoundField

SEALED_HINT: Final = "Sealed."


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


class ActionErrorsMixin:
    """Puts an action's field errors on the form's fields (the rest above the form)."""

    #: The action's field names that the form calls otherwise.
    action_fields: Mapping[str, str] = {}

    def add_action_errors(self, errors: Iterable[Mapping[str, str]]) -> None:
        form: forms.Form = self  # type: ignore[assignment]
        for error in errors:
            name = error.get("field", "")
            name = self.action_fields.get(name, name)
            message = _sentence(error.get("message", "is not valid"))
            if name in form.fields:
                form.add_error(name, message)
            else:
                form.add_error(None, f"{name}: {message}" if name else message)


# --- the case list ------------------------------------------------------------------------


class CaseFilterForm(forms.Form):
    """The case list's filters (GET); the API takes the same ones."""

    bound_field_class = UswdsBoundField

    post = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Post",
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

    def __init__(self, *args: Any, user: User | AnonymousUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(post.pk), post.name) for post in queries.posts_with_cases(user)]
        self.fields["post"].choices = [("", "All posts"), *choices]  # type: ignore[attr-defined]

    def filters(self) -> queries.CaseFilters:
        """The filters to apply: none when the form is not valid."""
        if not self.is_valid():
            return queries.CaseFilters()
        data = self.cleaned_data
        return queries.CaseFilters(post=data.get("post"), q=data.get("q") or "")


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


class OpenCaseForm(ActionErrorsMixin, forms.Form):
    """Receive a walk-in: where, how sensitive, and who the person says they are (sealed)."""

    bound_field_class = UswdsBoundField
    action_fields = {"post_id": "post"}
    #: The fields of the "identity" fieldset, which are sealed.
    identity_fields: Final = tuple(IDENTITY_FIELDS)

    post = forms.TypedChoiceField(
        coerce=int,
        label="Post",
        help_text="Where the person was received. Only posts where you may open cases.",
        error_messages={"required": "Choose the post."},
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    kind = forms.ChoiceField(
        choices=IntakeKind.choices,
        initial=IntakeKind.WALK_IN,
        label="Kind of intake",
        widget=forms.Select(attrs={"class": "usa-select"}),
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
        widget=forms.SelectMultiple(attrs={"class": "usa-select", "size": 4}),
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

    def __init__(self, *args: Any, user: User | AnonymousUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        posts = list(queries.posts_for_intake(user))
        post_field: Any = self.fields["post"]
        post_field.choices = [("", "- Select a post -"), *((str(p.pk), p.name) for p in posts)]
        if len(posts) == 1 and not self.is_bound:
            self.initial.setdefault("post", str(posts[0].pk))
        levels = queries.sensitivities_for(user)
        sensitivity: Any = self.fields["sensitivity"]
        sensitivity.choices = [("", "- Select a level -"), *((level, level) for level in levels)]
        held = [(c.code, f"{c.code}: {c.name}") for c in queries.compartments_held(user)]
        if held:
            compartments: Any = self.fields["compartments"]
            compartments.choices = held
        else:
            del self.fields["compartments"]

    def case_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name not in self.identity_fields]

    def sealed_fields(self) -> list[Any]:
        return [self[name] for name in self.identity_fields]

    def action_arguments(self) -> dict[str, Any]:
        """The keyword arguments of ``actions.open_case`` (call after ``is_valid``)."""
        data = self.cleaned_data
        return {
            "post_id": data["post"],
            "kind": data["kind"],
            "sensitivity": data["sensitivity"],
            "compartments": list(data.get("compartments") or []),
            **{name: data.get(name) or "" for name in self.identity_fields},
        }


# --- reveal -------------------------------------------------------------------------------


class RevealForm(ActionErrorsMixin, forms.Form):
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
