"""One obligation of a case, with the forms to discharge it (with evidence), waive it (the
chair and the senior representative) or give it to someone else.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.views.generic import TemplateView

from defector.cases import actions, queries
from defector.cases.forms import DischargeForm, ReassignForm, WaiveForm
from defector.cases.views.case import CaseDetailView, stale_case_message, tab_url
from defector.core.errors import NotFound
from defector.core.views import ActionFormMixin


class ObligationView(CaseDetailView):
    """One obligation of a case, with the forms to discharge it (with evidence), waive it
    (the chair and the senior representative) or give it to someone else."""

    template_name = "cases/obligation.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = TemplateView.get_context_data(self, **kwargs)
        user = self.request.user
        case = self.case()
        view = queries.describe(user, case)
        try:
            obligation = queries.obligation_of(user, case, int(self.kwargs["obligation_id"]))
        except NotFound:
            raise Http404("no such obligation") from None
        context |= {"case": view, "obligation": obligation}
        if view.can_change and obligation.is_open:
            initial = {"version": view.version}
            context.setdefault("discharge_form", DischargeForm(initial=initial))
            context.setdefault(
                "reassign_form", ReassignForm(initial=initial, owners=queries.owners_for(case))
            )
            if view.can_waive:
                context.setdefault("waive_form", WaiveForm(initial=initial))
        return context


class ObligationChangeView(ActionFormMixin, ObligationView):
    """A form of the obligation's page: on success back to the case page at its
    obligations, otherwise this page again with the form and its errors. A subclass's ``act``
    answers with the message to show."""

    http_method_names = ["post"]
    not_found_message = "no such obligation"
    form_name = ""
    view: queries.CaseView
    obligation_id: int

    @abstractmethod
    def make_form(self) -> Any:
        """The form this view posts, bound to the request's data."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.view = self.case_view()
        if not self.view.can_change:
            raise DjangoPermissionDenied("you may not change this case")
        self.obligation_id = int(self.kwargs["obligation_id"])
        return super().post(request, *args, **kwargs)

    def bound_form(self) -> Any:
        return self.make_form()

    def stale_message(self, form: Any) -> str | None:
        return stale_case_message(self.case(), form)

    def success_message(self, result: Any) -> str:
        return str(result)

    def success_url(self, result: Any) -> str:
        return tab_url(self.view.id, "obligations")

    def render_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(**{self.form_name: form}))


class DischargeView(ObligationChangeView):
    form_name = "discharge_form"

    def make_form(self) -> DischargeForm:
        return DischargeForm(self.request.POST)

    def act(self, form: Any) -> str:
        case_id, obligation_id = self.view.id, self.obligation_id
        data = form.cleaned_data
        done = actions.discharge_obligation(
            acting_user=self.request.user,
            case_id=case_id,
            obligation_id=obligation_id,
            expected_version=data["version"],
            evidence=data["evidence"],
            evidence_label=data.get("evidence_label") or "",
            evidence_id=data.get("evidence_id") or "",
        )
        return f"Done: {done.title}."


class WaiveView(ObligationChangeView):
    form_name = "waive_form"

    def make_form(self) -> WaiveForm:
        return WaiveForm(self.request.POST)

    def act(self, form: Any) -> str:
        case_id, obligation_id = self.view.id, self.obligation_id
        data = form.cleaned_data
        done = actions.waive_obligation(
            acting_user=self.request.user,
            case_id=case_id,
            obligation_id=obligation_id,
            expected_version=data["version"],
            reason=data["reason"],
        )
        return f"Waived: {done.title}."


class ReassignView(ObligationChangeView):
    form_name = "reassign_form"

    def make_form(self) -> ReassignForm:
        case = self.case()
        return ReassignForm(self.request.POST, owners=queries.owners_for(case))

    def act(self, form: Any) -> str:
        case_id, obligation_id = self.view.id, self.obligation_id
        data = form.cleaned_data
        done = actions.reassign_obligation(
            acting_user=self.request.user,
            case_id=case_id,
            obligation_id=obligation_id,
            expected_version=data["version"],
            owner_id=data["owner"],
        )
        return f"{done.title}: now {done.owner}."
