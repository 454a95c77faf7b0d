"""Pages of the escalations app: mutual problems and their paths under ``6c``.

Thin: each view parses a form, calls one query or action, and renders. A problem the user may
not see answers 404, like one that does not exist. The problem page shows the forms of the
steps the user may take now; each posts to its own address and comes back to the page, with
the action's errors in the form's error summary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.views.generic import TemplateView

from defector.core.access import principal_for
from defector.core.errors import DomainError, NotFound
from defector.core.views import ActionFormMixin
from defector.escalations import actions, queries
from defector.escalations.forms import (
    STEP_FORMS,
    ProblemFilterForm,
    RaiseProblemForm,
    StepForm,
)
from defector.policy.gates import escalations as gate

PROBLEMS_PER_PAGE: Final = 50

#: Each step's action, called with ``acting_user``, ``problem_id`` and the form's data.
STEP_ACTIONS: Final[dict[str, Callable[..., Any]]] = {
    gate.RESOLVE_LOCALLY: actions.resolve_locally,
    gate.REQUEST_REFERRAL: actions.request_referral,
    gate.TRANSMIT_REFERRAL: actions.transmit_referral,
    gate.NOTE_COMMUNICATION: actions.note_direct_communication,
    gate.SUBMIT_TO_SENIOR_REP: actions.submit_to_senior_representative,
    gate.SENIOR_REP_DECIDE: actions.senior_representative_decide,
    gate.IDC_ACKNOWLEDGE: actions.idc_acknowledge_referral,
    gate.IDC_DECIDE: actions.idc_decide,
    gate.IDC_ACKNOWLEDGE_INFORMATION: actions.idc_acknowledge_information,
}
#: What the page says after each step.
DONE: Final[dict[str, str]] = {
    gate.RESOLVE_LOCALLY: "The resolution is recorded.",
    gate.REQUEST_REFERRAL: "Referral requested: the post's CIA member transmits it to the IDC.",
    gate.TRANSMIT_REFERRAL: "Referred to the IDC through CIA channels.",
    gate.NOTE_COMMUNICATION: "Your direct communication is noted.",
    gate.SUBMIT_TO_SENIOR_REP: "Submitted to the senior US representative for decision.",
    gate.SENIOR_REP_DECIDE: "Your decision is recorded; the IDC has its information copy.",
    gate.IDC_ACKNOWLEDGE: "The referral is acknowledged.",
    gate.IDC_DECIDE: "The IDC's decision is recorded.",
    gate.IDC_ACKNOWLEDGE_INFORMATION: "The information copy is acknowledged.",
}


class ProblemListView(LoginRequiredMixin, TemplateView):
    """The problems the user may see, soonest due first, with where each stands on both sides."""

    template_name = "escalations/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = ProblemFilterForm(self.request.GET or None, user=user)
        page = Paginator(queries.problems_for(user, form.filters()), PROBLEMS_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        context |= {
            "form": form,
            "page": page,
            "rows": queries.rows(list(page.object_list)),
            "filtered": form.filtered,
            "query": query.urlencode(),
            "can_raise": queries.can_raise_problems(user),
            "is_idc": queries.is_idc(principal_for(user)),
        }
        return context


class RaiseProblemView(ActionFormMixin, LoginRequiredMixin, TemplateView):
    """Raise a mutual problem for a post's committee (``6c``)."""

    template_name = "escalations/new.html"
    #: A post the user may not raise at is said above the form, not answered with 403.
    permission_refusal = "form"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not queries.can_raise_problems(request.user):
            raise DjangoPermissionDenied("you may not raise problems at any post")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", RaiseProblemForm(user=self.request.user))
        return context

    def bound_form(self) -> RaiseProblemForm:
        return RaiseProblemForm(self.request.POST, user=self.request.user)

    def act(self, form: RaiseProblemForm) -> Any:
        return actions.raise_problem(acting_user=self.request.user, **form.action_data())

    def success_message(self, result: Any) -> str:
        return f"Problem {result.pk} raised at {result.post.code}."

    def success_url(self, result: Any) -> str:
        return reverse("escalations:detail", args=[result.pk])

    def render_invalid(self, form: RaiseProblemForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form))


class ProblemDetailView(LoginRequiredMixin, TemplateView):
    """One problem, its path under ``6c``, and the forms of the steps the user may take."""

    template_name = "escalations/detail.html"

    def problem_view(self) -> queries.ProblemView:
        try:
            problem = queries.problem_detail(self.request.user, int(self.kwargs["problem_id"]))
        except NotFound:
            raise Http404("no such problem") from None
        return queries.describe(self.request.user, problem)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        view = context.get("problem") or self.problem_view()
        bound: StepForm | None = context.get("bound_form")
        step_forms = [
            bound if bound is not None and bound.step == step else STEP_FORMS[step]()
            for step in STEP_FORMS
            if step in view.steps
        ]
        context |= {"problem": view, "step_forms": step_forms, "clause": gate.CLAUSE}
        return context


class StepView(ActionFormMixin, ProblemDetailView):
    """POST one step of ``6c``; back to the problem's page, with errors on the step's form."""

    http_method_names = ["post"]
    not_found_message = "no such problem"
    #: The problem the step is taken on (read in ``bound_form``).
    problem: queries.ProblemView

    def bound_form(self) -> StepForm:
        form_class = STEP_FORMS.get(self.step)
        if form_class is None:
            raise Http404("no such step")
        self.problem = self.problem_view()
        return form_class(self.request.POST)

    @property
    def step(self) -> str:
        return str(self.kwargs["step"])

    def act(self, form: StepForm) -> None:
        STEP_ACTIONS[self.step](
            acting_user=self.request.user, problem_id=self.problem.id, **form.action_data()
        )

    def refusal_message(self, exc: DomainError) -> str:
        # The table's reason is shown as it is worded, without the clause appended.
        return exc.message

    def success_message(self, result: None) -> str:
        return DONE[self.step]

    def success_url(self, result: None) -> str:
        return reverse("escalations:detail", args=[self.problem.id])

    def render_invalid(self, form: StepForm) -> HttpResponse:
        context = self.get_context_data(problem=self.problem, bound_form=form)
        if self.step not in self.problem.steps:
            context["step_forms"] = [form, *context["step_forms"]]
        return self.render_to_response(context)
