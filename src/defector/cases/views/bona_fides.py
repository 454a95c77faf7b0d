"""Bona fides (``6b(3)(b)``): the section of the case page (the checklist, its clock, the
verdicts), the forms that add a check and record a verdict, and the page of one check.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.http import Http404

from defector.cases import actions as actions_handling
from defector.cases import queries
from defector.cases import queries as queries_handling
from defector.cases.forms import CheckForm, CheckResultForm, VerdictForm
from defector.cases.views.common import Case, RecordPageView, SectionFormView
from defector.core.errors import NotFound
from defector.core.users import AnyUser

BONA_FIDES = "bona-fides"


def bona_fides_section(user: AnyUser, case: Case) -> Mapping[str, Any]:
    """The checklist, the clock, the current verdict and its history; for those who may
    change the case, the forms to add a check and to record a verdict."""
    view = queries_handling.bona_fides_of(user, case)
    data: dict[str, Any] = {"bona_fides": view, "clause": queries_handling.BONA_FIDES_CLAUSE}
    if queries.handles_case(user, case) and not view.closed:
        initial = {"version": case.version}
        data["check_form"] = CheckForm(
            initial=initial, analysts=queries_handling.analysts_for(case)
        )
        if view.completed_checks:
            data["verdict_form"] = VerdictForm(initial=initial, checks=view.checks)
    return data


class CheckAddView(SectionFormView):
    section = BONA_FIDES
    handling = True
    form_name = "check_form"

    def make_form(self, case: Case) -> CheckForm:
        return CheckForm(self.request.POST, analysts=queries_handling.analysts_for(case))

    def act(self, form: Any) -> str:
        case = self.row
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
    handling = True
    form_name = "verdict_form"

    def make_form(self, case: Case) -> VerdictForm:
        checks = queries_handling.checks_of(self.request.user, case)
        return VerdictForm(self.request.POST, checks=checks)

    def act(self, form: Any) -> str:
        case = self.row
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
        if view.closed or record.completed or not queries.handles_case(self.request.user, case):
            return []
        return ["result"]

    def act_on(self, verb: str, form: Any, case: Case, record: Any) -> str:
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
