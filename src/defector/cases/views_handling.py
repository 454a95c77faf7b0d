"""Pages of the handling of a case: the bona fides checklist, its clock and its verdicts
(``6b(3)(b)``), the signed voluntary statement (``6b(3)(c)``) and tasks to the participating
organizations (``6b(3)(d)``).

Three sections of the case page (:func:`register_sections`, called from ``CasesConfig.ready``)
show them with the forms that add to them; a check, a statement and a task each have a page
of their own with the forms that act on them. Thin, like ``cases.views``: each view parses a
form, calls one action or query, and renders; a form that fails comes back, bound, with the
action's errors, on the page it was sent from.

A statement's signature file is served only by :class:`StatementFileView`: the action it
calls checks access (404 for anyone who may not see the case) and the file's hash, and
records the reading.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from defector.cases import actions_handling, queries, queries_handling
from defector.cases.choices import Stage, TaskStatus
from defector.cases.forms import (
    AcceptTaskForm,
    CheckForm,
    CheckResultForm,
    CompleteTaskForm,
    DeclineTaskForm,
    StatementForm,
    TaskEditForm,
    TaskForm,
    VerdictForm,
    WithdrawStatementForm,
    WithdrawTaskForm,
    WitnessForm,
)
from defector.cases.sections import AnyUser, CaseSection, RenderedSection, register_section
from defector.cases.views import CaseDetailView, _apply_error
from defector.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, PolicyRefusal

#: A case row, as the queries hand it over (views do not import models: they read through
#: ``queries``).
Case = Any

BONA_FIDES = "bona-fides"
STATEMENT = "statement"
TASKS = "tasks"

# --- the sections of the case page --------------------------------------------------------------


def bona_fides_section(user: AnyUser, case: Case) -> Mapping[str, Any]:
    """The checklist, the clock, the current verdict and its history; for those who may
    change the case, the forms to add a check and to record a verdict."""
    view = queries_handling.bona_fides_of(user, case)
    data: dict[str, Any] = {"bona_fides": view, "clause": queries_handling.BONA_FIDES_CLAUSE}
    if queries.can_change(user, case) and not view.closed:
        initial = {"version": case.version}
        data["check_form"] = CheckForm(
            initial=initial, analysts=queries_handling.analysts_for(case)
        )
        if view.completed_checks:
            data["verdict_form"] = VerdictForm(initial=initial, checks=view.checks)
    return data


def statement_section(user: AnyUser, case: Case) -> Mapping[str, Any]:
    """The case's statements and whether one counts."""
    return {
        "statements": queries_handling.statements_of(user, case),
        "on_file": queries_handling.signed_statement_on_file(case),
        "may_record": queries.can_change(user, case) and case.stage != Stage.CLOSED,
        "clause": queries_handling.STATEMENT_CLAUSE,
    }


def tasks_section(user: AnyUser, case: Case) -> Mapping[str, Any]:
    """The case's tasks; for those who may change the case, the form to add one."""
    data: dict[str, Any] = {
        "tasks": queries_handling.tasks_of(user, case),
        "clause": queries_handling.TASKS_CLAUSE,
    }
    if queries.can_change(user, case) and case.stage != Stage.CLOSED:
        data["task_form"] = TaskForm(
            initial={"version": case.version},
            agencies=queries_handling.agencies_for_tasks(user),
            officials=queries_handling.officials_for_tasks(case),
        )
    return data


def register_sections() -> None:
    """Add the handling sections to the case page (after its obligations)."""
    register_section(
        CaseSection(
            key=BONA_FIDES,
            title="Bona fides",
            template="cases/handling/section_bona_fides.html",
            order=35,
            build=bona_fides_section,
        )
    )
    register_section(
        CaseSection(
            key=STATEMENT,
            title="Voluntary statement",
            template="cases/handling/section_statement.html",
            order=40,
            build=statement_section,
        )
    )
    register_section(
        CaseSection(
            key=TASKS,
            title="Tasks",
            template="cases/handling/section_tasks.html",
            order=45,
            build=tasks_section,
        )
    )


def _with_form(context: dict[str, Any], key: str, name: str, form: Any) -> None:
    """Put a bound form (with its errors) in place of the section's fresh one."""
    context["sections"] = [
        RenderedSection(s.key, s.title, s.template, {**s.data, name: form}) if s.key == key else s
        for s in context.get("sections", [])
    ]


def _url(case_id: int, anchor: str = "") -> str:
    url = reverse("cases:detail", args=[case_id])
    return f"{url}#section-{anchor}" if anchor else url


# --- forms posted from the case page ------------------------------------------------------------


class SectionFormView(CaseDetailView, ABC):
    """A form of a handling section: on success back to the case page at the section,
    otherwise the case page again with the form bound and its errors."""

    http_method_names = ["post"]
    section = ""
    form_name = ""

    @abstractmethod
    def make_form(self, case: Case) -> Any:
        """The section's form, bound to the request's data."""

    @abstractmethod
    def act(self, form: Any, case: Case) -> str:
        """Do what the valid form asks (through an action); the URL to go to next."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        bound = kwargs.pop("bound", None)
        context = super().get_context_data(**kwargs)
        if bound is not None:
            _with_form(context, self.section, self.form_name, bound)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        case = self.case()
        if not queries.can_change(request.user, case):
            raise DjangoPermissionDenied("you may not change this case")
        form = self.make_form(case)
        if form.is_valid():
            try:
                done = self.act(form, case)
            except NotFound:
                raise Http404("no such case") from None
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from None
            except (InvalidInput, Conflict, PolicyRefusal) as exc:
                _apply_error(form, exc)
            else:
                messages.success(request, done)
                return HttpResponseRedirect(_url(case.pk, self.section))
        return self.render_to_response(self.get_context_data(bound=form, has_errors=True))


class CheckAddView(SectionFormView):
    section = BONA_FIDES
    form_name = "check_form"

    def make_form(self, case: Case) -> CheckForm:
        return CheckForm(self.request.POST, analysts=queries_handling.analysts_for(case))

    def act(self, form: Any, case: Case) -> str:
        data = form.cleaned_data
        check = actions_handling.add_bona_fides_check(
            acting_user=self.request.user,
            case_id=case.pk,
            expected_version=data["version"],
            kind=data["kind"],
            analyst_id=data["analyst"],
            result=data["result"],
            checked_on=data.get("checked_on"),
            finding=data.get("finding") or "",
        )
        return f"Check added: {check.get_kind_display()} (check {check.pk})."


class VerdictAddView(SectionFormView):
    section = BONA_FIDES
    form_name = "verdict_form"

    def make_form(self, case: Case) -> VerdictForm:
        checks = queries_handling.checks_of(self.request.user, case)
        return VerdictForm(self.request.POST, checks=checks)

    def act(self, form: Any, case: Case) -> str:
        data = form.cleaned_data
        verdict = actions_handling.record_bona_fides_verdict(
            acting_user=self.request.user,
            case_id=case.pk,
            expected_version=data["version"],
            verdict=data["verdict"],
            check_ids=data["checks"],
            rationale=data["rationale"],
        )
        return f"Bona fides verdict {verdict.number}: {verdict.get_verdict_display().lower()}."


class TaskAddView(SectionFormView):
    section = TASKS
    form_name = "task_form"

    def make_form(self, case: Case) -> TaskForm:
        return TaskForm(
            self.request.POST,
            agencies=queries_handling.agencies_for_tasks(self.request.user),
            officials=queries_handling.officials_for_tasks(case),
        )

    def act(self, form: Any, case: Case) -> str:
        data = form.cleaned_data
        task = actions_handling.create_task(
            acting_user=self.request.user,
            case_id=case.pk,
            expected_version=data["version"],
            title=data["title"],
            details=data.get("details") or "",
            due_on=data["due_on"],
            agency_id=data.get("agency"),
            official_id=data.get("official"),
        )
        return f"Task {task.pk} assigned to {task.assignee_name}."


# --- pages of one record, with the forms that act on it -----------------------------------------


class RecordPageView(CaseDetailView, ABC):
    """A page of one record of a case (a check, a statement, a task) and its forms: each
    form posts to ``<page>/<verb>/``; a failing one comes back bound on this page."""

    forms: ClassVar[dict[str, tuple[str, type[Any]]]] = {}
    anchor = ""

    @abstractmethod
    def record(self, case: Case) -> Any:
        """The record of ``case`` this page shows (:class:`NotFound` when there is none)."""

    @abstractmethod
    def available(self, case: Case, view: queries.CaseView, record: Any) -> list[str]:
        """The verbs of the forms this user may use now."""

    @abstractmethod
    def act(self, verb: str, form: Any, case: Case, record: Any) -> str:
        """Do ``verb`` with the valid form (through an action); the URL to go to next."""

    def form_kwargs(self, verb: str, case: Case, record: Any) -> dict[str, Any]:
        return {}

    def initial(self, verb: str, record: Any) -> dict[str, Any]:
        """What a fresh form of ``verb`` starts from, besides the case's version."""
        return {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = TemplateView.get_context_data(self, **kwargs)
        user = self.request.user
        case = self.case()
        view = queries.describe(user, case)
        record = self.record(case)
        context |= {"case": view, "record": record}
        for verb in self.available(case, view, record):
            name, form_class = self.forms[verb]
            if name not in context:
                context[name] = form_class(
                    initial={"version": view.version, **self.initial(verb, record)},
                    **self.form_kwargs(verb, case, record),
                )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        verb = str(self.kwargs.get("verb", ""))
        case = self.case()
        view = queries.describe(request.user, case)
        record = self.record(case)
        if verb not in self.forms:
            raise Http404("no such form")
        if verb not in self.available(case, view, record):
            raise DjangoPermissionDenied("you may not do this now")
        name, form_class = self.forms[verb]
        form = form_class(request.POST, **self.form_kwargs(verb, case, record))
        if form.is_valid():
            try:
                done = self.act(verb, form, case, record)
            except NotFound:
                raise Http404("not found") from None
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from None
            except (InvalidInput, Conflict, PolicyRefusal) as exc:
                _apply_error(form, exc)
            else:
                messages.success(request, done)
                return HttpResponseRedirect(self.done_url(case, record))
        return self.render_to_response(self.get_context_data(**{name: form}))

    def done_url(self, case: Case, record: Any) -> str:
        return _url(case.pk, self.anchor)


class CheckPageView(RecordPageView):
    """One bona fides check; the form to record its result while it is pending."""

    template_name = "cases/handling/check.html"
    forms: ClassVar[dict[str, tuple[str, type[Any]]]] = {
        "result": ("result_form", CheckResultForm),
    }
    anchor = BONA_FIDES

    def record(self, case: Case) -> queries_handling.CheckView:
        try:
            return queries_handling.check_of(self.request.user, case, int(self.kwargs["item_id"]))
        except NotFound:
            raise Http404("no such check") from None

    def available(self, case: Case, view: queries.CaseView, record: Any) -> list[str]:
        return ["result"] if view.can_change and not view.closed and not record.completed else []

    def act(self, verb: str, form: Any, case: Case, record: Any) -> str:
        data = form.cleaned_data
        check = actions_handling.record_check_result(
            acting_user=self.request.user,
            case_id=case.pk,
            check_id=record.id,
            expected_version=data["version"],
            result=data["result"],
            checked_on=data["checked_on"],
            finding=data["finding"],
        )
        return f"Result recorded: {check.get_kind_display()}, {check.get_result_display().lower()}."


class StatementPageView(RecordPageView):
    """One voluntary statement: both texts, the signature file, the witness; the forms to
    witness it (another official of the post) and to record its withdrawal."""

    template_name = "cases/handling/statement.html"
    forms: ClassVar[dict[str, tuple[str, type[Any]]]] = {
        "witness": ("witness_form", WitnessForm),
        "withdraw": ("withdraw_form", WithdrawStatementForm),
    }
    anchor = STATEMENT

    def record(self, case: Case) -> queries_handling.StatementView:
        try:
            return queries_handling.statement_of(
                self.request.user, case, int(self.kwargs["item_id"])
            )
        except NotFound:
            raise Http404("no such statement") from None

    def available(self, case: Case, view: queries.CaseView, record: Any) -> list[str]:
        verbs = []
        if queries_handling.may_witness(self.request.user, case, record):
            verbs.append("witness")
        if view.can_change and not record.withdrawn:
            verbs.append("withdraw")
        return verbs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        record = context["record"]
        if not record.witnessed and not record.withdrawn:
            recorder = record.recorded_by.id if record.recorded_by else None
            context["witness_problem"] = queries_handling.witness_problem(
                self.request.user, self.case(), recorded_by_id=recorder
            )
        return context

    def act(self, verb: str, form: Any, case: Case, record: Any) -> str:
        data = form.cleaned_data
        if verb == "witness":
            actions_handling.witness_statement(
                acting_user=self.request.user,
                case_id=case.pk,
                statement_id=record.id,
                expected_version=data["version"],
            )
            return f"You witnessed statement {record.id}: it now counts."
        actions_handling.withdraw_statement(
            acting_user=self.request.user,
            case_id=case.pk,
            statement_id=record.id,
            expected_version=data["version"],
            reason=data["reason"],
        )
        return f"Statement {record.id} withdrawn: it no longer counts."

    def done_url(self, case: Case, record: Any) -> str:
        return reverse("cases:statement", args=[case.pk, record.id])


class StatementNewView(CaseDetailView):
    """Record the signed voluntary statement: both texts and the signature, uploaded or
    drawn on screen."""

    template_name = "cases/handling/statement_new.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = TemplateView.get_context_data(self, **kwargs)
        user = self.request.user
        case = self.case()
        view = queries.describe(user, case)
        if not view.can_change or view.closed:
            raise DjangoPermissionDenied("you may not record a statement on this case")
        context.setdefault("form", StatementForm(initial={"version": view.version}))
        context["case"] = view
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        case = self.case()
        if not queries.can_change(request.user, case):
            raise DjangoPermissionDenied("you may not change this case")
        form = StatementForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                statement = actions_handling.record_statement(
                    acting_user=request.user,
                    case_id=case.pk,
                    expected_version=data["version"],
                    language_code=data["language_code"],
                    language_name=data["language_name"],
                    text_original=data["text_original"],
                    text_english=data["text_english"],
                    signed_at=data["signed_at"],
                    signature_file=data.get("signature_file"),
                    signature_drawing=data.get("signature_drawing") or "",
                )
            except NotFound:
                raise Http404("no such case") from None
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from None
            except (InvalidInput, Conflict, PolicyRefusal) as exc:
                _apply_error(form, exc)
            else:
                messages.success(
                    request,
                    f"Statement {statement.pk} recorded. Another official of the post must "
                    "witness it before it counts.",
                )
                return HttpResponseRedirect(
                    reverse("cases:statement", args=[case.pk, statement.pk])
                )
        return self.render_to_response(self.get_context_data(form=form))


class StatementFileView(LoginRequiredMixin, View):
    """The signature file of a statement: 404 for anyone who may not see the case; sent as
    an attachment, never cached; each reading recorded."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, case_id: int, item_id: int) -> HttpResponse:
        try:
            stored = actions_handling.read_statement_file(
                acting_user=request.user, case_id=case_id, statement_id=item_id
            )
        except NotFound:
            raise Http404("no such statement") from None
        response = HttpResponse(stored.content, content_type=stored.content_type)
        response["Content-Disposition"] = f'attachment; filename="{stored.filename}"'
        response["Content-Length"] = str(len(stored.content))
        response["Cache-Control"] = "no-store, private, max-age=0"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class TaskPageView(RecordPageView):
    """One task: its assignee answers it (accept, decline, done); those who may change the
    case change it while it is unanswered, or withdraw it."""

    template_name = "cases/handling/task.html"
    forms: ClassVar[dict[str, tuple[str, type[Any]]]] = {
        "accept": ("accept_form", AcceptTaskForm),
        "decline": ("decline_form", DeclineTaskForm),
        "complete": ("complete_form", CompleteTaskForm),
        "edit": ("edit_form", TaskEditForm),
        "withdraw": ("withdraw_form", WithdrawTaskForm),
    }
    anchor = TASKS

    def record(self, case: Case) -> queries_handling.TaskView:
        try:
            return queries_handling.task_of(self.request.user, case, int(self.kwargs["item_id"]))
        except NotFound:
            raise Http404("no such task") from None

    def available(self, case: Case, view: queries.CaseView, record: Any) -> list[str]:
        verbs = []
        if queries_handling.may_answer(self.request.user, record):
            if record.status == TaskStatus.ASSIGNED:
                verbs += ["accept", "decline"]
            elif record.status == TaskStatus.ACCEPTED:
                verbs.append("complete")
        if view.can_change:
            if record.status == TaskStatus.ASSIGNED:
                verbs.append("edit")
            if record.is_open:
                verbs.append("withdraw")
        return verbs

    def initial(self, verb: str, record: Any) -> dict[str, Any]:
        if verb == "edit":
            return {"title": record.title, "details": record.details, "due_on": record.due_on}
        return {}

    def act(self, verb: str, form: Any, case: Case, record: Any) -> str:
        data = form.cleaned_data
        common: dict[str, Any] = {
            "acting_user": self.request.user,
            "case_id": case.pk,
            "task_id": record.id,
            "expected_version": data["version"],
        }
        if verb == "accept":
            actions_handling.accept_task(**common)
            return f"Task {record.id} accepted."
        if verb == "decline":
            actions_handling.decline_task(**common, reason=data["reason"])
            return f"Task {record.id} declined."
        if verb == "complete":
            actions_handling.complete_task(**common, result=data["result"])
            return f"Task {record.id} done."
        if verb == "edit":
            actions_handling.update_task(
                **common,
                title=data["title"],
                details=data.get("details") or "",
                due_on=data["due_on"],
            )
            return f"Task {record.id} changed."
        actions_handling.withdraw_task(**common, reason=data["reason"])
        return f"Task {record.id} withdrawn."

    def done_url(self, case: Case, record: Any) -> str:
        return reverse("cases:task", args=[case.pk, record.id])
