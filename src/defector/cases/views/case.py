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
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
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
    RevealForm,
)
from defector.core import reversing
from defector.core.auth import StepUpRequired
from defector.core.errors import InvalidInput, NotFound, PermissionDenied
from defector.core.views import ActionFormMixin

CASES_PER_PAGE: Final = 50
#: The tabs that show the reveal form and the note form (``cases/sections/subject.html``,
#: ``notes.html``): the forms are built for them alone.
REVEAL_TAB: Final = "subject"
NOTES_TAB: Final = "notes"


def case_links(case_ids: list[int]) -> list[str]:
    """Each case's page, for a list's rows: one reversed URL, the ids put in it (``reverse``
    for each row costs as much as the rest of the row; ``core.reversing``'s, remembered)."""
    sample = 987654321
    head, tail = reversing.reverse("cases:detail", [sample]).split(str(sample))
    return [f"{head}{pk}{tail}" for pk in case_ids]


class CaseListView(LoginRequiredMixin, TemplateView):
    """The cases the user may see, with the filters the API takes too."""

    template_name = "cases/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = CaseFilterForm(self.request.GET or None, user=user)
        filters = form.filters()
        # A paginator counts the rows and slices one page (``CaseRows`` does only that).
        rows: Any = queries.case_rows(user, filters)
        page: Page[queries.CaseRow] = Paginator(rows, CASES_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        query = self.request.GET.copy() if self.request.GET else None  # no copy of nothing
        if query is not None:
            query.pop("page", None)
        shown: list[queries.CaseRow] = list(page.object_list)  # a list: not a page's item by item
        context |= {
            "form": form,
            "page": page,
            "filtered": filters.active,
            "query": query.urlencode() if query is not None else "",
            "rows": list(zip(shown, case_links([case.id for case in shown]), strict=True)),
            "can_open": queries.list_may_open(user),
            "banners": sections.list_banners_for(user),
        }
        return context


class CaseDetailView(LoginRequiredMixin, TemplateView):
    """One case by its cryptonym, as a workspace: the header and the banners, the row of tabs
    (``cases.sections``), and the selected tab — the Overview (``/cases/<id>/``: Next steps,
    the summary, the stage) or one section (``/cases/<id>/<key>/``), whose data alone is
    read. A tab the user does not have answers 404."""

    template_name = "cases/detail.html"
    #: The tab this view shows when the address names none (an action's view: its tab).
    tab = sections.OVERVIEW

    def reader(self) -> Any:
        """The request's user: the account itself, not a lazy object standing for it
        (``accounts.middleware.OTPMiddleware`` puts it there), so the page's reads, which ask
        its key and its principal hundreds of times, pay no lazy object's calls."""
        return self.request.user

    def case(self) -> Any:
        try:
            return queries.case_page(self.reader(), int(self.kwargs["case_id"]))
        except NotFound:
            raise Http404("no such case") from None

    def case_view(self) -> queries.CaseView:
        return queries.describe(self.reader(), self.case())

    def selected_tab(self) -> str:
        return str(self.kwargs.get("tab") or self.tab)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.kwargs.get("tab") == sections.OVERVIEW:  # the Overview is the case's address
            return HttpResponseRedirect(tab_url(int(self.kwargs["case_id"])))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.reader()
        case = self.case()
        view = queries.describe(user, case)
        current = self.selected_tab()
        visible = sections.visible_sections(user, case)
        tabs = sections.tabs_for(user, case, current, visible)
        section = None
        if current != sections.OVERVIEW:
            chosen = [s for s in visible if s.key == current]
            if not chosen:
                raise Http404("no such tab")
            section = sections.render(user, case, chosen[0])
        context |= {
            "case": view,
            "tab": current,
            "tabs": tabs,
            "section": section,
            "sections": [section] if section is not None else [],
            "banners": sections.banners_for(user, case),
            "categories": queries.latest_categories(case),
        }
        if section is None:
            context["overview"] = queries.case_overview(user, case)
            context["blockers"] = grant_blockers(context["overview"], tabs)
            context["next_steps"] = sections.next_steps_for(user, case, visible)
        # Each form is built for the tab that shows it. The Overview's, moving the case on,
        # is ``move_form`` when posted back with its errors, else built (or remembered) by
        # ``{% case_summary %}`` (``cases.templatetags.case_overview``).
        if view.can_reveal and current == REVEAL_TAB and "reveal_form" not in context:
            recorded = [row.field for row in view.recorded_identity]
            context["reveal_form"] = RevealForm(recorded=recorded)
        context["can_move"] = "move_form" in context or bool(
            view.can_change
            and section is None
            and view.next_stages
            and queries.handles_case(user, case)
        )
        if view.can_change and current == NOTES_TAB:
            context.setdefault("note_form", NoteForm(initial={"version": view.version}))
        return context


def tab_url(case_id: int, tab: str = sections.OVERVIEW, anchor: str = "") -> str:
    """The address of a tab of the case page (the Overview: the case's own address)."""
    if tab == sections.OVERVIEW:
        url = reverse("cases:detail", args=[case_id])
    else:
        url = reverse("cases:tab", args=[case_id, tab])
    return f"{url}#{anchor}" if anchor else url


#: What each input of the grant gate asks for, as a step (its clause: the tab it is done on).
GRANT_STEPS: Final = {
    "2a": "Assess the facts: the latest assessment must find a defector",
    "6b(3)(b)": "Establish bona fides",
    "6b(3)(c)": "Obtain the signed voluntary statement requesting asylum",
    "7a": "The Senior US Representative determines the political risk of the case",
}


def grant_blockers(
    overview: queries.CaseOverview, tabs: list[sections.Tab]
) -> list[sections.NextStep]:
    """What blocks the grant, for the Next steps panel: each input of the grant gate still
    missing, with its clause and the tab where it is done."""
    steps = []
    for item in overview.blockers:
        clause = item.clauses[0] if item.clauses else ""
        steps.append(
            sections.NextStep(
                text=GRANT_STEPS.get(clause, "Resolve"),
                detail=item.reason,
                clauses=item.clauses,
                tab=sections.tab_for_clause(tabs, clause),
            )
        )
    return steps


class TabActionMixin(CaseDetailView):
    """An action of a tab of the case page. A ``GET`` of its address shows the tab when the
    address is the tab's own (``/cases/<id>/notes/`` both shows the notes and adds one),
    else answers 303 to the tab."""

    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        url = tab_url(int(self.kwargs["case_id"]), self.selected_tab())
        if request.path != url:
            self.case()  # a case the user may not see answers 404, not a redirect
            redirect = HttpResponseRedirect(url, status=303)
            redirect["Allow"] = "POST"  # this address takes only a POST; its page is the tab
            return redirect
        return super().get(request, *args, **kwargs)


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


class RevealView(TabActionMixin):
    """POST a field and a reason; the answer is the Subject tab with the value shown once."""

    tab = REVEAL_TAB

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


class CaseChangeView(ActionFormMixin, TabActionMixin):
    """A form on the case page that changes the case: on success back to its tab, otherwise
    the tab again with the form and its errors. A subclass's ``act`` answers with the message
    to show."""

    not_found_message = "no such case"
    form_name = ""
    #: Handling (6b(3)): refused to those who change the case without handling it.
    handling = False
    view: queries.CaseView

    @abstractmethod
    def make_form(self, view: queries.CaseView) -> Any:
        """The form this view posts, bound to the request's data."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.view = self.case_view()
        if not self.view.can_change:
            raise DjangoPermissionDenied("you may not change this case")
        if self.handling and not queries.handles_case(request.user, self.case()):
            raise DjangoPermissionDenied("the case's committee and assigned officers handle it")
        return super().post(request, *args, **kwargs)

    def bound_form(self) -> Any:
        return self.make_form(self.view)

    def stale_message(self, form: Any) -> str | None:
        return stale_case_message(self.case(), form)

    def success_message(self, result: Any) -> str:
        return str(result)

    def success_url(self, result: Any) -> str:
        return tab_url(self.view.id, self.selected_tab())

    def render_invalid(self, form: Any) -> HttpResponse:
        context = self.get_context_data(**{self.form_name: form}, has_errors=True)
        return self.render_to_response(context)


class MoveView(CaseChangeView):
    form_name = "move_form"
    handling = True

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
        return tab_url(self.view.id, "assessment")

    def render_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form))
