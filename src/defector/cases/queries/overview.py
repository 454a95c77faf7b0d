"""The case page's Overview: the categories as assessed, what blocks the grant of defector
status (``6b(2)``: the grant gate's inputs, each with its clause), the obligations next due,
and the counts on the tabs (open tasks, open obligations)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from defector.cases.choices import OPEN_TASK_STATUSES, StatusDecision
from defector.cases.models import Case, CaseTask
from defector.cases.queries.common import case_rows
from defector.cases.queries.determination import STATUS_STAGES, grant_inputs_of, grant_readiness
from defector.cases.queries.obligations import ObligationView, obligations_of
from defector.cases.queries.page_facts import case_facts
from defector.core.access import Action, remembered
from defector.core.users import AnyUser
from defector.policy import Decision

#: How many open obligations the Next steps panel lists, soonest due first.
DUE_SHOWN: Final = 5


@dataclass(frozen=True, slots=True)
class CaseOverview:
    """What the Overview's Next steps panel says of a case."""

    #: The latest assessment's categories; ``None`` when no facts were assessed yet.
    categories: list[str] | None
    #: The status determination that stands: ``grant``, ``decline``, ``defer`` or ``""``.
    status: str
    #: Each input of the grant gate (``6b(2)``) as met or missing, while a grant is still
    #: the question (an open case up to the determination, not yet granted); else empty.
    grant_checklist: list[Decision] = field(default_factory=list)
    #: The gate's answer over the checklist (``None`` when the checklist is empty).
    grant: Decision | None = None
    #: The open obligations, soonest due first (at most :data:`DUE_SHOWN`).
    due: list[ObligationView] = field(default_factory=list)
    #: How many obligations are open in all.
    open_obligations: int = 0

    @property
    def assessed(self) -> bool:
        return self.categories is not None

    @property
    def blockers(self) -> list[Decision]:
        return [item for item in self.grant_checklist if not item.allowed]


def case_overview(user: AnyUser, case: Case) -> CaseOverview:
    """The Next steps of ``case`` for ``user`` (who may see it: the case page's reader)."""
    facts = case_facts(case)
    status = facts.status or ""
    checklist: list[Decision] = []
    grant: Decision | None = None
    if case.stage in STATUS_STAGES and status != StatusDecision.GRANT:
        inputs = grant_inputs_of(facts)
        checklist = inputs.checklist()
        grant = grant_readiness(case, inputs)
    obligations = [item for item in obligations_of(user, case) if item.is_open]
    return CaseOverview(
        categories=list(facts.categories) if facts.categories is not None else None,
        status=status,
        grant_checklist=checklist,
        grant=grant,
        due=obligations[:DUE_SHOWN],
        open_obligations=len(obligations),
    )


def open_task_count(user: AnyUser, case: Case) -> int:
    """How many of the case's tasks ``user`` sees are still to be done (the Tasks tab's
    count): one read per page."""
    return remembered(
        ("cases.open_tasks", getattr(user, "pk", None), case.pk),
        lambda: case_rows(
            user, Action.VIEW, CaseTask.objects.filter(status__in=OPEN_TASK_STATUSES), case
        ).count(),
    )


def open_obligation_count(user: AnyUser, case: Case) -> int:
    """How many of the case's obligations ``user`` sees are open (the Obligations tab's
    count; read with the page's case)."""
    return remembered(
        ("cases.open_obligations", getattr(user, "pk", None), case.pk),
        lambda: sum(1 for item in obligations_of(user, case) if item.is_open),
    )
