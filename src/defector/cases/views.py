"""Pages of the cases app: the case list, intake of a walk-in (``6b(1)``), a case, a reveal.

Thin: each view parses a form, calls one query or action, and renders. A case the user may not
see answers 404, like one that does not exist. A revealed value is shown once, on the answer to
the reveal's POST: it is never put in the session, a message, a URL or a log line.
"""

from __future__ import annotations

from typing import Any, Final

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.generic import TemplateView

from defector.cases import actions, queries
from defector.cases.choices import IDENTITY_FIELDS
from defector.cases.forms import CaseFilterForm, OpenCaseForm, RevealForm
from defector.core.errors import InvalidInput, NotFound, PermissionDenied

CASES_PER_PAGE: Final = 50


class CaseListView(LoginRequiredMixin, TemplateView):
    """The cases the user may see, by cryptonym, with the post and text filters."""

    template_name = "cases/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = CaseFilterForm(self.request.GET or None, user=user)
        filters = form.filters()
        page = Paginator(queries.cases_for(user, filters), CASES_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        context |= {
            "form": form,
            "page": page,
            "filtered": filters.post is not None or bool(filters.q),
            "query": query.urlencode(),
            "can_open": queries.can_open_cases(user),
        }
        return context


@method_decorator(sensitive_post_parameters(*IDENTITY_FIELDS), name="dispatch")
class OpenCaseView(LoginRequiredMixin, TemplateView):
    """Receive a walk-in (``6b(1)``): a cryptonym at once, the identity sealed."""

    template_name = "cases/new.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not queries.can_open_cases(request.user):
            raise DjangoPermissionDenied("you may not open cases at any post")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", OpenCaseForm(user=self.request.user))
        return context

    @method_decorator(sensitive_variables())
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = OpenCaseForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                case = actions.open_case(acting_user=request.user, **form.action_arguments())
            except InvalidInput as exc:
                form.add_action_errors(exc.errors)
            except PermissionDenied as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"Case {case.cryptonym} opened. The identity is sealed.")
                return HttpResponseRedirect(reverse("cases:detail", args=[case.pk]))
        return self.render_to_response(self.get_context_data(form=form))


class CaseDetailView(LoginRequiredMixin, TemplateView):
    """One case by its cryptonym; the subject's identity shown as sealed, with a reveal form
    for those who may reveal."""

    template_name = "cases/detail.html"

    def case_view(self) -> queries.CaseView:
        try:
            case = queries.case_detail(self.request.user, int(self.kwargs["case_id"]))
        except NotFound:
            raise Http404("no such case") from None
        return queries.describe(self.request.user, case)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        view = context.get("case") or self.case_view()
        context["case"] = view
        if view.can_reveal and "reveal_form" not in context:
            recorded = [row.field for row in view.recorded_identity]
            context["reveal_form"] = RevealForm(recorded=recorded)
        return context


class RevealView(CaseDetailView):
    """POST a field and a reason; the answer is the case page with the value shown once."""

    http_method_names = ["post"]

    @method_decorator(sensitive_variables())
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        view = self.case_view()
        if not view.can_reveal:
            raise DjangoPermissionDenied("you may not reveal the sealed fields of this case")
        recorded = [row.field for row in view.recorded_identity]
        form = RevealForm(request.POST, recorded=recorded)
        context: dict[str, Any] = {"case": view, "reveal_form": form}
        if form.is_valid():
            field = form.cleaned_data["field"]
            try:
                value = actions.reveal_subject_field(
                    acting_user=request.user,
                    case_id=view.id,
                    field_name=field,
                    reason=form.cleaned_data["reason"],
                )
            except NotFound:
                raise Http404("no such case") from None
            except PermissionDenied:
                raise DjangoPermissionDenied("you may not reveal this") from None
            except InvalidInput as exc:
                form.add_action_errors(exc.errors)
            else:
                context["revealed"] = {
                    "field": field,
                    "label": IDENTITY_FIELDS[field],
                    "value": value,
                }
                context["reveal_form"] = RevealForm(
                    recorded=[r.field for r in view.recorded_identity]
                )
        return self.render_to_response(self.get_context_data(**context))
