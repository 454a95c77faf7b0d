"""A new case's first assessment, made before the intake's transaction (``6b(1)``): its
assessment and obligations made and their rows converted from the assessment foreseen
(``facts.foresee``), so that the transaction (on SQLite, the writers' turn) gives them their
case, their owners and keys, and writes them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from defector.cases import clocks
from defector.cases.actions.common import Entry
from defector.cases.actions.facts import (
    _ASSESSMENTS,
    _OBLIGATIONS,
    Assessed,
    Foreseen,
    _new_assessment,
    _owners_by_role,
)
from defector.cases.actions.owners import Holders, default_owner
from defector.cases.choices import OBLIGATION_OWNER_ROLES
from defector.cases.models import Case, Obligation
from defector.core import inserts
from defector.core.instances import relate
from defector.directory.models import Official
from defector.policy.obligations import OBLIGATIONS_BY_ID, ObligationId


@dataclass(frozen=True, slots=True)
class Planned:
    """A new case's first assessment made before the intake's transaction from its foreseen
    assessment when that is final (:func:`plan_first`): the assessment and the obligations it
    opens, made but not written (without their case, and the obligations without their
    owners, decided in the transaction: :func:`write_planned`), with its timeline lines and
    its audit record's part, as :func:`_assess` would give them."""

    assessed: Assessed
    entries: tuple[Entry, ...]
    audit: dict[str, Any]
    #: The assessment's row and its obligations', converted before the transaction but their
    #: case, assessment and owner (``core.inserts.Insert.ready``).
    assessment_row: inserts.Ready | None = None
    obligation_rows: inserts.Ready | None = None


def plan_first(
    foreseen: Foreseen,
    post_clocks: clocks.CaseClocks,
    *,
    official: Official | None,
    at: dt.datetime,
    received_at: dt.datetime,
) -> Planned | None:
    """The first assessment of a case received at ``received_at``, as :func:`_assess` would
    make it in the transaction from ``foreseen`` (``None`` unless final: a record names cases
    by id, and :func:`_assess` assesses again there)."""
    if not foreseen.final:
        return None
    outcome = foreseen.outcome
    assessment = _new_assessment(
        1, foreseen.facts, foreseen.powers, outcome, at=at, official=official
    )
    opened = tuple(
        inserts.new(
            Obligation,
            identifier=identifier,
            clause=OBLIGATIONS_BY_ID[ObligationId(identifier)].clause,
            title=OBLIGATIONS_BY_ID[ObligationId(identifier)].title,
            arose_at=at,
            due_at=post_clocks.due(identifier, received_at=received_at, arose_at=at),
        )
        for identifier in (str(o) for o in outcome.obligations)
    )
    assessed = Assessed(assessment, (), opened, ())
    return Planned(
        assessed,
        tuple(assessed.entries()),
        assessed.audit(),
        _ASSESSMENTS.ready([assessment], later=("case",)),
        _OBLIGATIONS.ready(opened, later=("case", "assessment", "owner")),
    )


def write_planned(
    case: Case, planned: Planned, *, official: Official | None, holders: Holders | None
) -> Assessed:
    """Write the first assessment :func:`plan_first` made, and its obligations, each owned as
    :func:`_assess` owns them (``holders``: the post's, read before the transaction), in the
    intake's transaction: what :func:`_assess` writes (their rows converted before it but
    their case, assessment and owner: ``Planned.assessment_row``)."""
    assessment = planned.assessed.assessment
    relate(assessment, "case", case)
    if planned.assessment_row is not None:
        _ASSESSMENTS.write(planned.assessment_row)
    else:
        _ASSESSMENTS.one(assessment)
    if list(case.categories) != assessment.categories:
        Case.objects.filter(pk=case.pk).update(categories=assessment.categories)
    case.categories = assessment.categories
    opened = planned.assessed.opened
    roles = (OBLIGATION_OWNER_ROLES.get(o.identifier) for o in opened)
    owners = _owners_by_role(case, (role for role in roles if role is not None), holders)
    for obligation in opened:
        relate(obligation, "case", case)
        relate(obligation, "assessment", assessment)
        relate(obligation, "owner", default_owner(obligation.identifier, owners, official))
    if planned.obligation_rows is not None:
        _OBLIGATIONS.write(planned.obligation_rows)
    else:
        _OBLIGATIONS.save(opened)
    return planned.assessed
