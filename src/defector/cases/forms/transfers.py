"""The forms of a move of a case (to another post, or to Washington): the proposal on the case
page, and the receiving side's acceptance or refusal and the sending side's cancellation on
the move's page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from defector.cases.choices import TransferKind
from defector.cases.forms.common import (
    CRYPTONYMS_HINT,
    HandlingForm,
    checkboxes,
    radios,
    select,
    textarea,
)


class ProposeTransferForm(HandlingForm):
    """Propose moving the case: where, why (exfiltration, resettlement, other) and the reason."""

    id_prefix = "transfer"
    action_fields = {"to_post_id": "to"}

    to = forms.ChoiceField(
        label="Move the case to",
        error_messages={"required": "Choose where the case goes."},
        widget=select(),
    )
    kind = forms.ChoiceField(
        label="Why it moves",
        choices=TransferKind.choices,
        initial=TransferKind.EXFILTRATION,
        widget=radios(),
    )
    reason = forms.CharField(
        label="Reason",
        max_length=4000,
        help_text=CRYPTONYMS_HINT,
        widget=textarea(3),
    )

    def __init__(
        self, *args: Any, destinations: Sequence[tuple[str, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["to"]
        field.choices = [("", "- Choose where -"), *destinations]


class TransferDecisionForm(HandlingForm):
    """The receiving side's answer, or the sending side's cancellation (the move's version)."""

    id_prefix = "decide"

    note = forms.CharField(
        label="Note",
        required=False,
        max_length=4000,
        help_text="Required when declining. " + CRYPTONYMS_HINT,
        widget=textarea(2),
    )


class AcceptTransferForm(TransferDecisionForm):
    """Accepting: the note, and the receiving post's case officers to assign."""

    id_prefix = "accept"

    officer_ids = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        label="Case officers to assign at your post",
        help_text="The old post's case officers are unassigned when the case moves.",
        widget=checkboxes(),
    )

    def __init__(self, *args: Any, officers: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["officer_ids"]
        field.choices = [(str(pk), name) for pk, name in officers]
        if not officers:
            del self.fields["officer_ids"]
