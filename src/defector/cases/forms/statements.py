"""The signed voluntary statement (``6b(3)(c)``): record it (both texts, the signature uploaded
or drawn on screen), witness it, withdraw it.
"""

from __future__ import annotations

from typing import Any, Final

from django import forms
from django.utils import timezone

from defector.cases.choices import SignatureMethod
from defector.cases.forms.common import CRYPTONYMS_HINT, TIME_FORMATS, HandlingForm, textarea

#: The largest scanned statement, as the file input says it.
UPLOAD_HINT: Final = "A PDF, PNG or JPEG file of at most 10 MB."


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
        widget=textarea(6, dir="auto"),
    )
    text_english = forms.CharField(
        max_length=20_000,
        label="The statement in English",
        error_messages={"required": "Give the statement in English."},
        widget=textarea(6),
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
        widget=textarea(2),
    )
