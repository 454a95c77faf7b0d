"""What the queries add at start (``CasesConfig.ready``): the case page's own sections and
the lifecycle's guard on determination → exploitation (``6b(2)``)."""

from __future__ import annotations

from typing import Any

from defector.cases import lifecycle, sections
from defector.cases.choices import Stage
from defector.cases.models import Case
from defector.cases.queries.determination import exploitation_guard
from defector.cases.queries.facts import assessments_of
from defector.cases.queries.notes import notes_of, timeline_of
from defector.cases.queries.obligations import obligations_of
from defector.cases.queries.overview import open_obligation_count
from defector.core.users import AnyUser


def register_guards() -> None:
    """Add the lifecycle's guard on determination → exploitation: only with a grant."""
    lifecycle.register_guard(Stage.DETERMINATION, Stage.EXPLOITATION, exploitation_guard)


def _assessment_section(user: AnyUser, case: Case) -> dict[str, Any]:
    """The latest assessment and the history (newest first), from one read."""
    history = assessments_of(user, case)
    return {"latest": history[0] if history else None, "history": history}


def register_case_sections() -> None:
    """Add the case page's own sections: assessment, obligations, subject, notes, timeline."""
    sections.register_section(
        sections.CaseSection(
            key="assessment",
            title="Assessment",
            template="cases/sections/assessment.html",
            order=20,
            clauses=("1", "2a", "2b", "2c", "2d", "2e", "2f", "3"),
            build=_assessment_section,
        )
    )
    sections.register_section(
        sections.CaseSection(
            key="obligations",
            title="Obligations",
            template="cases/sections/obligations.html",
            order=30,
            build=lambda user, case: {"obligations": obligations_of(user, case)},
            badge=open_obligation_count,
        )
    )
    sections.register_section(
        sections.CaseSection(
            key="subject",
            title="Subject",
            template="cases/sections/subject.html",
            order=60,
        )
    )
    sections.register_section(
        sections.CaseSection(
            key="notes",
            title="Notes",
            template="cases/sections/notes.html",
            order=70,
            build=lambda user, case: {"notes": list(notes_of(user, case))},
        )
    )
    sections.register_section(
        sections.CaseSection(
            key="timeline",
            title="Timeline",
            template="cases/sections/timeline.html",
            order=80,
            build=lambda user, case: {"entries": list(timeline_of(user, case))},
        )
    )
