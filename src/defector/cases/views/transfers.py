"""Moves of a case (to another post, or to Washington): the case page's "Transfer" section with
the proposal's form, and a move's page, where the receiving side accepts or declines it (before
it may see the case) and the sending side may cancel it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.generic import TemplateView

from defector.cases import actions
from defector.cases.forms.transfers import (
    AcceptTransferForm,
    ProposeTransferForm,
    TransferDecisionForm,
)
from defector.cases.queries import transfers as queries
from defector.cases.sections import AnyUser, CaseSection
from defector.cases.views.common import Case, SectionFormView
from defector.core.errors import NotFound
from defector.core.views import ActionFormMixin

TRANSFER: Final = "transfer"


def transfer_section(user: AnyUser, case: Case) -> Mapping[str, Any]:
    """The case's moves; for the side that holds the case, the form to propose one."""
    data = queries.section_data(user, case)
    if data["may_propose"]:
        data["transfer_form"] = ProposeTransferForm(
            initial={"version": case.version}, destinations=queries.destinations(case)
        )
    return data


SECTION: Final = CaseSection(
    key=TRANSFER,
    title="Transfer",
    template="cases/transfers/section.html",
    order=85,
    build=transfer_section,
)


class ProposeTransferView(SectionFormView):
    """Propose moving the case to another post or to Washington."""

    section = TRANSFER
    form_name = "transfer_form"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.row = self.case()
        if queries.can_change_case(request.user, self.row) and not queries.may_propose(
            request.user, self.row
        ):
            raise DjangoPermissionDenied(
                "only the side that holds the case proposes to move it: its post's committee "
                "chair or an assigned case officer (6b)"
            )
        return super().post(request, *args, **kwargs)

    def make_form(self, case: Case) -> ProposeTransferForm:
        return ProposeTransferForm(self.request.POST, destinations=queries.destinations(case))

    def act(self, form: Any) -> str:
        data = form.cleaned_data
        transfer = actions.propose_transfer(
            acting_user=self.request.user,
            case_id=self.row.pk,
            expected_version=data["version"],
            to_post_id=data["to"],
            kind=data["kind"],
            reason=data["reason"],
        )
        where = transfer.to_post.code if transfer.to_post else "Washington"
        return f"Move to {where} proposed: the receiving side accepts or declines it."


#: Each verb of a move's page: its form's name in the context, and who may use it.
VERBS: Final[dict[str, tuple[str, Callable[[queries.TransferView], bool]]]] = {
    "accept": ("accept_form", lambda t: t.can_decide),
    "decline": ("decline_form", lambda t: t.can_decide),
    "cancel": ("cancel_form", lambda t: t.can_cancel),
}
DONE: Final = {
    "accept": "Move accepted: the case is now yours.",
    "decline": "Move declined: the case stays where it is.",
    "cancel": "Move cancelled.",
}


class TransferPageView(ActionFormMixin, LoginRequiredMixin, TemplateView):
    """One move, with the forms its reader may use now."""

    template_name = "cases/transfers/detail.html"
    not_found_message = "no such move"
    verb = ""

    def record(self) -> queries.TransferView:
        try:
            return queries.transfer_detail(self.request.user, int(self.kwargs["transfer_id"]))
        except NotFound:
            raise Http404(self.not_found_message) from None

    def _form(self, verb: str, data: Any = None) -> Any:
        transfer_id = int(self.kwargs["transfer_id"])
        if verb == "accept":
            officers = queries.receiving_officers(transfer_id, self.request.user)
            return AcceptTransferForm(data, officers=officers, initial=self._initial())
        return TransferDecisionForm(data, initial=self._initial(), auto_id=f"{verb}_%s")

    def _initial(self) -> dict[str, Any]:
        return {"version": self.record().version}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        record = self.record()
        context["transfer"] = record
        for verb, (name, allowed) in VERBS.items():
            if allowed(record) and name not in context:
                context[name] = self._form(verb)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.verb = str(self.kwargs.get("verb", ""))
        if self.verb not in VERBS:
            raise Http404("no such form")
        _, allowed = VERBS[self.verb]
        if not allowed(self.record()):
            raise DjangoPermissionDenied("you may not do this now")
        return super().post(request, *args, **kwargs)

    def bound_form(self) -> Any:
        return self._form(self.verb, self.request.POST)

    def act(self, form: Any) -> Any:
        data = form.cleaned_data
        common = {
            "acting_user": self.request.user,
            "transfer_id": int(self.kwargs["transfer_id"]),
            "expected_version": data["version"],
            "note": data.get("note") or "",
        }
        if self.verb == "accept":
            return actions.accept_transfer(**common, officer_ids=data.get("officer_ids") or [])
        if self.verb == "decline":
            return actions.decline_transfer(**common)
        return actions.cancel_transfer(**common)

    def success_message(self, result: Any) -> str:
        return DONE[self.verb]

    def success_url(self, result: Any) -> str:
        if self.verb == "accept":
            return f"{reverse('cases:detail', args=[result.case_id])}#section-{TRANSFER}"
        return reverse("cases:transfer", args=[result.pk])

    def render_invalid(self, form: Any) -> HttpResponse:
        name, _ = VERBS[self.verb]
        return self.render_to_response(self.get_context_data(**{name: form}))
