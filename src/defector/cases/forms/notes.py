"""A note on a case (not sealed: never a name), and the note search."""

from __future__ import annotations

from django import forms

from defector.cases import queries
from defector.cases.forms.common import DistinctIds, textarea, version_field
from defector.cases.models import CaseNote
from defector.core.forms import ActionForm, UswdsBoundField


class NoteForm(DistinctIds, ActionForm):
    id_prefix = "note"
    version = version_field()
    text = forms.CharField(
        max_length=10_000,
        label="Note",
        help_text=CaseNote._meta.get_field("text").help_text,
        error_messages={"required": "Write the note."},
        widget=textarea(3),
    )


class NoteSearchForm(forms.Form):
    bound_field_class = UswdsBoundField

    q = forms.CharField(
        required=False,
        max_length=queries.MAX_SEARCH_LENGTH,
        label="Words to find",
        help_text="Notes that contain every word, in any case and related forms "
        "(meeting, meetings). Only notes of cases you may see.",
        widget=forms.TextInput(attrs={"class": "usa-input", "type": "search"}),
    )
