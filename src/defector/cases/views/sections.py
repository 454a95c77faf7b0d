"""The case page's sections whose forms these views post: bona fides, the voluntary
statement, tasks, political risk, status and inducement.

``CasesConfig.ready`` adds them to the page (``cases.sections``) after the page's own
sections (``cases.queries.register_case_sections``).
"""

from __future__ import annotations

from typing import Final

from defector.cases import queries
from defector.cases.sections import CaseSection
from defector.cases.views.bona_fides import BONA_FIDES, bona_fides_section
from defector.cases.views.determination import political_risk_section, status_section
from defector.cases.views.inducement import inducement_section
from defector.cases.views.statements import STATEMENT, statement_section
from defector.cases.views.tasks import INVITATIONS, TASKS, invitations_section, tasks_section
from defector.cases.views.transfers import SECTION as TRANSFER_SECTION

#: The sections with forms, in page order (``order``) after the obligations (30).
FORM_SECTIONS: Final = (
    CaseSection(
        key=BONA_FIDES,
        title="Bona fides",
        template="cases/handling/section_bona_fides.html",
        order=35,
        build=bona_fides_section,
        clauses=("6b(3)(b)",),
    ),
    CaseSection(
        key=STATEMENT,
        title="Voluntary statement",
        template="cases/handling/section_statement.html",
        order=40,
        build=statement_section,
        tab_label="Statement",
        clauses=("6b(3)(c)",),
    ),
    CaseSection(
        key=TASKS,
        title="Tasks",
        template="cases/handling/section_tasks.html",
        order=45,
        build=tasks_section,
        badge=queries.open_task_count,
        clauses=("6b(3)(d)",),
    ),
    CaseSection(
        key=INVITATIONS,
        title="Invited representatives (6)",
        template="cases/handling/section_invited.html",
        order=46,
        build=invitations_section,
        tab_label="Invited",
        clauses=("6",),
    ),
    CaseSection(
        key="political-risk",
        title="Political risk (7a)",
        template="cases/determination/political_risk.html",
        order=50,
        build=political_risk_section,
        clauses=("7a",),
    ),
    CaseSection(
        key="status",
        title="Defector status (6b(2))",
        template="cases/determination/status.html",
        order=52,
        build=status_section,
        tab_label="Defector status",
        clauses=("6b(2)", "2f"),
    ),
    CaseSection(
        key="inducement",
        title="Inducement (2b, 5a)",
        template="cases/determination/inducement.html",
        order=54,
        build=inducement_section,
        clauses=("2b", "5a(1)", "5a(4)"),
    ),
    TRANSFER_SECTION,
)
