"""The form kit every app's forms build on, and the forms of the audit pages.

The kit: USWDS error marks on controls (``UswdsBoundField``) and a form whose action's field
errors come back to its controls (``ActionForm``, ``ActionErrorsMixin``).

The audit forms (the log's filter, and the CSV export: the filter and a reason) only shape
input into a :class:`~defector.core.queries.AuditFilter`; its own checks (``AuditFilter.errors``,
which the API and the export action apply too) are put back on the form's fields.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.boundfield import BoundField
from django.forms.widgets import Widget

from defector.core.actions import EXPORT_REASON_MAX_LENGTH
from defector.core.inputs import moment_problem
from defector.core.queries import AUDIT_FILTER_MAX_LENGTH, AuditFilter

# --- the form kit: what every app's forms share ------------------------------------------


class UswdsBoundField(BoundField):
    """Marks a control in error the USWDS way (``usa-input--error``).

    Django already sets ``aria-invalid`` and points ``aria-describedby`` at
    ``<id>_helptext`` and ``<id>_error``; the templates give the hint and the error those ids.
    """

    def build_widget_attrs(
        self, attrs: dict[str, str | bool], widget: Widget | None = None
    ) -> dict[str, str | bool]:
        built = super().build_widget_attrs(attrs, widget)
        if self.errors and self.widget_type not in ("checkbox", "checkboxselectmultiple"):
            base = str((widget or self.field.widget).attrs.get("class", ""))
            built["class"] = f"{base} usa-input--error".strip()
        return built


def sentence(text: str) -> str:
    """``text`` with a capital first letter, as an error under a control reads."""
    return text[:1].upper() + text[1:]


#: The hint under a list that takes more than one choice (a list of checkboxes: no Ctrl-click,
#: which a phone cannot do).
MULTIPLE_HINT = "Tick every one that applies."

#: From this many choices on, a list of checkboxes scrolls and offers a filter (``web/js``).
LONG_LIST: Final = 12


def checkbox_list() -> forms.CheckboxSelectMultiple:
    """The widget of a field that takes several choices: a list of USWDS checkboxes
    (``web/includes/checkboxes.html``), never a ``<select multiple>``. A long list scrolls
    and, with JavaScript, gets a filter box; it works without JavaScript."""
    return forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"})


_FIELD_PATH: Final = re.compile(r"[.\[]")


class ActionErrorsMixin:
    """Puts an action's field errors on the form's fields (the rest above the form).

    An action names its fields by path (``positions[1].note``, ``facts.nationalities[0]``).
    ``action_fields`` maps an action's name to the form's where they differ; a path under one
    of ``action_prefixes`` goes to the control of its first part (``facts.nationalities[0]``
    to ``nationalities``); an error of no control of the form goes above the form, naming its
    path (an error of the whole input, ``__all__``, as it is). Messages are shown as sentences
    unless ``sentence_case`` is off (for actions whose messages are written as shown).
    """

    #: An action's field name -> this form's field name, where they differ.
    action_fields: Mapping[str, str] = {}
    #: Prefixes of action paths whose first part after the prefix is this form's field.
    action_prefixes: tuple[str, ...] = ()
    #: Whether a message gets a capital first letter.
    sentence_case: bool = True

    def field_for_action_path(self, path: str) -> str:
        """The form's field name for the action's field path ``path``."""
        name = self.action_fields.get(path, path)
        for prefix in self.action_prefixes:
            if name.startswith(prefix):
                return _FIELD_PATH.split(name.removeprefix(prefix), maxsplit=1)[0]
        return name

    def add_action_errors(self, errors: Iterable[Mapping[str, str]]) -> None:
        form: forms.Form = self  # type: ignore[assignment]
        for error in errors:
            path = error.get("field", "")
            name = self.field_for_action_path(path)
            message = error.get("message", "is not valid")
            if self.sentence_case:
                message = sentence(message)
            if name in form.fields:
                form.add_error(name, message)
            elif path and path != NON_FIELD_ERRORS:
                form.add_error(None, f"{path}: {message}")
            else:
                form.add_error(None, message)


class ActionForm(ActionErrorsMixin, forms.Form):
    """A form whose data goes to an action; the action's field errors come back to it."""

    bound_field_class = UswdsBoundField

    def action_data(self) -> dict[str, Any]:
        """The action's keyword arguments (call after ``is_valid``); by default the cleaned
        data as it is."""
        return dict(self.cleaned_data)


# --- the audit pages -------------------------------------------------------------------------

#: ``<input type="datetime-local">`` sends minutes (and seconds when the browser shows them).
TIME_FORMATS: Final = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


def _text(label: str, name: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=AUDIT_FILTER_MAX_LENGTH[name],
        help_text=help_text,
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
    )


def _moment(label: str, help_text: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        input_formats=TIME_FORMATS,
        help_text=help_text,
        widget=forms.DateTimeInput(
            attrs={"class": "usa-input", "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
    )


class AuditFilterForm(forms.Form):
    """Narrow the audit log: actor, object, cryptonym, action and time (all optional)."""

    bound_field_class = UswdsBoundField

    actor = _text("Actor", "actor", "Part of the actor’s name or sign-in name.")
    action = _text("Action", "action", "An action code or its start, e.g. cases. or audit.export")
    object_type = _text("Object type", "object_type", "e.g. cases.case or directory.post")
    object_id = _text("Object id", "object_id")
    cryptonym = _text("Cryptonym", "cryptonym")
    since = _moment("From", "UTC. Events at or after this time.")
    until = _moment("To", "UTC. Events up to the end of this minute.")

    FILTER_FIELDS: Final = (
        "actor",
        "action",
        "object_type",
        "object_id",
        "cryptonym",
        "since",
        "until",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            for error in self.to_filter().errors():
                self.add_error(error["field"], error["message"])
        return cleaned

    def to_filter(self) -> AuditFilter:
        """The filter of a valid form (``until`` covers the whole minute it names)."""
        data = self.cleaned_data
        until: dt.datetime | None = data.get("until")
        if (
            until is not None
            and until.second == 0
            and until.microsecond == 0
            and not moment_problem(until)
        ):
            until += dt.timedelta(minutes=1, microseconds=-1)
        return AuditFilter(
            actor=data.get("actor") or "",
            object_type=data.get("object_type") or "",
            object_id=data.get("object_id") or "",
            cryptonym=data.get("cryptonym") or "",
            action=data.get("action") or "",
            since=data.get("since"),
            until=until,
        )

    def filter_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.FILTER_FIELDS]


class AuditExportForm(AuditFilterForm):
    """The export of the filtered events as CSV: the filter, and why (kept in the record)."""

    reason = forms.CharField(
        label="Reason for the export",
        required=False,
        max_length=EXPORT_REASON_MAX_LENGTH,
        help_text="Kept in the audit record of the export.",
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
