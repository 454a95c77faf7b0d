"""The case list, and one case: its page with its sections (``cases.sections``), its facts,
its stage, and a reveal.

Thin: each view parses a form, calls one query or action, and renders. A case the user may not
see answers 404, like one that does not exist. A revealed value is shown once, on the answer to
the reveal's POST: it is never put in the session, a message, a URL or a log line.

Every form that changes a case carries the version of the case the page showed; a stale one
comes back with the action's 409 message (who changed the case, and when) above the form.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, Final

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_variables
from django.views.generic import TemplateView

from defector.accounts import stepup
from defector.cases import actions, queries, sections
from defector.cases.choices import IDENTITY_FIELDS
from defector.cases.forms import (
    CaseFactsForm,
    CaseFilterForm,
    MoveForm,
    NoteForm,
    NoteSearchForm,
    RevealForm,
)
from defector.core.auth import StepUpRequired
from defector.core.errors import InvalidInput, NotFound, PermissionDenied
from defector.core.views import ActionFormMixin

CASES_PER_PAGE: Final = 50


class CaseListView(LoginRequiredMixin, TemplateView):
    """The cases the user may see, with the filters the API takes too."""

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
            "filtered": filters.active,
            "query": query.urlencode(),
            "can_open": queries.can_open_cases(user),
            "search_form": NoteSearchForm(),
            "banners": sections.list_banners_for(user),
        }
        return context


class CaseDetailView(LoginRequiredMixin, TemplateView):
    """One case by its cryptonym: its summary and stage, then every registered section
    (``cases.sections``): assessment, obligations, subject, notes, timeline …"""

    template_name = "cases/detail.html"

    def case(self) -> Any:
        try:
            return queries.case_page(self.request.user, int(self.kwargs["case_id"]))
        except NotFound:
            raise Http404("no such case") from None

    def case_view(self) -> queries.CaseView:
        return queries.describe(self.request.user, self.case())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        case = self.case()
        view = queries.describe(user, case)
        context["case"] = view
        context["sections"] = sections.sections_for(user, case)
        context["banners"] = sections.banners_for(user, case)
        if view.can_reveal and "reveal_form" not in context:
            recorded = [row.field for row in view.recorded_identity]
            context["reveal_form"] = RevealForm(recorded=recorded)
        if view.can_change:
            if "move_form" not in context and view.next_stages:
                context["move_form"] = MoveForm(case=view)
            context.setdefault("note_form", NoteForm(initial={"version": view.version}))
        return context


def stale_case_message(case: Any, form: Any) -> str | None:
    """The version-conflict message for a form posted from a page showing an older version of
    ``case`` than the one stored (``None`` when the page was current, or gave no version)."""
    raw = form.data.get(form.add_prefix("version"), "")
    try:
        posted = int(str(raw).strip())
    except ValueError:
        return None
    if posted == case.version:
        return None
    return actions.stale_message(case, posted)


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
        context: dict[str, Any] = {"reveal_form": form}
        if form.is_valid():
            field = form.cleaned_data["field"]
            try:
                stepup.confirm(request, form.cleaned_data.get("code") or "")
                value = actions.reveal_subject_field(
                    acting_user=request.user,
                    case_id=view.id,
                    field_name=field,
                    reason=form.cleaned_data["reason"],
                )
            except StepUpRequired as exc:
                form.add_error("code" if "code" in form.fields else None, exc.message)
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
                context["reveal_form"] = RevealForm(recorded=recorded)
        return self.render_to_response(self.get_context_data(**context))


class CaseChangeView(ActionFormMixin, CaseDetailView):
    """A form on the case page that changes the case: on success back to the page (at the
    section it changed), otherwise the page again with the form and its errors. A subclass's
    ``act`` answers with the message to show."""

    http_method_names = ["post"]
    not_found_message = "no such case"
    form_name = ""
    anchor = ""
    view: queries.CaseView

    @abstractmethod
    def make_form(self, view: queries.CaseView) -> Any:
        """The form this view posts, bound to the request's data."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.view = self.case_view()
        if not self.view.can_change:
            raise DjangoPermissionDenied("you may not change this case")
        return super().post(request, *args, **kwargs)

    def bound_form(self) -> Any:
        return self.make_form(self.view)

    def stale_message(self, form: Any) -> str | None:
        return stale_case_message(self.case(), form)

    def success_message(self, result: Any) -> str:
        return str(result)

    def success_url(self, result: Any) -> str:
        url = reverse("cases:detail", args=[self.view.id])
        return f"{url}#{self.anchor}" if self.anchor else url

    def render_invalid(self, form: Any) -> HttpResponse:
        context = self.get_context_data(**{self.form_name: form}, has_errors=True)
        return self.render_to_response(context)


class MoveView(CaseChangeView):
    form_name = "move_form"

    def make_form(self, view: queries.CaseView) -> MoveForm:
        return MoveForm(self.request.POST, case=view)

    def act(self, form: Any) -> str:
        view = self.view
        data = form.cleaned_data
        case = actions.move_case(
            acting_user=self.request.user,
            case_id=view.id,
            expected_version=data["version"],
            to=data["to"],
            outcome=data.get("outcome") or "",
            reason=data.get("reason") or "",
        )
        if case.outcome:
            return f"Case {case.cryptonym} closed: {case.get_outcome_display()}."
        return f"Case {case.cryptonym} is now at {case.get_stage_display()}."


class FactsView(ActionFormMixin, CaseDetailView):
    """Change the facts of a case: the whole form again, starting from the latest facts; the
    answer is the case page with the new assessment."""

    template_name = "cases/facts.html"
    not_found_message = "no such case"
    view: queries.CaseView

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = TemplateView.get_context_data(self, **kwargs)
        user = self.request.user
        case = self.case()
        view = queries.describe(user, case)
        if not view.can_change:
            raise DjangoPermissionDenied("you may not change this case")
        if "form" not in context:
            initial: dict[str, Any] = dict(queries.facts_of(user, case) or {})
            initial.pop("as_of", None)
            initial["version"] = view.version
            context["form"] = CaseFactsForm(initial=initial)
        latest = queries.latest_assessment(user, case)
        context["latest_powers"] = latest.powers if latest is not None else []
        context["case"] = view
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.view = self.case_view()
        if not self.view.can_change:
            raise DjangoPermissionDenied("you may not change this case")
        return super().post(request, *args, **kwargs)

    def bound_form(self) -> CaseFactsForm:
        return CaseFactsForm(self.request.POST)

    def stale_message(self, form: Any) -> str | None:
        return stale_case_message(self.case(), form)

    def act(self, form: Any) -> Any:
        return actions.update_facts(
            acting_user=self.request.user,
            case_id=self.view.id,
            expected_version=form.cleaned_data["version"],
            facts=form.facts_data(),
        )

    def success_message(self, result: Any) -> str:
        return f"Facts saved: assessment {result.number}."

    def success_url(self, result: Any) -> str:
        return f"{reverse('cases:detail', args=[self.view.id])}#section-assessment"

    def render_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form))
