"""The audit pages, for auditors: the log with its filters, one event, verification, export.

Everyone else gets 404 (the rule ``core.access.audit_log``): the pages answer as if they did
not exist. Thin by design: reads through ``core.queries``, the export's record through
``core.actions.export_audit_events``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any, Final

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.views.generic import TemplateView

from defector.core import actions, chain, queries
from defector.core.access import Action
from defector.core.errors import InvalidInput, NotFound
from defector.core.forms import AuditExportForm, AuditFilterForm

PAGE_SIZE: Final = 50
CHECKPOINTS_SHOWN: Final = 20

#: The CSV export's columns: every hashed field, then the hash (chain order, one per event).
CSV_COLUMNS: Final = (*chain.HASHED_FIELDS, "hash")
#: Columns holding JSON; written in the chain's canonical encoding.
JSON_COLUMNS: Final = frozenset({"before", "after", "decision"})
#: A text cell starting with one of these is prefixed with an apostrophe, so that a
#: spreadsheet shows it rather than running it as a formula (CSV injection).
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)


class AuditorRequiredMixin(LoginRequiredMixin):
    """Signed-in users who are not auditors get 404; anonymous visitors are sent to sign in."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not queries.may_read_audit(request.user):
            raise Http404("not found")
        return super().dispatch(request, *args, **kwargs)


class AuditIndexView(AuditorRequiredMixin, TemplateView):
    """The log, newest first, filtered by actor, object, cryptonym, action and time."""

    template_name = "core/audit_index.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = AuditFilterForm(request.GET or None)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form: AuditFilterForm = context["form"]
        context["filtered"] = form.is_bound
        if form.is_bound and not form.is_valid():
            context["page_obj"] = None
            return context
        filters = form.to_filter() if form.is_bound else queries.AuditFilter()
        events = queries.audit_events(self.request.user, filters)
        page = Paginator(events, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context["page_obj"] = page
        context["filtered"] = not filters.is_empty
        context["may_export"] = queries.may_read_audit(self.request.user, Action.EXPORT)
        context.setdefault("reason_field", AuditExportForm()["reason"])
        return context


class AuditExportView(AuditorRequiredMixin, TemplateView):
    """CSV of the filtered events (POST): first the export's own audit record, then the rows."""

    template_name = "core/audit_index.html"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        form = AuditExportForm(request.POST)
        if form.is_valid():
            filters = form.to_filter()
            try:
                event = actions.export_audit_events(
                    acting_user=request.user,  # type: ignore[arg-type]
                    filters=filters,
                    reason=form.cleaned_data["reason"],
                )
            except NotFound:
                raise Http404("not found") from None
            except InvalidInput as exc:
                for error in exc.errors:
                    form.add_error(error["field"], error["message"])
            else:
                rows = queries.audit_export_rows(request.user, filters, up_to=event.seq)
                response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv")
                response["Content-Disposition"] = (
                    f'attachment; filename="audit-events-{event.seq}.csv"'
                )
                return response
        context = {
            "form": form,
            "reason_field": form["reason"],
            "page_obj": None,
            "filtered": True,
            "may_export": True,
        }
        return self.render_to_response(context)


class _Line:
    """A file-like object whose write returns the line, for ``csv.writer`` to stream."""

    def write(self, value: str) -> str:
        return value


def _cell(name: str, value: Any) -> str:
    if name in JSON_COLUMNS:
        return "" if value is None else chain.canonical_text(value)
    if name == "at":
        return chain.format_time(value)
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_lines(events: Iterator[Any]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(CSV_COLUMNS)
    for event in events:
        yield writer.writerow([_cell(name, getattr(event, name)) for name in CSV_COLUMNS])


class AuditEventView(AuditorRequiredMixin, TemplateView):
    """One event: every field, its before/after/decision, and whether its hash and link hold."""

    template_name = "core/audit_event.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        try:
            event = queries.audit_event(self.request.user, kwargs["seq"])
        except NotFound:
            raise Http404("no such audit event") from None
        context["event"] = event
        context["place"] = queries.audit_event_neighbours(self.request.user, event)
        context["before_json"] = pretty(event.before) if event.before is not None else ""
        context["after_json"] = pretty(event.after) if event.after is not None else ""
        context["decision_json"] = pretty(event.decision) if event.decision is not None else ""
        return context


class AuditVerifyView(AuditorRequiredMixin, TemplateView):
    """Verify the whole chain and its stored checkpoints (POST runs it), and show the report."""

    template_name = "core/audit_verify.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["checkpoints"] = queries.audit_checkpoints(self.request.user)[:CHECKPOINTS_SHOWN]
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            result = queries.verify_audit_chain(request.user)
        except NotFound:
            raise Http404("not found") from None
        return self.render_to_response(self.get_context_data(result=result))
