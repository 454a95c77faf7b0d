"""What the pages of a case's records share: a form of a section of the case page
(``SectionFormView``), and a page of one record with the forms that act on it
(``RecordPageView``). Each goes through ``defector.core.views.ActionFormMixin``: a form that
fails comes back, bound, with the action's errors, on the page it was sent from.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.views.generic import TemplateView

from defector.cases import queries
from defector.cases.sections import RenderedSection
from defector.cases.views.case import (
    CaseDetailView,
    TabActionMixin,
    stale_case_message,
    tab_url,
)
from defector.core.views import ActionFormMixin

#: A case row, as the queries hand it over (views do not import models: they read through
#: ``queries``).
Case = Any


def with_form(context: dict[str, Any], key: str, name: str, form: Any) -> None:
    """Put a bound form (with its errors) in place of the section's fresh one."""
    section = context.get("section")
    if isinstance(section, RenderedSection) and section.key == key:
        bound = RenderedSection(
            section.key, section.title, section.template, {**section.data, name: form}
        )
        context["section"] = bound
        context["sections"] = [bound]


def case_url(case_id: int, anchor: str = "") -> str:
    """The case page: the tab ``anchor`` when given, else the Overview."""
    return tab_url(case_id, anchor) if anchor else tab_url(case_id)


class SectionFormView(ActionFormMixin, TabActionMixin):
    """A form of a section (a tab) of the case page: on success back to the tab, otherwise
    the tab again with the form bound and its errors. A subclass's ``act`` answers with the
    message to show."""

    not_found_message = "no such case"
    section = ""
    form_name = ""
    #: Handling (6b(3)): refused to those who change the case without handling it.
    handling = False
    row: Case

    def selected_tab(self) -> str:
        return self.section or super().selected_tab()

    @abstractmethod
    def make_form(self, case: Case) -> Any:
        """The section's form, bound to the request's data."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        bound = kwargs.pop("bound", None)
        context = super().get_context_data(**kwargs)
        if bound is not None:
            with_form(context, self.section, self.form_name, bound)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.row = self.case()
        if not queries.can_change(request.user, self.row):
            raise DjangoPermissionDenied("you may not change this case")
        if self.handling and not queries.handles_case(request.user, self.row):
            raise DjangoPermissionDenied("the case's committee and assigned officers handle it")
        return super().post(request, *args, **kwargs)

    def bound_form(self) -> Any:
        return self.make_form(self.row)

    def stale_message(self, form: Any) -> str | None:
        return stale_case_message(self.row, form)

    def success_message(self, result: Any) -> str:
        return str(result)

    def success_url(self, result: Any) -> str:
        return case_url(self.row.pk, self.section)

    def render_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(bound=form, has_errors=True))


class RecordPageView(ActionFormMixin, CaseDetailView):
    """A page of one record of a case (a check, a statement, a task) and its forms: each
    form posts to ``<page>/<verb>/``; a failing one comes back bound on this page."""

    forms: ClassVar[dict[str, tuple[str, type[Any]]]] = {}
    anchor = ""
    verb: str
    row: Case
    item: Any

    @abstractmethod
    def record(self, case: Case) -> Any:
        """The record of ``case`` this page shows (:class:`NotFound` when there is none)."""

    @abstractmethod
    def available(self, case: Case, view: queries.CaseView, record: Any) -> list[str]:
        """The verbs of the forms this user may use now."""

    @abstractmethod
    def act_on(self, verb: str, form: Any, case: Case, record: Any) -> str:
        """Do ``verb`` with the valid form (through an action); the message to show."""

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
        self.verb = str(self.kwargs.get("verb", ""))
        self.row = self.case()
        view = queries.describe(request.user, self.row)
        self.item = self.record(self.row)
        if self.verb not in self.forms:
            raise Http404("no such form")
        if self.verb not in self.available(self.row, view, self.item):
            raise DjangoPermissionDenied("you may not do this now")
        return super().post(request, *args, **kwargs)

    def bound_form(self) -> Any:
        _, form_class = self.forms[self.verb]
        return form_class(self.request.POST, **self.form_kwargs(self.verb, self.row, self.item))

    def act(self, form: Any) -> str:
        return self.act_on(self.verb, form, self.row, self.item)

    def stale_message(self, form: Any) -> str | None:
        return stale_case_message(self.row, form)

    def success_message(self, result: Any) -> str:
        return str(result)

    def success_url(self, result: Any) -> str:
        return self.done_url(self.row, self.item)

    def render_invalid(self, form: Any) -> HttpResponse:
        name, _ = self.forms[self.verb]
        return self.render_to_response(self.get_context_data(**{name: form}))

    def done_url(self, case: Case, record: Any) -> str:
        return case_url(case.pk, self.anchor)
