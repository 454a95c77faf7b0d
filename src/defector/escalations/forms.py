"""Forms of the escalations pages: the list's filters, raising a problem, and each step of
``6c``. The forms shape input; the actions decide, and their errors come back to the fields.

Every step's form has a prefix (its step), so several can share a page without clashing ids.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final

from django import forms
from django.utils import timezone

from defector.core.forms import MULTIPLE_HINT, ActionForm, UswdsBoundField, checkbox_list
from defector.core.users import AnyUser
from defector.escalations import queries
from defector.escalations.choices import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, ProblemStatus
from defector.policy.gates import escalations as gate

NO_TRUE_NAMES: Final = "Cryptonyms and codes only: never a true name."


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "usa-textarea", "rows": str(rows)})


def _text(label: str, help_text: str, *, required: bool = True, rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX_LENGTH,
        help_text=help_text,
        widget=_textarea(rows),
        error_messages={"required": f"Enter the {label.lower()}."},
    )


def _date(label: str, help_text: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"}, format="%Y-%m-%d"),
    )


# --- the list ---------------------------------------------------------------------------------


class ProblemFilterForm(forms.Form):
    """The problem list's filters (GET); the API takes the same ones."""

    bound_field_class = UswdsBoundField

    post = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Post",
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any status"), *ProblemStatus.choices],
        label="Status",
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    open = forms.BooleanField(
        required=False,
        label="Open only",
        widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}),
    )
    idc_waiting = forms.BooleanField(
        required=False,
        label="Waiting for the IDC",
        widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}),
    )
    q = forms.CharField(
        required=False,
        max_length=queries.MAX_QUERY_LENGTH,
        label="Title contains",
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        posts = [(str(post.pk), post.name) for post in queries.posts_with_problems(user)]
        post_field: Any = self.fields["post"]
        post_field.choices = [("", "All posts"), *posts]

    def filters(self) -> queries.ProblemFilters:
        if not self.is_valid():
            return queries.ProblemFilters()
        data = self.cleaned_data
        return queries.ProblemFilters(
            post=data.get("post"),
            status=data.get("status") or "",
            open=bool(data.get("open")),
            idc_waiting=bool(data.get("idc_waiting")),
            q=data.get("q") or "",
        )

    @property
    def filtered(self) -> bool:
        filters = self.filters()
        return filters != queries.ProblemFilters()


# --- raising ------------------------------------------------------------------------------------


class RaiseProblemForm(ActionForm):
    """A mutual problem for the committee of a post (``6c``)."""

    action_fields = {"post_id": "post", "cryptonyms": "cryptonyms", "agencies": "agencies"}

    post = forms.TypedChoiceField(
        coerce=int,
        label="Post",
        help_text="The post whose committee the problem is for.",
        error_messages={"required": "Choose the post."},
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    title = forms.CharField(
        label="Title",
        max_length=TITLE_MAX_LENGTH,
        help_text=f"The problem in a line. {NO_TRUE_NAMES}",
        error_messages={"required": "Enter the title."},
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    description = _text(
        "Description",
        f"What is at stake, and who disagrees. {NO_TRUE_NAMES}",
        required=False,
        rows=6,
    )
    cryptonyms = forms.CharField(
        label="Cases it concerns",
        required=False,
        max_length=2000,
        help_text="Cryptonyms of the post's cases, separated by spaces or commas (optional).",
        widget=forms.TextInput(
            attrs={"class": "usa-input", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    agencies = forms.MultipleChoiceField(
        label="Agencies involved",
        required=False,
        help_text=MULTIPLE_HINT,
        widget=checkbox_list(),
    )
    due_date = _date("Due date", "When the post needs it settled. Default: in 14 days.")

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        posts = list(queries.posts_for_raising(user))
        post_field: Any = self.fields["post"]
        post_field.choices = [("", "- Select a post -"), *((str(p.pk), p.name) for p in posts)]
        if len(posts) == 1 and not self.is_bound:
            self.initial.setdefault("post", str(posts[0].pk))
        agencies: Any = self.fields["agencies"]
        agencies.choices = [(a.code, f"{a.code}: {a.name}") for a in queries.active_agencies()]

    def action_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "post_id": data["post"],
            "title": data["title"],
            "description": data.get("description") or "",
            "cryptonyms": data.get("cryptonyms") or "",
            "agencies": list(data.get("agencies") or []),
            "due_date": data.get("due_date"),
        }


# --- the steps of 6c ------------------------------------------------------------------------


class StepForm(ActionForm):
    """The form of one step; its prefix is the step."""

    step: ClassVar[str]
    heading: ClassVar[str]
    submit: ClassVar[str]
    intro: ClassVar[str] = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.step)
        super().__init__(*args, **kwargs)

    def action_data(self) -> dict[str, Any]:
        """The action's keyword arguments (call after ``is_valid``)."""
        return dict(self.cleaned_data)


class ResolveForm(StepForm):
    step = gate.RESOLVE_LOCALLY
    heading = "Resolve locally"
    submit = "Record the resolution"
    intro = "The committee resolved the problem itself."

    text = _text("Resolution", f"How the committee resolved it. {NO_TRUE_NAMES}")


class ReferralForm(StepForm):
    step = gate.REQUEST_REFERRAL
    heading = "Refer to the IDC through CIA channels"
    submit = "Request referral"
    intro = (
        "The committee cannot resolve it: the post's CIA member transmits the referral to the "
        "Interagency Defector Committee, Washington."
    )

    summary = _text("Summary for the IDC", f"What the IDC is asked to decide. {NO_TRUE_NAMES}")
    decision_due = _date(
        "IDC decision needed by", "Default: the problem's due date (or today if it has passed)."
    )


class TransmitForm(StepForm):
    step = gate.TRANSMIT_REFERRAL
    heading = "Transmit through CIA channels"
    submit = "Transmit to the IDC"
    intro = "As the post's CIA member, send the referral to the IDC."

    channel_reference = forms.CharField(
        label="Message reference",
        required=False,
        max_length=100,
        help_text="The reference of the message that carries it (optional).",
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
    )


class CommunicationForm(StepForm):
    step = gate.NOTE_COMMUNICATION
    heading = "Note a direct communication with Washington"
    submit = "Add the note"
    intro = (
        "Members may communicate directly with their principals in Washington on the subject of "
        "a referral; note yours here. Your agency is recorded with it."
    )

    summary = _text("What was communicated", NO_TRUE_NAMES, rows=3)
    at = forms.DateTimeField(
        label="When (UTC)",
        required=False,
        help_text="Default: now.",
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "class": "usa-input"}, format="%Y-%m-%dT%H:%M"
        ),
    )

    def action_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        at = data.get("at")
        if at is not None and timezone.is_naive(at):
            at = timezone.make_aware(at, timezone.get_current_timezone())
        return {"summary": data["summary"], "at": at}


class UrgentForm(StepForm):
    step = gate.SUBMIT_TO_SENIOR_REP
    heading = "Time does not permit referral"
    submit = "Submit to the senior US representative"
    intro = "The matter goes to the post's senior US representative for decision now."

    reason = _text("Why time does not permit referral", NO_TRUE_NAMES, rows=3)


class SeniorDecisionForm(StepForm):
    step = gate.SENIOR_REP_DECIDE
    heading = "Decide (senior US representative)"
    submit = "Record the decision"
    intro = "The IDC is sent an information copy of your decision at once."

    decision = _text("Decision", NO_TRUE_NAMES)


class IdcAcknowledgeForm(StepForm):
    step = gate.IDC_ACKNOWLEDGE
    heading = "Acknowledge the referral"
    submit = "Acknowledge receipt"
    intro = "Confirm that the IDC has received the referred problem."


class IdcDecisionForm(StepForm):
    step = gate.IDC_DECIDE
    heading = "Decide (IDC)"
    submit = "Record the IDC's decision"

    decision = _text("Decision", NO_TRUE_NAMES)


class IdcInformationForm(StepForm):
    step = gate.IDC_ACKNOWLEDGE_INFORMATION
    heading = "Acknowledge the information copy"
    submit = "Acknowledge"
    intro = "The IDC has been told of the senior US representative's decision."


#: Each step's form, in the order the problem page shows them.
STEP_FORMS: Final[dict[str, type[StepForm]]] = {
    form.step: form
    for form in (
        IdcAcknowledgeForm,
        IdcDecisionForm,
        IdcInformationForm,
        SeniorDecisionForm,
        TransmitForm,
        ResolveForm,
        ReferralForm,
        CommunicationForm,
        UrgentForm,
    )
}
