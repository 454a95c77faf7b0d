"""Forms of the handling of a case: bona fides checks and verdicts (``6b(3)(b)``), the signed
voluntary statement (``6b(3)(c)``), tasks to the participating organizations (``6b(3)(d)``).

As in ``cases.forms``: the forms shape the input, the actions (``cases.actions_handling``)
validate it, and their field errors come back to the forms' fields. Each form's controls get
ids of their own (several forms share the case page).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

from django import forms
from django.utils import timezone

from defector.cases.choices import (
    BonaFidesCheckKind,
    BonaFidesVerdictKind,
    CheckResult,
    SignatureMethod,
)
from defector.cases.forms import (
    NO_NAMES_HINT,
    TIME_FORMATS,
    ActionErrorsMixin,
    DistinctIds,
    _textarea,
    _version_field,
)
from defector.cases.queries import AgencyRef, CheckView, OfficialRef
from defector.core.forms import UswdsBoundField

CRYPTONYMS_HINT: Final = "Not sealed: call the person by the cryptonym, never by a name."
DATE_FORMATS: Final = ["%Y-%m-%d"]
#: The largest scanned statement, as the file input says it.
UPLOAD_HINT: Final = "A PDF, PNG or JPEG file of at most 10 MB."


def _date_field(label: str, help_text: str = "", *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        required=required,
        input_formats=DATE_FORMATS,
        label=label,
        help_text=help_text,
        widget=forms.DateInput(attrs={"class": "usa-input", "type": "date"}, format="%Y-%m-%d"),
    )


def _select() -> forms.Select:
    return forms.Select(attrs={"class": "usa-select"})


def _officials(field: Any, officials: Iterable[OfficialRef], empty: str) -> None:
    field.choices = [("", empty), *((str(o.id), o.name) for o in officials)]


class HandlingForm(DistinctIds, ActionErrorsMixin, forms.Form):
    bound_field_class = UswdsBoundField

    version = _version_field()


# --- bona fides (6b(3)(b)) ----------------------------------------------------------------------


class CheckForm(HandlingForm):
    """Add a check to the bona fides checklist; with its result when it is already made."""

    id_prefix = "bfcheck"
    action_fields = {"analyst_id": "analyst"}

    kind = forms.ChoiceField(
        choices=[("", "- Select a check -"), *BonaFidesCheckKind.choices],
        label="Check",
        error_messages={"required": "Choose the kind of check."},
        widget=_select(),
    )
    analyst = forms.TypedChoiceField(
        coerce=int,
        label="Analyst",
        help_text="Who makes the check: an official who may see the case.",
        error_messages={"required": "Choose the analyst."},
        widget=_select(),
    )
    result = forms.ChoiceField(
        choices=CheckResult.choices,
        initial=CheckResult.PENDING,
        label="Result",
        help_text="Pending until the check is made.",
        widget=_select(),
    )
    checked_on = _date_field("Date of the check", "Required with a result.", required=False)
    finding = forms.CharField(
        required=False,
        max_length=2000,
        label="Finding",
        help_text=f"What the check found, in short; required with a result. {CRYPTONYMS_HINT}",
        widget=_textarea(2),
    )

    def __init__(self, *args: Any, analysts: Sequence[OfficialRef], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _officials(self.fields["analyst"], analysts, "- Select an official -")


class CheckResultForm(HandlingForm):
    """Record the result of a pending check: final once recorded."""

    id_prefix = "bfresult"

    result = forms.ChoiceField(
        choices=[("", "- Select the result -")]
        + [(value, label) for value, label in CheckResult.choices if value != CheckResult.PENDING],
        label="Result",
        error_messages={"required": "Choose the result."},
        widget=_select(),
    )
    checked_on = _date_field("Date of the check")
    finding = forms.CharField(
        max_length=2000,
        label="Finding",
        help_text=f"What the check found, in short. {CRYPTONYMS_HINT}",
        error_messages={"required": "Say what the check found."},
        widget=_textarea(3),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("checked_on", timezone.localdate())


class VerdictForm(HandlingForm):
    """A verdict on bona fides, citing the completed checks it rests on."""

    id_prefix = "verdict"
    action_fields = {"check_ids": "checks"}

    verdict = forms.ChoiceField(
        choices=BonaFidesVerdictKind.choices,
        label="Verdict",
        error_messages={"required": "Choose the verdict."},
        widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
    )
    checks = forms.TypedMultipleChoiceField(
        coerce=int,
        label="The checks it rests on",
        help_text="Completed checks only. Established needs none of them inconsistent.",
        error_messages={"required": "Cite at least one completed check."},
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}),
    )
    rationale = forms.CharField(
        max_length=4000,
        label="Rationale",
        help_text=f"Why, from the checks: at least 10 characters. {CRYPTONYMS_HINT}",
        error_messages={"required": "Give the rationale."},
        widget=_textarea(3),
    )

    def __init__(self, *args: Any, checks: Sequence[CheckView], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["checks"]
        field.choices = [
            (str(check.id), f"{check.kind_label} (check {check.id}): {check.result_label}")
            for check in checks
            if check.completed
        ]


# --- the voluntary statement (6b(3)(c)) ---------------------------------------------------------


class StatementForm(HandlingForm):
    """The signed voluntary statement: both texts, when it was signed, and the signature —
    a scanned signed statement, or a signature drawn on screen (``cases/signature-pad.js``
    fills ``signature_drawing``; without script, the upload is the way)."""

    id_prefix = "statement"

    language_name = forms.CharField(
        max_length=100,
        label="Language of the statement",
        help_text="In English: Russian, Chinese, Polish …",
        error_messages={"required": "Name the language."},
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
    )
    language_code = forms.CharField(
        max_length=35,
        label="Language tag",
        help_text="ru, zh, pl, cs …",
        error_messages={"required": "Give the language's tag."},
        widget=forms.TextInput(
            attrs={"class": "usa-input usa-input--small", "autocomplete": "off"}
        ),
    )
    text_original = forms.CharField(
        max_length=20_000,
        label="The statement in the person's language",
        help_text="That the defection is voluntary and that they request political asylum.",
        error_messages={"required": "Give the statement in the person's language."},
        widget=_textarea(6, dir="auto"),
    )
    text_english = forms.CharField(
        max_length=20_000,
        label="The statement in English",
        error_messages={"required": "Give the statement in English."},
        widget=_textarea(6),
    )
    signed_at = forms.DateTimeField(
        input_formats=TIME_FORMATS,
        label="Signed (UTC)",
        error_messages={"required": "Say when the person signed."},
        widget=forms.DateTimeInput(
            attrs={"class": "usa-input", "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
    )
    signature_method = forms.ChoiceField(
        choices=SignatureMethod.choices,
        initial=SignatureMethod.UPLOAD,
        label="How it is signed",
        widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
    )
    signature_file = forms.FileField(
        required=False,
        label="Scanned signed statement",
        help_text=UPLOAD_HINT,
        widget=forms.ClearableFileInput(
            attrs={"class": "usa-file-input", "accept": "application/pdf,image/png,image/jpeg"}
        ),
    )
    signature_drawing = forms.CharField(
        required=False,
        widget=forms.HiddenInput(attrs={"data-signature-output": ""}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault(
                "signed_at", timezone.localtime(timezone.now()).replace(second=0, microsecond=0)
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        method = data.get("signature_method")
        # Only the chosen way counts: a drawing left on the pad does not travel with an upload.
        if method == SignatureMethod.UPLOAD:
            data["signature_drawing"] = ""
        elif method == SignatureMethod.DRAWN:
            data["signature_file"] = None
            if not data.get("signature_drawing"):
                self.add_error(
                    "signature_method",
                    "Draw the signature on the pad, or choose the upload of a scanned statement.",
                )
        return data


class WitnessForm(HandlingForm):
    id_prefix = "witness"


class WithdrawStatementForm(HandlingForm):
    id_prefix = "withdraw"

    reason = forms.CharField(
        max_length=2000,
        label="How and why it was withdrawn",
        help_text=f"At least 10 characters. {CRYPTONYMS_HINT}",
        error_messages={"required": "Say how and why the statement was withdrawn."},
        widget=_textarea(2),
    )


# --- tasks (6b(3)(d)) ---------------------------------------------------------------------------


class TaskForm(HandlingForm):
    """Task an agency, or one official (exactly one)."""

    id_prefix = "task"
    action_fields = {"agency_id": "agency", "official_id": "official", "assignee": "agency"}

    title = forms.CharField(
        max_length=200,
        label="Task",
        help_text=f"What is to be done, in a line. {NO_NAMES_HINT}",
        error_messages={"required": "Say what is to be done."},
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
    )
    details = forms.CharField(
        required=False,
        max_length=10_000,
        label="Details",
        help_text=CRYPTONYMS_HINT,
        widget=_textarea(3),
    )
    agency = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="To an agency",
        help_text="Any of its officials who may see the case answers for it.",
        widget=_select(),
    )
    official = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Or to one official",
        help_text="Choose an agency or an official, not both.",
        widget=_select(),
    )
    due_on = _date_field("Due on")

    def __init__(
        self,
        *args: Any,
        agencies: Sequence[AgencyRef],
        officials: Sequence[OfficialRef],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        agency: Any = self.fields["agency"]
        agency.choices = [
            ("", "- No agency -"),
            *((str(a.id), f"{a.code}: {a.name}") for a in agencies),
        ]
        _officials(self.fields["official"], officials, "- No official -")


class TaskEditForm(HandlingForm):
    """Change a task not answered yet."""

    id_prefix = "taskedit"

    title = forms.CharField(
        max_length=200,
        label="Task",
        help_text=NO_NAMES_HINT,
        error_messages={"required": "Say what is to be done."},
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
    )
    details = forms.CharField(
        required=False,
        max_length=10_000,
        label="Details",
        help_text=CRYPTONYMS_HINT,
        widget=_textarea(3),
    )
    due_on = _date_field("Due on")


class AcceptTaskForm(HandlingForm):
    id_prefix = "accept"


class DeclineTaskForm(HandlingForm):
    id_prefix = "decline"

    reason = forms.CharField(
        max_length=2000,
        label="Why it is declined",
        help_text=f"At least 10 characters. {CRYPTONYMS_HINT}",
        error_messages={"required": "Say why the task is declined."},
        widget=_textarea(2),
    )


class CompleteTaskForm(HandlingForm):
    id_prefix = "complete"

    result = forms.CharField(
        max_length=2000,
        label="Result",
        help_text=f"What was done: at least 10 characters. {CRYPTONYMS_HINT}",
        error_messages={"required": "Say what was done."},
        widget=_textarea(3),
    )


class WithdrawTaskForm(HandlingForm):
    id_prefix = "taskwithdraw"

    reason = forms.CharField(
        max_length=2000,
        label="Why it is withdrawn",
        help_text=f"At least 10 characters. {CRYPTONYMS_HINT}",
        error_messages={"required": "Say why the task is withdrawn."},
        widget=_textarea(2),
    )
