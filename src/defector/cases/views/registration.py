"""TEMPORARY, for this branch only: delete it when merging with the split of the inner layers,
whose ``apps.py`` registers the sections itself.

Adds the sections of the case page (bona fides, statement, tasks, political risk, status,
inducement) and the lifecycle's guard on determination → exploitation (only with a grant,
``6b(2)``). Called from ``CasesConfig.ready`` through ``cases/views_determination.py`` and
``cases/views_handling.py``, two shims kept only for the unchanged ``apps.py``.
"""

from __future__ import annotations

from defector.cases import lifecycle, sections
from defector.cases import queries_determination as determinations
from defector.cases.choices import Stage
from defector.cases.views.bona_fides import BONA_FIDES, bona_fides_section
from defector.cases.views.determination import political_risk_section, status_section
from defector.cases.views.inducement import inducement_section
from defector.cases.views.statements import STATEMENT, statement_section
from defector.cases.views.tasks import TASKS, tasks_section


def register() -> None:
    """Add the determinations' sections to the case page and the guard to the lifecycle."""
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


def register_sections() -> None:
    """Add the handling sections to the case page (after its obligations)."""
    sections.register_section(
        sections.CaseSection(
            key=BONA_FIDES,
            title="Bona fides",
            template="cases/handling/section_bona_fides.html",
            order=35,
            build=bona_fides_section,
        )
    )
    sections.register_section(
        sections.CaseSection(
            key=STATEMENT,
            title="Voluntary statement",
            template="cases/handling/section_statement.html",
            order=40,
            build=statement_section,
        )
    )
    sections.register_section(
        sections.CaseSection(
            key=TASKS,
            title="Tasks",
            template="cases/handling/section_tasks.html",
            order=45,
            build=tasks_section,
        )
    )
