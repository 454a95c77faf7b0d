"""A note on a case, and the note search among the cases the user may see."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from defector.cases import actions, queries
from defector.cases.forms import NoteForm, NoteSearchForm
from defector.cases.views.case import NOTES_TAB, CaseChangeView
from defector.core.errors import InvalidInput


class NoteView(CaseChangeView):
    form_name = "note_form"
    tab = NOTES_TAB

    def make_form(self, view: queries.CaseView) -> NoteForm:
        return NoteForm(self.request.POST)

    def act(self, form: Any) -> str:
        view = self.view
        actions.add_note(
            acting_user=self.request.user,
            case_id=view.id,
            expected_version=form.cleaned_data["version"],
            text=form.cleaned_data["text"],
        )
        return "Note added."


class NoteSearchView(LoginRequiredMixin, TemplateView):
    """Find notes by their words, among the cases the user may see."""

    template_name = "cases/search.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = NoteSearchForm(self.request.GET or None)
        hits: list[queries.NoteHit] = []
        searched = False
        if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
            searched = True
            try:
                hits = queries.search_notes(self.request.user, form.cleaned_data["q"])
            except InvalidInput as exc:
                form.add_error("q", exc.errors[0]["message"])
        context |= {"form": form, "hits": hits, "searched": searched}
        return context
