"""Pages of the reports app (``6d``): a report (regenerate, send, acknowledge; PDF and CSV),
drafting one from the case's tab, a post's reports, and Washington's worldwide view.

Thin: each view parses, calls one query or action, and renders. What the user may not see
answers 404, as if it did not exist; a step they may not take, 403; a refusal of the directive
or a stale version comes back as a message on the report's page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.generic import TemplateView, View

from defector.core import exports
from defector.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from defector.reports import actions, queries

PAGE_SIZE: Final = 50


def _refusal(exc: DomainError) -> str:
    if isinstance(exc, InvalidInput):
        return "; ".join(f"{e.get('field', '')}: {e.get('message', '')}" for e in exc.errors)
    if exc.clauses:
        return f"{exc.message} ({', '.join(exc.clauses)})"
    return exc.message


class IndexView(LoginRequiredMixin, View):
    """``/reports/``: Washington's worldwide view for the IDC and the DCI's delegate; a post's
    reports for its committee (the list of their posts when they sit on several)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if queries.may_see_world(request.user):
            return HttpResponseRedirect(reverse("reports:world"))
        posts = queries.posts_of(request.user)
        if not posts:
            raise Http404("no reports for you")
        if len(posts) == 1:
            return HttpResponseRedirect(reverse("reports:post", args=[posts[0].pk]))
        return render(request, "reports/posts.html", {"posts": posts})


class WorldView(LoginRequiredMixin, TemplateView):
    """Washington's worldwide view: filters with counts, a page of cases, the CSV."""

    template_name = "reports/world.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if not queries.may_see_world(self.request.user):
            raise Http404("no worldwide view for you")
        try:
            filters = queries.parse_filters(self.request.GET)
        except InvalidInput:
            filters = queries.Filters()
        try:
            page = max(1, int(self.request.GET.get("page", "1")))
        except ValueError:
            page = 1
        view = queries.world_view(self.request.user, filters, page=page, page_size=PAGE_SIZE)
        query = filters.as_query()
        context |= {
            "view": view,
            "facet_titles": queries.FACETS,
            "query": "&".join(f"{k}={v}" for k, v in query.items()),
        }
        return context


class WorldExportView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponseBase:
        try:
            name, lines = actions.export_world(acting_user=request.user, filters=request.GET)
        except NotFound:
            raise Http404("no worldwide view for you") from None
        except InvalidInput:
            raise Http404("no such filter") from None
        return exports.csv_response(name, lines)


class PostView(LoginRequiredMixin, TemplateView):
    """A post's reports: cases overdue first, then its reports."""

    template_name = "reports/post.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        try:
            context["view"] = queries.post_view(self.request.user, kwargs["post_id"])
        except NotFound:
            raise Http404("no such post") from None
        return context


class PostExportView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, post_id: int) -> HttpResponseBase:
        try:
            name, lines = actions.export_post(acting_user=request.user, post_id=post_id)
        except NotFound:
            raise Http404("no such post") from None
        return exports.csv_response(name, lines)


class ReportView(LoginRequiredMixin, TemplateView):
    """One report, as generated (and once sent, as sent), with the steps the reader may take."""

    template_name = "reports/report.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        try:
            context["view"] = queries.describe(
                user, queries.report_detail(user, kwargs["idc_report_id"])
            )
        except NotFound:
            raise Http404("no such report") from None
        return context


class ReportExportView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, idc_report_id: int, fmt: str) -> HttpResponse:
        try:
            name, content = actions.export_report(
                acting_user=request.user, report_id=idc_report_id, fmt=fmt
            )
        except NotFound:
            raise Http404("no such report") from None
        kind = "application/pdf" if fmt == "pdf" else "text/csv; charset=utf-8"
        return exports.file_response(name, content, kind)


#: The steps of a report posted from its page, and what each says when it is done.
STEPS: Final[dict[str, tuple[Callable[..., Any], str]]] = {
    "regenerate": (actions.regenerate_report, "The report is generated again from the case."),
    "send": (actions.send_report, "Sent to the IDC. The period's report is done."),
    "acknowledge": (actions.acknowledge_report, "Acknowledged: the post is told."),
}


class StepView(LoginRequiredMixin, View):
    """POST a step of a report (regenerate, send, acknowledge): back to its page."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, idc_report_id: int, step: str) -> HttpResponse:
        if step not in STEPS:
            raise Http404("no such step")
        act, done = STEPS[step]
        target = reverse("reports:detail", args=[idc_report_id])
        try:
            # the action decides who may first, then checks the version read
            act(
                acting_user=request.user,
                report_id=idc_report_id,
                expected_version=request.POST.get("version"),
            )
        except NotFound:
            raise Http404("no such report") from None
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None
        except DomainError as exc:
            messages.error(request, _refusal(exc))
            return HttpResponseRedirect(target)
        messages.success(request, done)
        return HttpResponseRedirect(target)


class DraftView(LoginRequiredMixin, View):
    """POST the case tab's form: draft the next report, then its page. A ``GET`` (the address
    bar after an error) answers 303 to the case's tab, keeping ``Allow: POST``."""

    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest, case_id: int) -> HttpResponse:
        tab = reverse("cases:detail", args=[case_id]) + "#section-idc-reports-heading"
        response = HttpResponseRedirect(tab, status=303)
        response["Allow"] = "POST"
        return response

    def post(self, request: HttpRequest, case_id: int) -> HttpResponse:
        back = reverse("cases:detail", args=[case_id]) + "#section-idc-reports-heading"
        try:
            # the action decides who may first, then checks the version and the comment
            report = actions.draft_report(
                acting_user=request.user,
                case_id=case_id,
                expected_version=request.POST.get("version"),
                comment=request.POST.get("comment", ""),
            )
        except NotFound:
            raise Http404("no such case") from None
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None
        except DomainError as exc:
            messages.error(request, _refusal(exc))
            return HttpResponseRedirect(back)
        messages.success(request, f"Report {report.number} drafted from the case.")
        return HttpResponseRedirect(reverse("reports:detail", args=[report.pk]))
