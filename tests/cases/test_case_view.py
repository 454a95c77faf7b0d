"""A case as its page shows it (``queries.describe``): the stages it may move to and the
outcomes it may close with, worked out once per stage, and its officers and compartments,
whether read with the case or not."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from defector.cases import lifecycle, queries
from defector.cases.choices import CaseOutcome, Stage
from defector.cases.models import Case
from defector.cases.queries import detail


def test_the_stages_and_outcomes_of_every_stage_are_the_lifecycles() -> None:
    for stage in Stage:
        case = Case(stage=stage)
        expected = [
            (
                target,
                "Reopen" if stage == Stage.CLOSED else Stage(target).label,
                move.clauses if move else (),
                move.reason if move else "close the case with its outcome",
                move.needs_reason if move else False,
            )
            for target in lifecycle.next_stages(stage)
            for move in [lifecycle.transition(stage, target)]
        ]
        stages = detail.next_stages(case)
        assert [(s.stage, s.label, s.clauses, s.reason, s.needs_reason) for s in stages] == expected
        outcomes = detail.closing_outcomes(case)
        assert [(o.outcome, o.label, o.clauses) for o in outcomes] == [
            (e.outcome, CaseOutcome(e.outcome).label, e.clauses)
            for e in lifecycle.endings_from(stage)
        ]
        # Each reading gets a list of its own: changing one changes no other case's.
        stages.clear()
        assert len(detail.next_stages(case)) == len(expected)


def test_a_case_read_without_its_officers_and_compartments_is_described_with_them(
    open_case: Any, officer: User
) -> None:
    made = open_case()
    plain = Case.objects.get(pk=made.pk)  # nothing read with it
    paged = queries.case_page(officer, made.pk)  # read with the case's row

    described = queries.describe(officer, plain)
    assert described.officers == queries.describe(officer, paged).officers
    assert [ref.name for ref in described.officers] == [str(o) for o in made.officers.all()]
    assert described.compartments == sorted(c.code for c in made.compartments.all())
