"""Pages of the publicity app (``6f``, ``5a(5)``, ``5a(6)``): the proposals before Washington,
one proposal with the steps the user's seat may take, and the committee's proposal form.

Thin: each view parses a form, calls one query or action, and renders. A proposal (or case)
the user may not see answers 404; a step their seat may not take, 403.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from defector.core.errors import NotFound
from defector.core.views import ActionFormMixin
from defector.publicity import actions, queries
from defector.publicity.choices import PENDING, Channel, Outcome, SigningAgency
from defector.publicity.forms import (
    BEFORE_WASHINGTON,
    DecideForm,
    FilterForm,
    OverrideForm,
    ProposalForm,
    ReleaseForm,
    SignOffForm,
    WithdrawForm,
)

PAGE_SIZE = 50


class IndexView(LoginRequiredMixin, TemplateView):
    """The proposals the user may see: by default those before Washington."""

    template_name = "publicity/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        data = self.request.GET.copy()
        data.setdefault("status", BEFORE_WASHINGTON)
        form = FilterForm(data)
        status = form.cleaned_data["status"] if form.is_valid() else BEFORE_WASHINGTON
        statuses = list(PENDING) if status == BEFORE_WASHINGTON else [status] if status else []
        page = Paginator(queries.proposals(self.request.user, statuses=statuses), PAGE_SIZE)
        context |= {
            "form": form,
            "page": page.get_page(self.request.GET.get("page")),
            "query": f"status={status}",
        }
        return context


class NewView(LoginRequiredMixin, ActionFormMixin, TemplateView):
    """The committee chair's proposal on a case (``6f``)."""

    template_name = "publicity/new.html"
    not_found_message = "no such case"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            try:
                self.case = queries.find_case_for(request.user, kwargs["case_id"])
            except NotFound:
                raise Http404("no such case") from None
            if not queries.may_propose(request.user, self.case):
                raise DjangoPermissionDenied(
                    "only the chair of the post's committee proposes publicity (6f)"
                )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ProposalForm())
        context |= {"case": self.case, "risk": queries.publicity_risk(self.case)}
        return context

    def bound_form(self) -> ProposalForm:
        return ProposalForm(self.request.POST)

    def act(self, form: ProposalForm) -> Any:
        return actions.propose(
            acting_user=self.request.user, case_id=self.case.pk, **form.action_data()
        )

    def success_message(self, result: Any) -> str:
        return f"Proposal {result.pk} on {self.case.cryptonym} is before the IDC."

    def success_url(self, result: Any) -> str:
        return reverse("publicity:detail", args=[result.pk])

    def render_invalid(self, form: ProposalForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form))


class DetailView(LoginRequiredMixin, TemplateView):
    """One proposal: what, when, the risks, the 7a determination, the sign-offs, the
    objectives (5a(5)), the decision and the release; the forms of the user's steps."""

    template_name = "publicity/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        try:
            proposal = queries.find_proposal(self.request.user, self.kwargs["proposal_id"])
        except NotFound:
            raise Http404("no such proposal") from None
        finding = queries.objectives(self.request.user, proposal.case)
        steps = queries.steps_for(self.request.user, proposal, finding)
        initial = {"version": proposal.version}
        sign_offs = queries.sign_offs_of(proposal)
        mine = sign_offs.get(steps.sign_off_for or "")
        if steps.sign_off_for:
            context.setdefault(
                "sign_off_form",
                SignOffForm(
                    initial=initial
                    | ({"position": mine.position, "comments": mine.comments} if mine else {})
                ),
            )
        if steps.override:
            context.setdefault("override_form", OverrideForm(initial=initial))
        if steps.decide:
            context.setdefault("decide_form", DecideForm(initial=initial))
        if steps.release:
            context.setdefault(
                "release_form",
                ReleaseForm(initial=initial | {"released_on": timezone.localdate()}),
            )
        if steps.withdraw:
            context.setdefault("withdraw_form", WithdrawForm(initial=initial))
        context |= {
            "proposal": proposal,
            "case": proposal.case,
            "channels": [Channel(code).label for code in proposal.channels],
            "release_channel": (
                Channel(proposal.release_channel).label if proposal.release_channel else ""
            ),
            "sign_offs": [(name, sign_offs.get(code)) for code, name in SigningAgency.choices],
            "finding": finding,
            "steps": steps,
            "pending": proposal.status in PENDING,
            "approved": proposal.outcome == Outcome.APPROVE,
        }
        context["has_steps"] = any(
            name in context
            for name in (
                "sign_off_form",
                "override_form",
                "decide_form",
                "release_form",
                "withdraw_form",
            )
        )
        return context


class StepView(LoginRequiredMixin, ActionFormMixin, View):
    """A step's form posted from the proposal's page, which it shows again on an error. A
    proposal the user may not see answers 404; a step their seat never takes, 403."""

    form_class: ClassVar[type[Any]]
    context_name: ClassVar[str]
    not_found_message = "no such proposal"
    refusal: ClassVar[str] = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            try:
                proposal = queries.find_proposal(request.user, kwargs["proposal_id"])
            except NotFound:
                raise Http404("no such proposal") from None
            if not self.seated(proposal):
                raise DjangoPermissionDenied(self.refusal)
        return super().dispatch(request, *args, **kwargs)

    def seated(self, proposal: Any) -> bool:
        """Whether the user's seat takes this step (whatever the proposal's status)."""
        return queries.is_idc(self.request.user)

    def bound_form(self) -> Any:
        return self.form_class(self.request.POST)

    def success_url(self, result: Any) -> str:
        return reverse("publicity:detail", args=[self.kwargs["proposal_id"]])

    def render_invalid(self, form: Any) -> HttpResponse:
        page = DetailView()
        page.setup(self.request, **self.kwargs)
        return page.render_to_response(page.get_context_data(**{self.context_name: form}))

    def _id(self) -> int:
        return int(self.kwargs["proposal_id"])


class SignOffView(StepView):
    form_class = SignOffForm
    context_name = "sign_off_form"
    refusal = "only an IDC member of State or of USIA signs off, for their agency (5a(6))"

    def seated(self, proposal: Any) -> bool:
        return queries.signing_agency(self.request.user) is not None

    def act(self, form: SignOffForm) -> Any:
        return actions.sign_off(
            acting_user=self.request.user, proposal_id=self._id(), **form.action_data()
        )

    def success_message(self, result: Any) -> str:
        position = result.get_position_display().lower()
        return f"{result.get_agency_display()}: sign-off recorded ({position})."


class OverrideView(StepView):
    form_class = OverrideForm
    context_name = "override_form"
    refusal = "only the IDC overrides the priority of intelligence objectives (5a(5))"

    def act(self, form: OverrideForm) -> Any:
        return actions.override_priority(
            acting_user=self.request.user, proposal_id=self._id(), **form.action_data()
        )

    def success_message(self, result: Any) -> str:
        return "The IDC's override of the priority of intelligence objectives is recorded."


class DecideView(StepView):
    form_class = DecideForm
    context_name = "decide_form"
    refusal = "only the IDC decides proposals for publicity (6f)"

    def act(self, form: DecideForm) -> Any:
        return actions.decide(
            acting_user=self.request.user, proposal_id=self._id(), **form.action_data()
        )

    def success_message(self, result: Any) -> str:
        return f"Proposal {result.pk}: {result.get_status_display().lower()}."


class ReleaseView(StepView):
    form_class = ReleaseForm
    context_name = "release_form"
    refusal = "only the post's committee chair or an IDC member records a release (6f)"

    def seated(self, proposal: Any) -> bool:
        return queries.may_release(self.request.user, proposal)

    def act(self, form: ReleaseForm) -> Any:
        return actions.record_release(
            acting_user=self.request.user, proposal_id=self._id(), **form.action_data()
        )

    def success_message(self, result: Any) -> str:
        return f"The release of proposal {result.pk} is recorded."


class WithdrawView(StepView):
    form_class = WithdrawForm
    context_name = "withdraw_form"
    refusal = "only the official who proposed, or the post's committee chair, withdraws (6f)"

    def seated(self, proposal: Any) -> bool:
        return queries.may_withdraw(self.request.user, proposal)

    def act(self, form: WithdrawForm) -> Any:
        return actions.withdraw(
            acting_user=self.request.user, proposal_id=self._id(), **form.action_data()
        )

    def success_message(self, result: Any) -> str:
        return f"Proposal {result.pk} is withdrawn."
