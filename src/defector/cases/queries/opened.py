"""A case just opened, as intake answers it (``6b(1)``): the case, its first assessment, its
obligations and its timeline, for the user who opened it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects

from defector.cases.models import Case, TimelineEntry
from defector.cases.queries.detail import CaseView, describe
from defector.cases.queries.facts import AssessmentView, latest_assessment
from defector.cases.queries.notes import timeline_of
from defector.cases.queries.obligations import ObligationView, obligations_of
from defector.core.access import Action, may, remembering
from defector.core.errors import NotFound
from defector.core.users import AnyUser
from defector.directory.models import Official


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """A case with its latest assessment, its obligations and its timeline."""

    view: CaseView
    latest: AssessmentView | None
    obligations: list[ObligationView]
    timeline: list[TimelineEntry]


def opened_record(user: AnyUser, case: Case) -> CaseRecord:
    """The case ``user`` has just opened (the one ``cases.actions.open_case`` returned, after
    its commit), whole: what ``GET /cases/{id}`` shows, or
    :class:`~defector.core.errors.NotFound` when ``user`` may not see it. The case's own
    fields are those the action wrote (nothing changes a case between its intake's commit
    and this read); whether ``user`` may see, change and reveal it is asked in one query of
    their compiled tests, and its assessment, obligations and timeline are read without
    asking the rule again (``case_rows`` within ``core.access.remembering``)."""
    with remembering():
        if Action.VIEW not in may(user, (Action.VIEW, Action.CHANGE, Action.REVEAL), case):
            raise NotFound("no such case")
        prefetch_related_objects(
            [case], "compartments", Prefetch("officers", Official.objects.select_related("user"))
        )
        return CaseRecord(
            view=describe(user, case),
            latest=latest_assessment(user, case),
            obligations=obligations_of(user, case),
            timeline=list(timeline_of(user, case)),
        )
