"""Forms of the accounts pages: sign-in, a code, an API token; and the step-up code field that
other forms add (the case page's reveal form)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from defector.core import actions as core_actions
from defector.core.choices import TokenScope
from defector.core.forms import ActionForm


class AccountForm(ActionForm):
    """An accounts page's form: the actions' messages are shown as they are written."""

    sentence_case = False


class SignInForm(AccountForm):
    """The name and password, with USWDS controls and password-manager hints.

    The form only checks that both are there; ``accounts.actions.check_password`` decides, with
    one answer whether or not the account exists.
    """

    username = forms.CharField(
        label="Username",
        max_length=150,
        error_messages={"required": "Enter your username."},
        widget=forms.TextInput(
            attrs={
                "class": "usa-input",
                "autocomplete": "username",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=4096,
        error_messages={"required": "Enter your password."},
        widget=forms.PasswordInput(
            attrs={"class": "usa-input", "autocomplete": "current-password"}
        ),
    )


def code_field(*, required: bool, help_text: str) -> forms.CharField:
    return forms.CharField(
        label="Code from your authenticator app",
        required=required,
        max_length=64,
        help_text=help_text,
        error_messages={"required": "Enter the code your authenticator app shows."},
        widget=forms.TextInput(
            attrs={
                "class": "usa-input usa-input--medium",
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )


class CodeForm(AccountForm):
    """The second factor: a code from the authenticator app, or a recovery code."""

    code = code_field(
        required=True,
        help_text="The 6 digits your app shows now. Lost the app? Enter one of your recovery "
        "codes instead (each works once).",
    )


class EnrolForm(AccountForm):
    """The first code of a newly added authenticator app, which confirms it."""

    code = code_field(required=True, help_text="The 6 digits the app shows for this account.")


class StepUpCodeMixin:
    """Adds the ``code`` field (a fresh second factor) to a form while MFA is required.

    For actions that need the second factor within the last minutes (revealing a sealed
    value): leave it empty when one was given recently; ``accounts.stepup.confirm`` checks it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if getattr(settings, "MFA_REQUIRED", True):
            form: forms.Form = self  # type: ignore[assignment]
            minutes = max(1, int(getattr(settings, "STEP_UP_SECONDS", 300)) // 60)
            form.fields["code"] = code_field(
                required=False,
                help_text=f"Needed unless you entered one in the last {minutes} minutes.",
            )


class TokenForm(AccountForm):
    """A new API token: what it is for, what it may do, how long it lasts."""

    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, such as the program that will use it.",
        error_messages={"required": "Name the token."},
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    scope = forms.ChoiceField(
        label="Scope",
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        help_text="Read only: GET requests. Read and assess: also POST /api/v1/policy/assess. "
        "Read and write: everything your account may do.",
        error_messages={"required": "Choose what the token may do."},
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    days = forms.IntegerField(
        label="Days until it expires",
        min_value=1,
        max_value=core_actions.MAX_TOKEN_DAYS,
        initial=30,
        help_text=f"From 1 to {core_actions.MAX_TOKEN_DAYS}.",
        error_messages={"required": "Give the number of days."},
        widget=forms.NumberInput(attrs={"class": "usa-input usa-input--small"}),
    )
