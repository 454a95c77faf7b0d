"""Pages of the cases app, one module a part of the case: the list and the case page
(``case``), intake, notes, obligations, bona fides, statements, tasks, determinations and
inducement. The forms that change a case post through ``defector.core.views.ActionFormMixin``;
what the pages of a case's records share is in ``common``.
"""

from __future__ import annotations

from defector.cases.views.bona_fides import (
    BONA_FIDES,
    CheckAddView,
    CheckPageView,
    VerdictAddView,
    bona_fides_section,
)
from defector.cases.views.case import (
    CASES_PER_PAGE,
    CaseChangeView,
    CaseDetailView,
    CaseListView,
    FactsView,
    MoveView,
    RevealView,
)
from defector.cases.views.common import Case, RecordPageView, SectionFormView, case_url, with_form
from defector.cases.views.determination import (
    PoliticalRiskView,
    ReferralView,
    StatusView,
    political_risk_section,
    status_form,
    status_section,
)
from defector.cases.views.inducement import (
    ActView,
    ConsiderationView,
    PlanView,
    act_form,
    inducement_section,
)
from defector.cases.views.intake import ReportPreviewView, ReportView, WalkInPreviewView, WalkInView
from defector.cases.views.notes import NoteSearchView, NoteView
from defector.cases.views.obligations import (
    DischargeView,
    ObligationChangeView,
    ObligationView,
    ReassignView,
    WaiveView,
)
from defector.cases.views.statements import (
    STATEMENT,
    StatementFileView,
    StatementNewView,
    StatementPageView,
    statement_section,
)
from defector.cases.views.tasks import (
    INVITATIONS,
    TASKS,
    InviteView,
    TaskAddView,
    TaskPageView,
    WithdrawInvitationView,
    invitations_section,
    tasks_section,
)

__all__ = [
    "BONA_FIDES",
    "CASES_PER_PAGE",
    "INVITATIONS",
    "STATEMENT",
    "TASKS",
    "ActView",
    "Case",
    "CaseChangeView",
    "CaseDetailView",
    "CaseListView",
    "CheckAddView",
    "CheckPageView",
    "ConsiderationView",
    "DischargeView",
    "FactsView",
    "InviteView",
    "MoveView",
    "NoteSearchView",
    "NoteView",
    "ObligationChangeView",
    "ObligationView",
    "PlanView",
    "PoliticalRiskView",
    "ReassignView",
    "RecordPageView",
    "ReferralView",
    "ReportPreviewView",
    "ReportView",
    "RevealView",
    "SectionFormView",
    "StatementFileView",
    "StatementNewView",
    "StatementPageView",
    "StatusView",
    "TaskAddView",
    "TaskPageView",
    "VerdictAddView",
    "WaiveView",
    "WalkInPreviewView",
    "WalkInView",
    "WithdrawInvitationView",
    "act_form",
    "bona_fides_section",
    "case_url",
    "inducement_section",
    "invitations_section",
    "political_risk_section",
    "statement_section",
    "status_form",
    "status_section",
    "tasks_section",
    "with_form",
]
