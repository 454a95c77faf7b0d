"""Intake (``6b(1)``): receive a walk-in, or report a potential defector or a disaffected
person. A cryptonym at once, the facts assessed, the identity sealed.

Beside the form, a preview of what the directive will say (``queries.intake_preview``): the
categories, the scope and the obligations, and for a walk-in the facts that keep the person
from being one (``2e``). With JavaScript, htmx asks the preview's address for it at each
change (``*PreviewView``, a read: nothing written, nothing audited); without, the form's
"Preview" button posts the whole form and the page comes back with it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.generic import TemplateView, View

from defector.cases import actions, queries
from defector.cases.choices import IDENTITY_FIELDS
from defector.cases.forms import (
    ErrorSummary,
    FactsForm,
    IntakeForm,
    ReportForm,
    WalkInFactsForm,
    WalkInForm,
)
from defector.cases.queries import IntakePreview
from defector.core.errors import InvalidInput, PermissionDenied
from defector.core.users import AnyUser


def preview_of(user: AnyUser, form: IntakeForm, facts_form: FactsForm) -> IntakePreview:
    """What the directive will say of the forms' facts as they stand (whatever else is wrong
    with the forms): the intake's defaults filled in, nothing written."""
    data: dict[str, Any] = {}
    facts: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        facts_form.is_valid()
        data = form.cleaned_data
        facts = facts_form.facts_data()
    return queries.intake_preview(
        user,
        kind=data.get("kind") or form.kind_value,
        facts=facts,
        post_id=data.get("post"),
        received_at=data.get("received_at"),
        confirm_before_directive=bool(data.get("confirm_before_directive")),
    )


class MayOpenCasesMixin:
    """Only those who may open a case somewhere (``6b(1)``) reach the intake's pages."""

    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not queries.can_open_cases(request.user):
            raise DjangoPermissionDenied("you may not open cases at any post")
        response: HttpResponseBase = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        return response


@method_decorator(sensitive_post_parameters(*IDENTITY_FIELDS), name="dispatch")
class WalkInView(MayOpenCasesMixin, LoginRequiredMixin, TemplateView):
    """Receive a walk-in (``6b(1)``): a cryptonym at once, the facts assessed, the identity
    sealed."""

    template_name = "cases/new.html"
    form_class: type[IntakeForm] = WalkInForm
    facts_form_class: type[FactsForm] = WalkInFactsForm
    walk_in = True
    done = "Case {cryptonym} opened. The identity is sealed."

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.form_class(user=self.request.user))
        context.setdefault("facts_form", self.facts_form_class(intake=True, walk_in=self.walk_in))
        context["errors"] = ErrorSummary(context["form"], context["facts_form"])
        if "preview" not in context:
            context["preview"] = preview_of(
                self.request.user, context["form"], context["facts_form"]
            )
        return context

    @method_decorator(sensitive_variables())
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form_class(request.POST, user=request.user)
        facts_form = self.facts_form_class(request.POST, intake=True, walk_in=self.walk_in)
        valid = form.is_valid()
        facts_valid = facts_form.is_valid()
        if "preview" in request.POST:  # the Preview button (without JavaScript): no case
            return self.render_to_response(
                self.get_context_data(
                    form=form,
                    facts_form=facts_form,
                    preview=preview_of(request.user, form, facts_form),
                )
            )
        if valid and facts_valid:
            try:
                case = actions.open_case(
                    acting_user=request.user,
                    facts=facts_form.facts_data(),
                    **form.action_arguments(),
                )
            except InvalidInput as exc:
                facts_errors = [e for e in exc.errors if e.get("field", "").startswith("facts")]
                form.add_action_errors([e for e in exc.errors if e not in facts_errors])
                facts_form.add_policy_errors(
                    [{**e, "field": e["field"].removeprefix("facts.")} for e in facts_errors]
                )
            except PermissionDenied as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, self.done.format(cryptonym=case.cryptonym))
                return HttpResponseRedirect(reverse("cases:detail", args=[case.pk]))
        return self.render_to_response(self.get_context_data(form=form, facts_form=facts_form))


class ReportView(WalkInView):
    """Report a potential defector or a disaffected person met by an official."""

    template_name = "cases/report.html"
    form_class = ReportForm
    facts_form_class = FactsForm
    walk_in = False
    done = "Case {cryptonym} opened for the person you reported."


@method_decorator(sensitive_post_parameters(*IDENTITY_FIELDS), name="dispatch")
class WalkInPreviewView(MayOpenCasesMixin, LoginRequiredMixin, View):
    """The preview of a walk-in's intake as the form stands (htmx posts the whole form at each
    change): the partial ``cases/includes/intake_preview.html``. A read: nothing is written,
    nothing audited."""

    http_method_names = ["post"]
    form_class: type[IntakeForm] = WalkInForm
    facts_form_class: type[FactsForm] = WalkInFactsForm
    walk_in = True

    @method_decorator(sensitive_variables())
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form_class(request.POST, user=request.user)
        facts_form = self.facts_form_class(request.POST, intake=True, walk_in=self.walk_in)
        preview = preview_of(request.user, form, facts_form)
        return render(request, "cases/includes/intake_preview.html", {"preview": preview})


class ReportPreviewView(WalkInPreviewView):
    """The preview of a report's intake (a potential defector or a disaffected person)."""

    form_class = ReportForm
    facts_form_class = FactsForm
    walk_in = False
