"""Pages of the traces app (``6b(3)(b)``): a case's name traces (run one, the ranked hits with
their scores and reasons, match / no-match, the conclusion on the bona fides checklist) and the
IDC's watch lists (list, upload, view, delete).

Thin: each view parses a form, calls one query or action, and renders. A case the user may
not see answers 404; one they see but whose bona fides work is not theirs, 403. The watch lists
exist only for the IDC (404 for everyone else).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from defector.core.errors import NotFound
from defector.core.views import ActionFormMixin
from defector.traces import actions, queries
from defector.traces.choices import TRACES_CLAUSE
from defector.traces.forms import (
    ConcludeTraceForm,
    MarkHitForm,
    RunTraceForm,
    UploadWatchlistForm,
)


class CaseMixin(LoginRequiredMixin):
    """The case of the URL, for one who does its bona fides work (404 hidden, 403 not theirs)."""

    request: HttpRequest
    kwargs: dict[str, Any]
    case: Any

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            try:
                self.case = queries.find_case_for(request.user, kwargs["case_id"])
            except NotFound:
                raise Http404("no such case") from None
            if not queries.may_trace(request.user, self.case):
                raise DjangoPermissionDenied(
                    "only those who do the case's bona fides work run its name traces"
                )
        return super().dispatch(request, *args, **kwargs)


class CaseTracesView(CaseMixin, ActionFormMixin, TemplateView):
    """The case's traces, newest first, and the form that runs one."""

    template_name = "traces/case.html"
    not_found_message = "no such case"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", RunTraceForm())
        context |= {
            "case": self.case,
            "traces": queries.traces_of(self.request.user, self.case),
            "clause": TRACES_CLAUSE,
        }
        return context

    def bound_form(self) -> RunTraceForm:
        return RunTraceForm(self.request.POST)

    def act(self, form: RunTraceForm) -> Any:
        return actions.run_trace(
            acting_user=self.request.user, case_id=self.case.pk, **form.action_data()
        )

    def success_message(self, result: Any) -> str:
        return f"Name trace {result.pk} run on {self.case.cryptonym}."

    def success_url(self, result: Any) -> str:
        return reverse("traces:trace", args=[self.case.pk, result.pk])

    def render_invalid(self, form: RunTraceForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form))


class TraceView(CaseMixin, TemplateView):
    """One trace: its ranked hits with scores and reasons, the match / no-match buttons, and
    the form that concludes it on the bona fides checklist."""

    template_name = "traces/trace.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        try:
            trace = queries.trace_detail(self.request.user, self.case, self.kwargs["trace_id"])
        except NotFound:
            raise Http404("no such trace") from None
        context.setdefault(
            "conclude_form", ConcludeTraceForm(initial={"version": self.case.version})
        )
        context |= {"case": self.case, "trace": trace, "clause": TRACES_CLAUSE}
        return context


class TraceFormView(CaseMixin, ActionFormMixin, View):
    """A form posted from the trace page, which it re-renders with the form's errors."""

    not_found_message = "no such trace"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            trace = queries.trace_detail(request.user, self.case, kwargs["trace_id"])
        except NotFound:
            raise Http404("no such trace") from None
        if "hit_id" in kwargs and all(hit.id != kwargs["hit_id"] for hit in trace.hits):
            raise Http404("no such hit")
        return super().post(request, *args, **kwargs)

    def back(self) -> str:
        return reverse("traces:trace", args=[self.case.pk, self.kwargs["trace_id"]])

    def success_url(self, result: Any) -> str:
        return self.back()

    def render_invalid(self, form: Any) -> HttpResponse:
        if not isinstance(form, ConcludeTraceForm):
            for errors in form.errors.values():
                messages.error(self.request, " ".join(str(error) for error in errors))
            return HttpResponseRedirect(self.back())
        page = TraceView()
        page.setup(self.request, **self.kwargs)
        page.case = self.case
        return page.render_to_response(page.get_context_data(conclude_form=form))


class MarkHitView(TraceFormView):
    def bound_form(self) -> MarkHitForm:
        return MarkHitForm(self.request.POST)

    def act(self, form: MarkHitForm) -> Any:
        return actions.mark_hit(
            acting_user=self.request.user,
            case_id=self.case.pk,
            trace_id=self.kwargs["trace_id"],
            hit_id=self.kwargs["hit_id"],
            mark=form.cleaned_data["mark"],
        )

    def success_message(self, result: Any) -> str:
        return f"Hit {result.rank} marked: {result.get_mark_display().lower()}."


class ConcludeView(TraceFormView):
    def bound_form(self) -> ConcludeTraceForm:
        return ConcludeTraceForm(self.request.POST)

    def act(self, form: ConcludeTraceForm) -> Any:
        return actions.conclude_trace(
            acting_user=self.request.user,
            case_id=self.case.pk,
            trace_id=self.kwargs["trace_id"],
            **form.action_data(),
        )

    def success_message(self, result: Any) -> str:
        return (
            f"Name trace {result.pk} concluded: recorded on the bona fides checklist as check "
            f"{result.check_record_id}."
        )


# --- watch lists ------------------------------------------------------------------------------


class WatchlistMixin(LoginRequiredMixin):
    """The watch lists exist only for those who manage them (the IDC): 404 for the others."""

    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not queries.may_manage_watchlists(request.user):
            raise Http404("no such page")
        return super().dispatch(request, *args, **kwargs)


class WatchlistListView(WatchlistMixin, ActionFormMixin, TemplateView):
    """The watch lists with their entry counts, and the upload form."""

    template_name = "traces/watchlists.html"
    permission_refusal = "404"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", UploadWatchlistForm())
        context |= {"sources": queries.sources_for(self.request.user), "clause": TRACES_CLAUSE}
        return context

    def bound_form(self) -> UploadWatchlistForm:
        return UploadWatchlistForm(self.request.POST, self.request.FILES)

    def act(self, form: UploadWatchlistForm) -> Any:
        return actions.import_watchlist(acting_user=self.request.user, **form.action_data())

    def success_message(self, result: Any) -> str:
        return f"{result.line()[:1].upper()}{result.line()[1:]}."

    def success_url(self, result: Any) -> str:
        return reverse("traces:watchlist", args=[result.source.pk])

    def render_invalid(self, form: UploadWatchlistForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form))


class WatchlistDetailView(WatchlistMixin, TemplateView):
    template_name = "traces/watchlist.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        try:
            source = queries.source_detail(self.request.user, self.kwargs["source_id"])
        except NotFound:
            raise Http404("no such watch list") from None
        context |= {
            "source": source,
            "entries": queries.entries_of(source),
            "shown": queries.ENTRIES_SHOWN,
        }
        return context


class WatchlistDeleteView(WatchlistMixin, View):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            actions.delete_watchlist(acting_user=request.user, source_id=kwargs["source_id"])
        except NotFound:
            raise Http404("no such watch list") from None
        messages.success(request, "The watch list is deleted.")
        return HttpResponseRedirect(reverse("traces:watchlists"))
