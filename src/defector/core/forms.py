"""Forms of the audit pages: the log's filter, and the CSV export (the filter and a reason).

They only shape input into a :class:`~defector.core.queries.AuditFilter`; its own checks
(``AuditFilter.errors``, which the API and the export action apply too) are put back on the
form's fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from django import forms

from defector.core.actions import EXPORT_REASON_MAX_LENGTH
from defector.core.queries import AUDIT_FILTER_MAX_LENGTH, AuditFilter
from defector.web.forms import UswdsBoundField

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
        if until is not None and until.second == 0 and until.microsecond == 0:
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
