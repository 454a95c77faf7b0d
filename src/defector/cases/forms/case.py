"""The case list's filters, and the forms of the case page that act on the case as a whole:
its stage (move, close, reopen) and a reveal of a sealed field.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django import forms
from django.forms.widgets import ChoiceWidget

from defector.accounts.forms import StepUpCodeMixin
from defector.cases import queries
from defector.cases.choices import IDENTITY_FIELDS, IntakeKind, Stage
from defector.cases.forms.common import NO_NAMES_HINT, DistinctIds, textarea, version_field
from defector.cases.forms.widgets import QuickInput, QuickSelect
from defector.core.forms import ActionForm, sentence
from defector.core.users import AnyUser
from defector.policy.definitions import Category


class CaseFilterForm(ActionForm):
    """The case list's filters (GET); the API takes the same ones
    (:func:`~defector.cases.queries.parse_case_filters`)."""

    post = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Post",
        widget=QuickSelect(attrs={"class": "usa-select"}),
    )
    stage = forms.ChoiceField(
        required=False,
        choices=[("", "Any stage"), *Stage.choices],
        label="Stage",
        widget=QuickSelect(attrs={"class": "usa-select"}),
    )
    category = forms.ChoiceField(
        required=False,
        choices=[("", "Any category")]
        + [(c.value, sentence(c.value.replace("_", " "))) for c in Category],
        label="Category",
        widget=QuickSelect(attrs={"class": "usa-select"}),
    )
    overdue = forms.ChoiceField(
        required=False,
        choices=[("", "Either"), ("true", "Overdue"), ("false", "Not overdue")],
        label="Obligations",
        widget=QuickSelect(attrs={"class": "usa-select"}),
    )
    officer = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Officer",
        widget=QuickSelect(attrs={"class": "usa-select"}),
    )
    kind = forms.ChoiceField(
        required=False,
        choices=[("", "Any kind"), *IntakeKind.choices],
        label="Kind",
        widget=QuickSelect(attrs={"class": "usa-select"}),
    )
    q = forms.CharField(
        required=False,
        max_length=queries.MAX_QUERY_LENGTH,
        label="Cryptonym contains",
        widget=QuickInput(
            attrs={"class": "usa-input", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The choices as ``ChoiceField.choices`` would normalise them (pairs of strings).
        posts = [("", "All posts"), *((str(pk), name) for pk, name in queries.post_choices(user))]
        _set_choices(self.fields["post"], posts)
        officers = [
            ("", "Any officer"),
            *((str(pk), name) for pk, name in queries.officer_choices(user)),
        ]
        _set_choices(self.fields["officer"], officers)

    def filters(self) -> queries.CaseFilters:
        """The filters to apply: none when the form is not valid."""
        if not self.is_valid():
            return queries.CaseFilters()
        return queries.parse_case_filters({name: self.data.get(name, "") for name in self.fields})


_T = TypeVar("_T")


class _CopiedFields(dict[str, forms.Field]):
    """A form's declared fields, copied for each form (``BaseForm.__init__`` deep-copies
    them) as ``Field.__deepcopy__`` copies them — the field, its widget and their attributes,
    error messages and validators, each list of choices — without walking into the choices
    themselves: pairs of strings, which a deep copy would give back as they are."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return {name: _copied(field) for name, field in self.items()}


def _shallow(thing: _T) -> _T:
    """``copy.copy(thing)`` for an object of a class without ``__slots__``, ``__copy__`` or
    ``__reduce__`` of its own (a field, a widget): a new one holding its attributes, without
    ``copy``'s walk through ``__reduce_ex__`` (a seventh of its time)."""
    result = object.__new__(type(thing))
    result.__dict__.update(thing.__dict__)
    return result


def _copied(field: forms.Field) -> forms.Field:
    result = _shallow(field)
    widget: Any = _shallow(field.widget)
    widget.attrs = field.widget.attrs.copy()
    if isinstance(field.widget, ChoiceWidget):
        widget._choices = list(field.widget.choices)  # as the widget's setter leaves them
    result.widget = widget
    result.error_messages = field.error_messages.copy()
    result.validators = field.validators[:]
    if isinstance(field, forms.ChoiceField):
        choices: Any = field.choices
        result._choices = list(choices)  # type: ignore[attr-defined]
    return result


def _set_choices(field: Any, choices: list[tuple[str, str]]) -> None:
    """``field.choices = choices`` for pairs of strings, already as its setter (and its
    widget's) would normalise them: a list each."""
    field._choices = choices
    field.widget._choices = list(choices)


# Every choice of the list's filters is a pair of strings (the posts' and the officers' given
# as such above), so the fields are copied without a deep copy's walk through them.
CaseFilterForm.base_fields = _CopiedFields(CaseFilterForm.base_fields)


class MoveForm(DistinctIds, ActionForm):
    """Move a case to another stage; close it with an outcome; reopen it with a reason."""

    id_prefix = "move"

    version = version_field()
    to = forms.ChoiceField(
        label="Move to",
        error_messages={"required": "Choose where the case goes next."},
        widget=QuickSelect(attrs={"class": "usa-select"}),
    )
    outcome = forms.ChoiceField(
        required=False,
        label="Outcome (when closing)",
        widget=QuickSelect(attrs={"class": "usa-select"}),
    )
    reason = forms.CharField(
        required=False,
        max_length=2000,
        label="Reason",
        help_text="Required to go back a stage or to reopen a closed case. " + NO_NAMES_HINT,
        widget=textarea(2),
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


class RevealForm(StepUpCodeMixin, ActionForm):
    """Which sealed field to reveal, and why. The reason is recorded in the audit log."""

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
