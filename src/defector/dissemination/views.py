"""Pages of the dissemination app (``6b(3)(a)``): issuing a threat report, its page (whose
deliveries and acknowledgements refresh themselves: htmx polls a partial, and a link reloads
it without JavaScript), acknowledging it, the list, and a post's distribution.

Thin: each view parses a form, calls one query or action, and renders. What the user may not
see answers 404, like what does not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import TemplateView, View

from defector.core.errors import NotFound, PermissionDenied
from defector.core.views import ActionFormMixin
from defector.dissemination import actions, queries
from defector.dissemination.forms import DistributionForm, IssueReportForm


class IssueView(ActionFormMixin, LoginRequiredMixin, TemplateView):
    """The threat report's form, from a case holding threat information."""

    template_name = "dissemination/issue.html"
    not_found_message = "no such case"

    def target(self) -> queries.IssueTarget:
        try:
            found = queries.issue_target(self.request.user, int(self.kwargs["case_id"]))
        except NotFound:
            raise Http404(self.not_found_message) from None
        if not found.can_issue:
            raise DjangoPermissionDenied("you may see this case but not issue its reports")
        return found

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["target"] = self.target()
        context.setdefault("form", IssueReportForm())
        return context

    def bound_form(self) -> IssueReportForm:
        return IssueReportForm(self.request.POST)

    def act(self, form: IssueReportForm) -> Any:
        return actions.issue_report(
            acting_user=self.request.user, case_id=self.kwargs["case_id"], **form.action_data()
        )

    def success_message(self, result: Any) -> str:
        return (
            f"{result.get_precedence_display()} threat report issued to the post's "
            "distribution. Their acknowledgements appear below as they come in."
        )

    def success_url(self, result: Any) -> str:
        return reverse("dissemination:report", args=[result.pk])

    def render_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form))


class ReportPage(LoginRequiredMixin, TemplateView):
    def report(self) -> queries.ReportView:
        user = self.request.user
        try:
            return queries.describe(
                user, queries.report_detail(user, int(self.kwargs["report_id"]))
            )
        except NotFound:
            raise Http404("no such threat report") from None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["report"] = self.report()
        return context


class ReportDetailView(ReportPage):
    """One threat report: the threat, then who has it and who has acknowledged."""

    template_name = "dissemination/report.html"


class DeliveriesView(ReportPage):
    """The report's deliveries alone: the part of its page that htmx polls."""

    template_name = "dissemination/includes/deliveries.html"


class AcknowledgeView(LoginRequiredMixin, View):
    """POST the Acknowledge button: back to the report's page."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        report_id = int(kwargs["report_id"])
        try:
            actions.acknowledge_report(acting_user=request.user, report_id=report_id)
        except NotFound:
            raise Http404("no such threat report") from None
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None
        messages.success(request, "Acknowledged: the issuer sees it now.")
        return HttpResponseRedirect(reverse("dissemination:report", args=[report_id]))


class ReportListView(LoginRequiredMixin, TemplateView):
    """The threat reports the user may see, newest first."""

    template_name = "dissemination/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["reports"] = list(queries.reports_for(self.request.user)[:200])
        return context


class DistributionPage(ActionFormMixin, LoginRequiredMixin, TemplateView):
    """Who receives the post's threat reports; its committee chair changes it."""

    template_name = "dissemination/distribution.html"
    not_found_message = "no such post"

    def distribution(self) -> queries.DistributionView:
        found = queries.distribution_view(self.request.user, int(self.kwargs["post_id"]))
        if found is None:
            raise Http404(self.not_found_message)
        return found

    def make_form(self, view: queries.DistributionView, data: Any = None) -> DistributionForm:
        initial = {
            "senior_representative": view.senior_representative,
            "committee_chair": view.committee_chair,
            "idc": view.idc,
            "security_officers": [
                m["official_id"] for m in view.members if m["seat"] == "security_officer"
            ],
            "agency_representatives": [
                m["official_id"] for m in view.members if m["seat"] == "agency_representative"
            ],
        }
        return DistributionForm(
            data,
            initial=initial,
            officials=queries.distribution_candidates(view.post_id),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        view = self.distribution()
        context["distribution"] = view
        if view.can_change:
            context.setdefault("form", self.make_form(view))
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        view = self.distribution()
        if not view.can_change:
            raise DjangoPermissionDenied("only the post's committee chair keeps it")
        return super().post(request, *args, **kwargs)

    def bound_form(self) -> DistributionForm:
        return self.make_form(self.distribution(), self.request.POST)

    def act(self, form: DistributionForm) -> Any:
        return actions.set_distribution(
            acting_user=self.request.user, post_id=self.kwargs["post_id"], **form.action_data()
        )

    def success_message(self, result: Any) -> str:
        return "The post's threat distribution is saved."

    def success_url(self, result: Any) -> str:
        return reverse("dissemination:distribution", args=[self.kwargs["post_id"]])

    def render_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form))
