"""One case as the page and the API show it: identity rows, next stages, outcomes."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from defector.cases import lifecycle
from defector.cases.choices import IDENTITY_FIELDS, INTAKE_CLAUSE, CaseOutcome, IntakeKind, Stage
from defector.cases.models import Case, Subject
from defector.cases.queries.common import OfficialRef, _ref, can_waive
from defector.core.access import Action, may
from defector.core.users import AnyUser
from defector.directory.models import Post


@dataclass(frozen=True, slots=True)
class IdentityRow:
    """A sealed field of the subject: its name, its label, and whether anything is recorded."""

    field: str
    label: str
    recorded: bool


@dataclass(frozen=True, slots=True)
class StageChoice:
    """A stage the case may move to next, with the clauses that justify it."""

    stage: str
    label: str
    clauses: tuple[str, ...]
    reason: str
    needs_reason: bool


@dataclass(frozen=True, slots=True)
class OutcomeChoice:
    outcome: str
    label: str
    clauses: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CaseView:
    """A case as its page and ``GET /cases/{id}`` show it: cryptonym, never a name."""

    id: int
    cryptonym: str
    kind: str
    kind_label: str
    #: The clause that defines the kind of person taken in (``2e``, ``2c``, ``2d``).
    kind_clause: str
    post: Post
    sensitivity: str
    compartments: list[str]
    officers: list[OfficialRef]
    opened_at: dt.datetime
    opened_by: OfficialRef | None
    version: int
    identity: list[IdentityRow]
    can_reveal: bool
    received_at: dt.datetime = field(default_factory=timezone.now)
    received_where: str = ""
    request_other: str = ""
    stage: str = Stage.RECEPTION
    stage_label: str = ""
    outcome: str = ""
    outcome_label: str = ""
    categories: list[str] = field(default_factory=list)
    changed_at: dt.datetime | None = None
    changed_by: OfficialRef | None = None
    can_change: bool = False
    can_waive: bool = False
    next_stages: list[StageChoice] = field(default_factory=list)
    closing_outcomes: list[OutcomeChoice] = field(default_factory=list)

    @property
    def recorded_identity(self) -> list[IdentityRow]:
        return [row for row in self.identity if row.recorded]

    @property
    def closed(self) -> bool:
        return self.stage == Stage.CLOSED

    @property
    def category_labels(self) -> list[str]:
        return [category.replace("_", " ") for category in self.categories]


def identity_of(case: Case) -> list[IdentityRow]:
    """The subject's sealed fields, each only as recorded or not."""
    if Case.subject.is_cached(case):  # read with the case (``case_detail``)
        subject: Subject | None = getattr(case, "subject", None)
    else:
        subject = Subject.objects.filter(case=case).first()
    return [
        IdentityRow(
            field=name,
            label=label,
            recorded=subject is not None and getattr(subject, name) is not None,
        )
        for name, label in IDENTITY_FIELDS.items()
    ]


def next_stages(case: Case) -> list[StageChoice]:
    """The stages the case may move to, with their clauses (closing: see the outcomes)."""
    return list(_next_stages(case.stage))


def closing_outcomes(case: Case) -> list[OutcomeChoice]:
    return list(_closing_outcomes(case.stage))


# The lifecycle's rules are constants (``policy.gates.lifecycle``): what a stage may move to
# is worked out once per stage, not on each reading of a case.
@functools.cache
def _next_stages(stage: str) -> tuple[StageChoice, ...]:
    choices = []
    for target in lifecycle.next_stages(stage):
        move = lifecycle.transition(stage, target)
        choices.append(
            StageChoice(
                stage=target,
                label="Reopen" if stage == Stage.CLOSED else Stage(target).label,
                clauses=move.clauses if move else (),
                reason=move.reason if move else "close the case with its outcome",
                needs_reason=move.needs_reason if move else False,
            )
        )
    return tuple(choices)


@functools.cache
def _closing_outcomes(stage: str) -> tuple[OutcomeChoice, ...]:
    return tuple(
        OutcomeChoice(e.outcome, CaseOutcome(e.outcome).label, e.clauses)
        for e in lifecycle.endings_from(stage)
    )


def _related(case: Case, name: str) -> list[Any]:
    """``case.<name>.all()``: the rows read with the case (``prefetch_related``, or the case
    page's read, ``page_case``) without making a related manager for them (a tenth of
    :func:`describe`'s CPU); else read."""
    kept = getattr(case, "_prefetched_objects_cache", {}).get(name)
    if kept is not None and kept._result_cache is not None:
        return list(kept._result_cache)
    return list(getattr(case, name).all())


def describe(user: AnyUser, case: Case) -> CaseView:
    """The view of a case (from :func:`case_detail`) for ``user``."""
    allowed = may(user, (Action.CHANGE, Action.REVEAL), case)
    changeable = Action.CHANGE in allowed
    return CaseView(
        id=case.pk,
        cryptonym=case.cryptonym,
        kind=case.kind,
        kind_label=IntakeKind(case.kind).label,
        kind_clause=INTAKE_CLAUSE[case.kind],
        post=case.post,
        sensitivity=case.sensitivity,
        compartments=sorted(c.code for c in _related(case, "compartments")),
        officers=[_ref(official) for official in _related(case, "officers")],
        opened_at=case.opened_at,
        opened_by=_ref(case.opened_by) if case.opened_by is not None else None,
        version=case.version,
        identity=identity_of(case),
        can_reveal=Action.REVEAL in allowed,
        received_at=case.received_at,
        received_where=case.received_where,
        request_other=case.request_other,
        stage=case.stage,
        stage_label=Stage(case.stage).label,
        outcome=case.outcome,
        outcome_label=CaseOutcome(case.outcome).label if case.outcome else "",
        categories=list(case.categories or []),
        changed_at=case.changed_at,
        changed_by=_ref(case.changed_by) if case.changed_by is not None else None,
        can_change=changeable,
        can_waive=can_waive(user, case) if changeable else False,
        next_stages=next_stages(case) if changeable else [],
        closing_outcomes=closing_outcomes(case) if changeable else [],
    )
