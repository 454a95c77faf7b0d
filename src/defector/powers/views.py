"""The page of Washington's powers (``1``, ``3``): the records in force and past, the DCI
delegate's form to enter one, and the revocation of each.

Thin: the list is a query; each form posts to one action and comes back to the page.
"""

from __future__ import annotations

from typing import Any, Final

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from defector.core.access import principal_for
from defector.core.errors import NotFound
from defector.core.views import ActionFormMixin
from defector.powers import actions, queries
from defector.powers.forms import PowerForm, RevokeForm

PER_PAGE: Final = 50
STATES: Final = {"": "All", "current": "Not revoked", "revoked": "Revoked"}


def _may_see(request: HttpRequest) -> bool:
    principal = principal_for(request.user)
    return principal.is_official and not (principal.is_administrator or principal.is_auditor)


class PowersView(LoginRequiredMixin, TemplateView):
    """The records of Washington's powers the user may see, newest first."""

    template_name = "powers/index.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not _may_see(request):
            raise DjangoPermissionDenied("only officials see Washington's powers")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        state = self.request.GET.get("state", "")
        state = state if state in STATES else ""
        page = Paginator(queries.powers_for(user, state=state), PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        may_record = queries.may_record(user)
        today = timezone.localdate()
        context |= {
            "page": page,
            "rows": queries.rows(user, list(page.object_list), today=today),
            "state": state,
            "states": STATES,
            "may_record": may_record,
            "today": today,
        }
        if may_record and "form" not in context:
            context["form"] = PowerForm(initial={"starts_on": today})
        return context


class RecordPowerView(ActionFormMixin, PowersView):
    """The DCI delegate's form: a direction or determination entered (``POST`` only)."""

    http_method_names = ["post"]

    def bound_form(self) -> PowerForm:
        return PowerForm(self.request.POST)

    def act(self, form: Any) -> Any:
        return actions.record_power(acting_user=self.request.user, **form.action_data())

    def success_message(self, result: Any) -> str:
        return (
            f"Recorded: {queries.label_of(result)}. The open cases it reaches are assessed again."
        )

    def success_url(self, result: Any) -> str:
        return reverse("powers:index")

    def render_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form))


class RevokePowerView(ActionFormMixin, PowersView):
    """A record revoked, with its reason."""

    template_name = "powers/revoke.html"
    not_found_message = "no such record"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = TemplateView.get_context_data(self, **kwargs)
        user = self.request.user
        try:
            record = queries.power_detail(user, self.kwargs["power_id"], today=timezone.localdate())
        except NotFound:
            raise Http404(self.not_found_message) from None
        if not record.can_revoke:
            raise DjangoPermissionDenied("only the DCI's delegate revokes a record in force")
        context["record"] = record
        context.setdefault("form", RevokeForm(initial={"version": record.version}))
        return context

    def bound_form(self) -> RevokeForm:
        return RevokeForm(self.request.POST)

    def act(self, form: Any) -> Any:
        data = form.cleaned_data
        return actions.revoke_power(
            acting_user=self.request.user,
            power_id=self.kwargs["power_id"],
            expected_version=data["version"],
            reason=data["reason"],
            revoked_from=data.get("revoked_from"),
        )

    def success_message(self, result: Any) -> str:
        label = queries.label_of(result)
        return f"Revoked: {label}. The open cases it reached are assessed again."

    def success_url(self, result: Any) -> str:
        return reverse("powers:index")

    def render_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form))
