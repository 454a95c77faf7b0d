"""Changes made from an official's page: roles, compartments and the account."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from defector.core.errors import InvalidInput
from defector.directory import actions
from defector.directory.forms import (
    CompartmentsForm,
    GrantRoleForm,
)
from defector.directory.views.base import (
    ManageFormMixin,
    ManagePage,
)
from defector.directory.views.browse import OfficialDetailView


class OfficialChangeView(ManagePage):
    """POST-only changes made from an official's page; errors go back to that page."""

    http_method_names = ["post"]

    def official_url(self) -> str:
        return reverse("directory:official", args=[self.kwargs["pk"]])

    def detail(self, **context: Any) -> HttpResponse:
        page = OfficialDetailView()
        page.setup(self.request, *self.args, **self.kwargs)
        return page.render_to_response(page.get_context_data(**context))


class GrantRoleView(ManageFormMixin, OfficialChangeView):
    def bound_form(self) -> GrantRoleForm:
        return GrantRoleForm(self.request.POST, user=self.request.user)

    def act(self, form: Any) -> Any:
        return actions.grant_role(
            acting_user=self.request.user,
            official_id=self.kwargs["pk"],
            role=form.cleaned_data["role"],
            post=form.cleaned_data["post"] or None,
        )

    def success_message(self, result: Any) -> str:
        return f"Granted {result} to {result.official}."

    def success_url(self, result: Any) -> str:
        return self.official_url()

    def render_invalid(self, form: Any) -> HttpResponse:
        return self.detail(grant_form=form)


class RevokeRoleView(OfficialChangeView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            assignment = actions.revoke_role(
                acting_user=request.user, official_id=kwargs["pk"], role_id=kwargs["role_id"]
            )
        except InvalidInput as exc:
            messages.error(request, "; ".join(e["message"] for e in exc.errors))
        else:
            messages.success(request, f"Revoked {assignment} from {assignment.official}.")
        return HttpResponseRedirect(self.official_url())


class SetCompartmentsView(ManageFormMixin, OfficialChangeView):
    def bound_form(self) -> CompartmentsForm:
        return CompartmentsForm(self.request.POST, user=self.request.user)

    def act(self, form: Any) -> Any:
        return actions.set_compartments(
            acting_user=self.request.user,
            official_id=self.kwargs["pk"],
            compartments=form.cleaned_data["compartments"],
        )

    def success_message(self, result: Any) -> str:
        held = ", ".join(c.code for c in result.compartments.all()) or "none"
        return f"{result} is read into: {held}."

    def success_url(self, result: Any) -> str:
        return self.official_url()

    def render_invalid(self, form: Any) -> HttpResponse:
        return self.detail(compartments_form=form)


class SetActiveView(OfficialChangeView):
    """Deactivate (``active=False``) or reactivate an official's account."""

    active: ClassVar[bool] = False

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        change = actions.reactivate_official if self.active else actions.deactivate_official
        try:
            official = change(acting_user=request.user, official_id=kwargs["pk"])
        except InvalidInput as exc:
            messages.error(request, "; ".join(e["message"] for e in exc.errors))
        else:
            state = "may sign in again" if self.active else "can no longer sign in"
            messages.success(request, f"{official} {state}.")
        return HttpResponseRedirect(self.official_url())
