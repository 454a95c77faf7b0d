"""Inducement on the case page (``2b``, ``5a(1)``, ``5a(4)``): its section, and the views
its forms post to (recruitment in place considered, plans, acts).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from defector.cases import actions, queries
from defector.cases import queries as determinations
from defector.cases.forms import ActForm, ConsiderationForm, PlanForm
from defector.cases.views.case import CaseChangeView
from defector.cases.views.common import Case
from defector.core.users import AnyUser


def act_form(user: AnyUser, case: Case, data: Any = None) -> ActForm:
    return ActForm(
        data,
        initial={"version": case.version},
        plans=determinations.plans_of(user, case),
        officials=determinations.officials_for_acts(case),
    )


def inducement_section(user: AnyUser, case: Case) -> Mapping[str, Any]:
    data = dict(determinations.inducement_section(user, case))
    data |= {"consider_form": None, "plan_form": None, "act_form": None}
    if data["may_change"]:
        initial = {"version": case.version}
        data["consider_form"] = ConsiderationForm(initial=initial)
        data["plan_form"] = PlanForm(initial=initial, max_group=data["max_group"])
        if data["plans"]:
            data["act_form"] = act_form(user, case)
    return data


class ConsiderationView(CaseChangeView):
    form_name = "consider_form"
    tab = "inducement"

    def make_form(self, view: queries.CaseView) -> ConsiderationForm:
        return ConsiderationForm(self.request.POST)

    def act(self, form: Any) -> str:
        view = self.view
        data = form.cleaned_data
        done = actions.consider_recruitment_in_place(
            acting_user=self.request.user,
            case_id=view.id,
            expected_version=data["version"],
            conclusion=data["conclusion"],
            reasoning=data["reasoning"],
        )
        return f"Recruitment in place considered: {done.get_conclusion_display().lower()}."


class PlanView(CaseChangeView):
    form_name = "plan_form"
    tab = "inducement"

    def make_form(self, view: queries.CaseView) -> PlanForm:
        return PlanForm(self.request.POST, max_group=determinations.max_inducement_group())

    def act(self, form: Any) -> str:
        view = self.view
        data = form.cleaned_data
        done = actions.record_inducement_plan(
            acting_user=self.request.user,
            case_id=view.id,
            expected_version=data["version"],
            description=data["description"],
            group_size=data["group_size"],
        )
        return f"Inducement plan {done.pk} recorded."


class ActView(CaseChangeView):
    form_name = "act_form"
    tab = "inducement"

    def make_form(self, view: queries.CaseView) -> ActForm:
        return act_form(self.request.user, self.case(), self.request.POST)

    def act(self, form: Any) -> str:
        view = self.view
        data = form.cleaned_data
        done = actions.record_inducement_act(
            acting_user=self.request.user,
            case_id=view.id,
            plan_id=data["plan"],
            expected_version=data["version"],
            description=data["description"],
            occurred_at=data.get("occurred_at"),
            committed_by_id=data.get("committed_by"),
            instigated_by_id=data.get("instigated_by"),
        )
        return f"Act of inducement recorded under plan {done.plan_id}."
