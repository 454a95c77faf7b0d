"""What the forms of the cases pages share: the hints, the hidden version of the case the page
showed (a stale one is refused, 409), controls with ids of their own (a case page holds several
forms whose fields share names), and one error summary for all the forms of a page.

The forms only shape the input; the actions validate it, and their field errors come back to
the forms' fields (``defector.core.forms.ActionErrorsMixin``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from django import forms

from defector.cases.forms.widgets import QuickHiddenInput, QuickSelect, QuickTextarea
from defector.cases.queries import OfficialRef
from defector.core.forms import ActionForm

SEALED_HINT: Final = "Sealed."
NO_NAMES_HINT: Final = "Not sealed: never write a name here."
#: ``<input type="datetime-local">`` sends minutes (and seconds when the browser shows them).
TIME_FORMATS: Final = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
CRYPTONYMS_HINT: Final = "Not sealed: call the person by the cryptonym, never by a name."
CRYPTONYMS_ONLY: Final = "Not sealed: call the person by the cryptonym, never by name."
DATE_FORMATS: Final = ["%Y-%m-%d"]


class DistinctIds:
    """Gives a form's controls ids of their own (``move_reason``, ``note_version``…): a case
    page holds several forms whose fields share names."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if self.id_prefix:
            kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


def version_field() -> forms.IntegerField:
    """The version of the case the page showed: the action refuses a stale one (409)."""
    return forms.IntegerField(
        min_value=1,
        widget=QuickHiddenInput,
        error_messages={
            "required": "The page did not say which version of the case you saw; reload it.",
            "invalid": "The page did not say which version of the case you saw; reload it.",
        },
    )


def textarea(rows: int, **attrs: str) -> forms.Textarea:
    return QuickTextarea(attrs={"class": "usa-textarea", "rows": str(rows), **attrs})


def checkboxes() -> forms.CheckboxSelectMultiple:
    return forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"})


def radios() -> forms.RadioSelect:
    return forms.RadioSelect(attrs={"class": "usa-radio__input"})


def select() -> forms.Select:
    return QuickSelect(attrs={"class": "usa-select"})


def date_field(label: str, help_text: str = "", *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        required=required,
        input_formats=DATE_FORMATS,
        label=label,
        help_text=help_text,
        widget=forms.DateInput(attrs={"class": "usa-input", "type": "date"}, format="%Y-%m-%d"),
    )


def set_officials(field: Any, officials: Iterable[OfficialRef], empty: str) -> None:
    field.choices = [("", empty), *((str(o.id), o.name) for o in officials)]


class HandlingForm(DistinctIds, ActionForm):
    """A form of a case's handling (bona fides, statements, tasks): ids of its own, the
    action's errors on its fields, and the version of the case the page showed."""

    version = version_field()


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
