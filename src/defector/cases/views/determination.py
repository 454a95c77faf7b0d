"""The determinations on the case page: political risk (``7a``) and defector status
(``6b(2)``, with the referral as a refugee, ``2f``) — their sections and the views their
forms post to. A refusal under the directive names its clauses; a stale version says who
changed the case, and when.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from defector.cases import actions, queries
from defector.cases import queries as determinations
from defector.cases.choices import RiskLevel, StatusDecision
from defector.cases.forms import ReferralForm, RiskForm, StatusForm
from defector.cases.views.case import CaseChangeView
from defector.cases.views.common import Case
from defector.core.users import AnyUser


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


class PoliticalRiskView(CaseChangeView):
    form_name = "risk_form"
    tab = "political-risk"

    def make_form(self, view: queries.CaseView) -> RiskForm:
        return RiskForm(self.request.POST)

    def act(self, form: Any) -> str:
        view = self.view
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
    tab = "status"

    def make_form(self, view: queries.CaseView) -> StatusForm:
        return status_form(self.request.user, self.case(), self.request.POST)

    def act(self, form: Any) -> str:
        view = self.view
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
    tab = "status"

    def make_form(self, view: queries.CaseView) -> ReferralForm:
        return ReferralForm(self.request.POST)

    def act(self, form: Any) -> str:
        view = self.view
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
