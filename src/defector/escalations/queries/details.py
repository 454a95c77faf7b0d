"""What the pages and the API show of a problem (``6c``): its path on both sides, and the rows
of the list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from defector.core.users import AnyUser
from defector.directory.models import Official, Post
from defector.escalations.choices import ProblemStatus
from defector.escalations.models import DirectCommunication, Problem
from defector.escalations.queries.seats import cia_members, senior_representatives, steps_for
from defector.policy.gates import escalations as gate


@dataclass(frozen=True, slots=True)
class OfficialRef:
    id: int
    name: str
    agency: str


@dataclass(frozen=True, slots=True)
class ResolutionView:
    text: str
    decided_by: OfficialRef
    decided_at: dt.datetime


@dataclass(frozen=True, slots=True)
class CommunicationView:
    id: int
    member: OfficialRef
    agency: str
    at: dt.datetime
    summary: str


@dataclass(frozen=True, slots=True)
class ReferralView:
    requested_by: OfficialRef
    requested_at: dt.datetime
    summary: str
    decision_due: dt.date
    routed_by: OfficialRef | None
    transmitted_at: dt.datetime | None
    channel_reference: str
    idc_acknowledged_by: OfficialRef | None
    idc_acknowledged_at: dt.datetime | None
    idc_decision: str
    idc_decided_by: OfficialRef | None
    idc_decided_at: dt.datetime | None
    idc_overdue: bool
    communications: list[CommunicationView]


@dataclass(frozen=True, slots=True)
class UrgentView:
    submitted_by: OfficialRef
    submitted_at: dt.datetime
    reason: str
    decision: str
    decided_by: OfficialRef | None
    decided_at: dt.datetime | None
    idc_informed_at: dt.datetime | None
    idc_acknowledged_by: OfficialRef | None
    idc_acknowledged_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class ProblemView:
    """A problem as its page and ``GET /problems/{id}`` show it."""

    id: int
    post: Post
    title: str
    description: str
    raised_by: OfficialRef
    raised_at: dt.datetime
    due_date: dt.date
    overdue: bool
    status: str
    status_label: str
    idc_status: str
    idc_status_label: str
    idc_visible_from: dt.datetime | None
    closed_at: dt.datetime | None
    #: The cryptonyms of the cases it concerns.
    cases: list[str]
    #: The codes of the agencies involved.
    agencies: list[str]
    resolution: ResolutionView | None
    referral: ReferralView | None
    urgent: UrgentView | None
    #: The post's CIA members (who transmit referrals) and senior US representatives.
    cia_members: list[OfficialRef]
    senior_representatives: list[OfficialRef]
    #: The steps of ``6c`` the user may take now.
    steps: list[str] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return gate.is_open(self.status)


def _ref(official: Official) -> OfficialRef:
    return OfficialRef(id=official.pk, name=str(official), agency=official.agency.code)


def ref(official: Official | None) -> OfficialRef | None:
    return _ref(official) if official is not None else None


def idc_status_of(problem: Problem) -> str:
    referral = getattr(problem, "referral", None)
    submission = getattr(problem, "urgent_submission", None)
    return gate.idc_status(
        problem.status,
        referral_acknowledged=referral is not None and referral.idc_acknowledged_at is not None,
        information_acknowledged=(
            submission is not None and submission.idc_acknowledged_at is not None
        ),
    )


def describe(user: AnyUser, problem: Problem) -> ProblemView:
    """The view of a problem (from :func:`problem_detail`) for ``user``."""
    today = timezone.localdate()
    resolution = getattr(problem, "resolution", None)
    referral = getattr(problem, "referral", None)
    submission = getattr(problem, "urgent_submission", None)
    referral_view = None
    if referral is not None:
        notes = DirectCommunication.objects.filter(referral=referral).select_related(
            "member__user", "member__agency", "agency"
        )
        referral_view = ReferralView(
            requested_by=_ref(referral.requested_by),
            requested_at=referral.requested_at,
            summary=referral.summary,
            decision_due=referral.decision_due,
            routed_by=ref(referral.routed_by),
            transmitted_at=referral.transmitted_at,
            channel_reference=referral.channel_reference,
            idc_acknowledged_by=ref(referral.idc_acknowledged_by),
            idc_acknowledged_at=referral.idc_acknowledged_at,
            idc_decision=referral.idc_decision,
            idc_decided_by=ref(referral.idc_decided_by),
            idc_decided_at=referral.idc_decided_at,
            idc_overdue=(
                problem.status == ProblemStatus.REFERRED and referral.decision_due < today
            ),
            communications=[
                CommunicationView(
                    id=note.pk,
                    member=_ref(note.member),
                    agency=note.agency.code,
                    at=note.at,
                    summary=note.summary,
                )
                for note in notes
            ],
        )
    idc = idc_status_of(problem)
    return ProblemView(
        id=problem.pk,
        post=problem.post,
        title=problem.title,
        description=problem.description,
        raised_by=_ref(problem.raised_by),
        raised_at=problem.raised_at,
        due_date=problem.due_date,
        overdue=gate.is_overdue(problem.status, problem.due_date, today),
        status=problem.status,
        status_label=ProblemStatus(problem.status).label,
        idc_status=idc,
        idc_status_label=gate.IDC_STATUSES[idc],
        idc_visible_from=problem.idc_visible_from,
        closed_at=problem.closed_at,
        cases=list(problem.cases.order_by("cryptonym").values_list("cryptonym", flat=True)),
        agencies=list(problem.agencies.order_by("code").values_list("code", flat=True)),
        resolution=(
            ResolutionView(
                text=resolution.text,
                decided_by=_ref(resolution.decided_by),
                decided_at=resolution.decided_at,
            )
            if resolution is not None
            else None
        ),
        referral=referral_view,
        urgent=(
            UrgentView(
                submitted_by=_ref(submission.submitted_by),
                submitted_at=submission.submitted_at,
                reason=submission.reason,
                decision=submission.decision,
                decided_by=ref(submission.decided_by),
                decided_at=submission.decided_at,
                idc_informed_at=submission.idc_informed_at,
                idc_acknowledged_by=ref(submission.idc_acknowledged_by),
                idc_acknowledged_at=submission.idc_acknowledged_at,
            )
            if submission is not None
            else None
        ),
        cia_members=[_ref(official) for official in cia_members(problem.post_id)],
        senior_representatives=[
            _ref(official) for official in senior_representatives(problem.post_id)
        ],
        steps=steps_for(user, problem),
    )


@dataclass(frozen=True, slots=True)
class ProblemRow:
    """A problem in a list, with where it stands on both sides: the post's and the IDC's."""

    problem: Problem
    overdue: bool
    idc_status: str
    idc_status_label: str
    idc_overdue: bool

    @property
    def id(self) -> int:
        return self.problem.pk

    @property
    def post(self) -> Post:
        return self.problem.post

    @property
    def title(self) -> str:
        return self.problem.title

    @property
    def status(self) -> str:
        return self.problem.status

    @property
    def status_label(self) -> str:
        return ProblemStatus(self.problem.status).label

    @property
    def raised_at(self) -> dt.datetime:
        return self.problem.raised_at

    @property
    def due_date(self) -> dt.date:
        return self.problem.due_date

    @property
    def idc_decision_due(self) -> dt.date | None:
        referral = getattr(self.problem, "referral", None)
        return referral.decision_due if referral is not None else None


def rows(problems: QuerySet[Problem] | list[Problem]) -> list[ProblemRow]:
    """List rows for problems (from :func:`problems_for`)."""
    today = timezone.localdate()
    out = []
    for problem in problems:
        idc = idc_status_of(problem)
        referral = getattr(problem, "referral", None)
        out.append(
            ProblemRow(
                problem=problem,
                overdue=gate.is_overdue(problem.status, problem.due_date, today),
                idc_status=idc,
                idc_status_label=gate.IDC_STATUSES[idc],
                idc_overdue=(
                    referral is not None
                    and problem.status == ProblemStatus.REFERRED
                    and referral.decision_due < today
                ),
            )
        )
    return out
