"""Pages of the determinations: three sections of the case page (``cases.sections``) — the
political-risk determination (``7a``), defector status (``6b(2)``, with the referral as a
refugee, ``2f``) and inducement (``2b``, ``5a(1)``, ``5a(4)``) — and the views their forms
post to.

Thin, like ``cases.views``: each view parses its form, calls one action
(``cases.actions_determination``) and goes back to the case page at its section; on an error
the case page comes back with the form and the action's message (a refusal under the
directive names its clauses; a stale version says who changed the case, and when).

:func:`register` (called from ``CasesConfig.ready``) adds the sections and the lifecycle's
guard on determination → exploitation (only with a grant, ``6b(2)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from defector.cases import actions_determination as actions
from defector.cases import lifecycle, queries, sections
from defector.cases import queries_determination as determinations
from defector.cases.choices import RiskLevel, Stage, StatusDecision
from defector.cases.forms import (
    ActForm,
    ConsiderationForm,
    PlanForm,
    ReferralForm,
    RiskForm,
    StatusForm,
)
from defector.cases.models import Case
from defector.cases.sections import AnyUser
from defector.cases.views import CaseChangeView


def status_form(user: AnyUser, case: Case, data: Any = None) -> StatusForm:
    """The status form for ``user`` on ``case``: one position per represented agency, and the
    chair named when a member records it."""
    chairs = [determinations.Ref(c.pk, str(c)) for c in determinations.chairs_of(case.post)]
    return StatusForm(
        data,
        initial={"version": case.version},
        agencies=determinations.represented_agencies(case.post),
        chairs=chairs,
        member_for_chair=determinations.acts_for_chair(user, case),
    )


def act_form(user: AnyUser, case: Case, data: Any = None) -> ActForm:
    return ActForm(
        data,
        initial={"version": case.version},
        plans=determinations.plans_of(user, case),
        officials=determinations.officials_for_acts(case),
    )


# --- the sections -----------------------------------------------------------------------------


def political_risk_section(user: AnyUser, case: Case) -> Mapping[str, Any]:
    data = dict(determinations.political_risk_section(user, case)) | {"form": None}
    if data["may_determine"]:
        data["form"] = RiskForm(initial={"version": case.version})
    return data


def status_section(user: AnyUser, case: Case) -> Mapping[str, Any]:
    data = dict(determinations.status_section(user, case))
    data |= {"form": None, "referral_form": None}
    if data["may_determine"]:
        data["form"] = status_form(user, case)
    if data["may_refer"]:
        data["referral_form"] = ReferralForm(initial={"version": case.version})
    return data


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


def register() -> None:
    """Add the sections to the case page and the guard to the lifecycle."""
    sections.register_section(
        sections.CaseSection(
            key="political-risk",
            title="Political risk (7a)",
            template="cases/determination/political_risk.html",
            order=50,
            build=political_risk_section,
        )
    )
    sections.register_section(
        sections.CaseSection(
            key="status",
            title="Defector status (6b(2))",
            template="cases/determination/status.html",
            order=52,
            build=status_section,
        )
    )
    sections.register_section(
        sections.CaseSection(
            key="inducement",
            title="Inducement (2b, 5a)",
            template="cases/determination/inducement.html",
            order=54,
            build=inducement_section,
        )
    )
    lifecycle.register_guard(
        Stage.DETERMINATION, Stage.EXPLOITATION, determinations.exploitation_guard
    )


# --- the views the forms post to --------------------------------------------------------------


class PoliticalRiskView(CaseChangeView):
    form_name = "risk_form"
    anchor = "section-political-risk"

    def make_form(self, view: queries.CaseView) -> RiskForm:
        return RiskForm(self.request.POST)

    def act(self, form: Any, view: queries.CaseView) -> str:
        data = form.cleaned_data
        done = actions.determine_political_risk(
            acting_user=self.request.user,
            case_id=view.id,
            expected_version=data["version"],
            subject=data["subject"],
            level=data["level"],
            reasoning=data["reasoning"],
        )
        what = "the case" if done.subject == "case" else done.get_subject_display().lower()
        return f"Political risk of {what} determined: {RiskLevel(done.level).label.lower()}."


class StatusView(CaseChangeView):
    form_name = "status_form"
    anchor = "section-status"

    def make_form(self, view: queries.CaseView) -> StatusForm:
        return status_form(self.request.user, self.case(), self.request.POST)

    def act(self, form: Any, view: queries.CaseView) -> str:
        data = form.cleaned_data
        done = actions.determine_status(
            acting_user=self.request.user,
            case_id=view.id,
            expected_version=data["version"],
            decision=data["decision"],
            special_value=data["special_value"],
            rationale=data["rationale"],
            positions=form.positions(),
            on_behalf_of_id=data.get("on_behalf_of"),
        )
        if done.decision == StatusDecision.GRANT:
            return "Defector status granted; the case moves on to exploitation."
        return f"Status determination recorded: {done.get_decision_display().lower()}."


class ReferralView(CaseChangeView):
    form_name = "referral_form"
    anchor = "section-status"

    def make_form(self, view: queries.CaseView) -> ReferralForm:
        return ReferralForm(self.request.POST)

    def act(self, form: Any, view: queries.CaseView) -> str:
        data = form.cleaned_data
        actions.refer_as_refugee(
            acting_user=self.request.user,
            case_id=view.id,
            expected_version=data["version"],
            reason=data["reason"],
            referred_to=data.get("referred_to") or "",
            close=bool(data.get("close")),
        )
        if data.get("close"):
            return "Referred as a refugee; the case is closed."
        return "Referred as a refugee."


class ConsiderationView(CaseChangeView):
    form_name = "consider_form"
    anchor = "section-inducement"

    def make_form(self, view: queries.CaseView) -> ConsiderationForm:
        return ConsiderationForm(self.request.POST)

    def act(self, form: Any, view: queries.CaseView) -> str:
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
    anchor = "section-inducement"

    def make_form(self, view: queries.CaseView) -> PlanForm:
        return PlanForm(self.request.POST, max_group=determinations.max_inducement_group())

    def act(self, form: Any, view: queries.CaseView) -> str:
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
    anchor = "section-inducement"

    def make_form(self, view: queries.CaseView) -> ActForm:
        return act_form(self.request.user, self.case(), self.request.POST)

    def act(self, form: Any, view: queries.CaseView) -> str:
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
