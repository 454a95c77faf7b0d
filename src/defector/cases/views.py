"""Pages of the cases app: the case list, intake of a walk-in and of a reported person
(``6b(1)``), a case with its sections, its facts, its stage, its obligations and notes, the
note search, and a reveal.

Thin: each view parses a form, calls one query or action, and renders. A case the user may not
see answers 404, like one that does not exist. A revealed value is shown once, on the answer to
the reveal's POST: it is never put in the session, a message, a URL or a log line.

Every form that changes a case carries the version of the case the page showed; a stale one
comes back with the action's 409 message (who changed the case, and when) above the form.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
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

from defector.accounts import stepup
from defector.cases import actions, queries, sections
from defector.cases.choices import IDENTITY_FIELDS
from defector.cases.forms import (
    CaseFactsForm,
    CaseFilterForm,
    DischargeForm,
    ErrorSummary,
    FactsForm,
    IntakeForm,
    MoveForm,
    NoteForm,
    NoteSearchForm,
    ReassignForm,
    ReportForm,
    RevealForm,
    WaiveForm,
    WalkInForm,
)
from defector.core.auth import StepUpRequired
from defector.core.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PolicyRefusal,
)
from defector.core.forms import ActionErrorsMixin

CASES_PER_PAGE: Final = 50


def _apply_error(form: ActionErrorsMixin, exc: DomainError) -> None:
    """An action's refusal, on the form: field errors on their fields, the rest above."""
    target: Any = form
    if isinstance(exc, InvalidInput):
        form.add_action_errors(exc.errors)
    elif isinstance(exc, PolicyRefusal) and exc.clauses:
        target.add_error(None, f"{exc.message} ({', '.join(exc.clauses)})")
    else:
        target.add_error(None, exc.message)


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
        }
        return context


# --- intake (6b(1)) -------------------------------------------------------------------------


@method_decorator(sensitive_post_parameters(*IDENTITY_FIELDS), name="dispatch")
class WalkInView(LoginRequiredMixin, TemplateView):
    """Receive a walk-in (``6b(1)``): a cryptonym at once, the facts assessed, the identity
    sealed."""

    template_name = "cases/new.html"
    form_class: type[IntakeForm] = WalkInForm
    walk_in = True
    done = "Case {cryptonym} opened. The identity is sealed."

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not queries.can_open_cases(request.user):
            raise DjangoPermissionDenied("you may not open cases at any post")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.form_class(user=self.request.user))
        context.setdefault("facts_form", FactsForm(intake=True, walk_in=self.walk_in))
        context["errors"] = ErrorSummary(context["form"], context["facts_form"])
        return context

    @method_decorator(sensitive_variables())
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form_class(request.POST, user=request.user)
        facts_form = FactsForm(request.POST, intake=True, walk_in=self.walk_in)
        valid = form.is_valid()
        facts_valid = facts_form.is_valid()
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
    walk_in = False
    done = "Case {cryptonym} opened for the person you reported."


# --- one case ---------------------------------------------------------------------------------


class CaseDetailView(LoginRequiredMixin, TemplateView):
    """One case by its cryptonym: its summary and stage, then every registered section
    (``cases.sections``): assessment, obligations, subject, notes, timeline …"""

    template_name = "cases/detail.html"

    def case(self) -> Any:
        try:
            return queries.case_detail(self.request.user, int(self.kwargs["case_id"]))
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
        if view.can_reveal and "reveal_form" not in context:
            recorded = [row.field for row in view.recorded_identity]
            context["reveal_form"] = RevealForm(recorded=recorded)
        if view.can_change:
            if "move_form" not in context and view.next_stages:
                context["move_form"] = MoveForm(case=view)
            context.setdefault("note_form", NoteForm(initial={"version": view.version}))
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


class CaseChangeView(CaseDetailView, ABC):
    """A form on the case page that changes the case: on success back to the page (at the
    section it changed), otherwise the page again with the form and its errors."""

    http_method_names = ["post"]
    form_name = ""
    anchor = ""

    @abstractmethod
    def make_form(self, view: queries.CaseView) -> Any:
        """The form this view posts, bound to the request's data."""

    @abstractmethod
    def act(self, form: Any, view: queries.CaseView) -> str:
        """Call the action; return the message to show."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        view = self.case_view()
        if not view.can_change:
            raise DjangoPermissionDenied("you may not change this case")
        form = self.make_form(view)
        if form.is_valid():
            try:
                done = self.act(form, view)
            except NotFound:
                raise Http404("no such case") from None
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from None
            except (InvalidInput, Conflict, PolicyRefusal) as exc:
                _apply_error(form, exc)
            else:
                messages.success(request, done)
                url = reverse("cases:detail", args=[view.id])
                return HttpResponseRedirect(f"{url}#{self.anchor}" if self.anchor else url)
        context = self.get_context_data(**{self.form_name: form}, has_errors=True)
        return self.render_to_response(context)


class MoveView(CaseChangeView):
    form_name = "move_form"

    def make_form(self, view: queries.CaseView) -> MoveForm:
        return MoveForm(self.request.POST, case=view)

    def act(self, form: Any, view: queries.CaseView) -> str:
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


class NoteView(CaseChangeView):
    form_name = "note_form"
    anchor = "section-notes"

    def make_form(self, view: queries.CaseView) -> NoteForm:
        return NoteForm(self.request.POST)

    def act(self, form: Any, view: queries.CaseView) -> str:
        actions.add_note(
            acting_user=self.request.user,
            case_id=view.id,
            expected_version=form.cleaned_data["version"],
            text=form.cleaned_data["text"],
        )
        return "Note added."


class FactsView(CaseDetailView):
    """Change the facts of a case: the whole form again, starting from the latest facts; the
    answer is the case page with the new assessment."""

    template_name = "cases/facts.html"

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
        context["case"] = view
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        view = self.case_view()
        if not view.can_change:
            raise DjangoPermissionDenied("you may not change this case")
        form = CaseFactsForm(request.POST)
        if form.is_valid():
            try:
                assessment = actions.update_facts(
                    acting_user=request.user,
                    case_id=view.id,
                    expected_version=form.cleaned_data["version"],
                    facts=form.facts_data(),
                )
            except NotFound:
                raise Http404("no such case") from None
            except (InvalidInput, Conflict) as exc:
                _apply_error(form, exc)
            else:
                messages.success(request, f"Facts saved: assessment {assessment.number}.")
                url = reverse("cases:detail", args=[view.id])
                return HttpResponseRedirect(f"{url}#section-assessment")
        return self.render_to_response(self.get_context_data(form=form))


# --- obligations ------------------------------------------------------------------------------


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


class ObligationChangeView(ObligationView, ABC):
    http_method_names = ["post"]
    form_name = ""

    @abstractmethod
    def make_form(self) -> Any:
        """The form this view posts, bound to the request's data."""

    @abstractmethod
    def act(self, form: Any, case_id: int, obligation_id: int) -> str:
        """Call the action on the obligation; return the message to show."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        view = self.case_view()
        if not view.can_change:
            raise DjangoPermissionDenied("you may not change this case")
        obligation_id = int(self.kwargs["obligation_id"])
        form = self.make_form()
        if form.is_valid():
            try:
                done = self.act(form, view.id, obligation_id)
            except NotFound:
                raise Http404("no such obligation") from None
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from None
            except (InvalidInput, Conflict) as exc:
                _apply_error(form, exc)
            else:
                messages.success(request, done)
                url = reverse("cases:detail", args=[view.id])
                return HttpResponseRedirect(f"{url}#section-obligations")
        return self.render_to_response(self.get_context_data(**{self.form_name: form}))


class DischargeView(ObligationChangeView):
    form_name = "discharge_form"

    def make_form(self) -> DischargeForm:
        return DischargeForm(self.request.POST)

    def act(self, form: Any, case_id: int, obligation_id: int) -> str:
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

    def act(self, form: Any, case_id: int, obligation_id: int) -> str:
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

    def act(self, form: Any, case_id: int, obligation_id: int) -> str:
        data = form.cleaned_data
        done = actions.reassign_obligation(
            acting_user=self.request.user,
            case_id=case_id,
            obligation_id=obligation_id,
            expected_version=data["version"],
            owner_id=data["owner"],
        )
        return f"{done.title}: now {done.owner}."


# --- the note search --------------------------------------------------------------------------


class NoteSearchView(LoginRequiredMixin, TemplateView):
    """Find notes by their words, among the cases the user may see."""

    template_name = "cases/search.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = NoteSearchForm(self.request.GET or None)
        hits: list[queries.NoteHit] = []
        searched = False
        if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
            searched = True
            try:
                hits = queries.search_notes(self.request.user, form.cleaned_data["q"])
            except InvalidInput as exc:
                form.add_error("q", exc.errors[0]["message"])
        context |= {"form": form, "hits": hits, "searched": searched}
        return context
