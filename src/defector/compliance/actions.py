"""Writes of the compliance app: the two sweeps the worker runs, and the audited CSV export.

- :func:`sweep_recurrences` opens the next period of each recurring obligation (the IDC
  report, ``6d``) whose period was discharged or has passed, until the case closes.
- :func:`sweep_ladder` sends each step of each open obligation's ladder that has come: the
  due-soon reminder to the owner, then the committee chair, the senior US representative and
  the IDC once overdue (:mod:`defector.policy.gates.compliance`).

Both take the moment of the sweep (``now``), so tests freeze the clock by passing it, and both
are safe with two workers at once: a step is claimed by inserting its row, whose unique
constraint (obligation, step) lets one insert win; a period is claimed by inserting the
obligation, whose unique constraint (case, identifier, period, while open) does the same,
after a lock on the period before it. Each claim is one transaction with its audit record;
notices go out after it commits, naming the case by cryptonym only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Final

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from defector.cases.choices import ObligationStatus, Stage
from defector.cases.clocks import clocks_for
from defector.cases.models import Obligation
from defector.compliance import ladder as ladders
from defector.compliance import queries
from defector.compliance.choices import TABLES, LadderStep
from defector.compliance.models import LadderStepSent
from defector.core import audit
from defector.core.errors import NotFound
from defector.core.users import AnyUser
from defector.directory.choices import Role
from defector.directory.models import Official
from defector.notifications.actions import idc_members, notify_officials, post_officials
from defector.notifications.choices import NoticeKind
from defector.policy.gates.compliance import (
    OVERDUE_STEPS,
    STEP_CLAUSES,
    Step,
    next_period,
    steps_due,
)
from defector.policy.obligations import ObligationId

#: The obligations that recur every period until the case closes (``6d``).
RECURRING: Final = (ObligationId.REPORT_TO_IDC,)
#: A period ends with its obligation discharged or waived; one found no longer to apply
#: (the case closed, the facts changed) ends the recurrence.
ENDS_A_PERIOD: Final = (ObligationStatus.DONE, ObligationStatus.WAIVED)
#: The notice kind of an obligation's steps: the IDC report's are reports due (``6d``).
NOTICE_KINDS: Final[dict[str, str]] = {ObligationId.REPORT_TO_IDC: NoticeKind.REPORT}
#: Who is told at each step above the owner, at the obligation's post.
STEP_ROLES: Final[dict[str, str]] = {
    Step.CHAIR: Role.COMMITTEE_CHAIR,
    Step.SENIOR: Role.SENIOR_REPRESENTATIVE,
}
#: Claims per transaction in a sweep: fewer commits, and the audit head held briefly.
CLAIMS_PER_TRANSACTION: Final = 100
STEP_WHO: Final[dict[str, str]] = {
    Step.CHAIR: "the committee chair",
    Step.SENIOR: "the senior US representative",
    Step.IDC: "the IDC",
}


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%d %b %Y %H:%M UTC")


# --- recurrences (6d) ---------------------------------------------------------------------


def _later_than_outer() -> QuerySet[Obligation]:
    """The case's obligations of the same kind that arose after the outer one: its period's
    successors (or, after a reopening, the case's fresh ones)."""
    return Obligation.objects.filter(
        case=OuterRef("case"), identifier=OuterRef("identifier")
    ).filter(
        Q(arose_at__gt=OuterRef("arose_at"))
        | Q(arose_at=OuterRef("arose_at"), period__gt=OuterRef("period"))
    )


def _successors(obligation: Obligation) -> QuerySet[Obligation]:
    return Obligation.objects.filter(
        case_id=obligation.case_id, identifier=obligation.identifier
    ).filter(
        Q(arose_at__gt=obligation.arose_at)
        | Q(arose_at=obligation.arose_at, period__gt=obligation.period)
    )


def recurrence_candidates(now: dt.datetime) -> list[Obligation]:
    """The latest period of each recurring obligation on an open case that was discharged or
    waived, or whose due time has passed: each needs its next period."""
    return list(
        Obligation.objects.filter(identifier__in=RECURRING, due_at__isnull=False)
        .exclude(case__stage=Stage.CLOSED)
        .filter(Q(status=ObligationStatus.OPEN, due_at__lte=now) | Q(status__in=ENDS_A_PERIOD))
        .exclude(Exists(_later_than_outer()))
        .select_related("case__post")
        .order_by("pk")
    )


def open_next_period(obligation: Obligation, now: dt.datetime) -> Obligation | None:
    """Open the period after ``obligation``'s, once (``6d``); ``None`` when another worker did
    already, the case closed meanwhile, or the post's procedures set no clock for it."""
    every = clocks_for(obligation.case.post).limit(obligation.identifier)
    if every is None or obligation.due_at is None:
        return None
    with transaction.atomic():
        # Two workers with the same period wait here for each other (PostgreSQL); the second
        # then finds the successor the first made.
        current = (
            Obligation.objects.select_for_update()
            .filter(pk=obligation.pk)
            .exclude(case__stage=Stage.CLOSED)
            .first()
        )
        if current is None or current.due_at is None:
            return None
        if _successors(current).exists():
            return None
        closed_at = current.closed_at if current.status in ENDS_A_PERIOD else None
        if current.status not in ENDS_A_PERIOD and current.status != ObligationStatus.OPEN:
            return None
        period = next_period(
            number=current.period, due_at=current.due_at, closed_at=closed_at, every=every
        )
        try:
            with transaction.atomic():
                made = Obligation.objects.create(
                    case=obligation.case,
                    identifier=current.identifier,
                    clause=current.clause,
                    title=current.title,
                    owner_id=current.owner_id,
                    assessment_id=current.assessment_id,
                    period=period.number,
                    arose_at=period.starts_at,
                    due_at=period.due_at,
                )
        except IntegrityError:
            return None  # another worker opened it first
        audit.record(
            actor=None,
            action="compliance.obligation.recur",
            obj=made,
            cryptonym=obligation.case.cryptonym,
            after={
                "identifier": made.identifier,
                "clause": made.clause,
                "period": made.period,
                "arose_at": made.arose_at,
                "due_at": made.due_at,
                "previous": current.pk,
            },
            reason=f"period {current.period} "
            + ("ended" if closed_at is not None else "passed")
            + f"; the IDC is informed every {every.days} days ({made.clause})",
        )
    return made


def sweep_recurrences(now: dt.datetime) -> int:
    """Open every recurring obligation's next period that is due (idempotent). Answers how
    many periods it opened."""
    return sum(open_next_period(o, now) is not None for o in recurrence_candidates(now))


# --- the ladder ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Due:
    """A step of one obligation's ladder that has come and was not sent yet."""

    obligation: Obligation
    step: Step


def _not_sent(step: Step) -> Exists:
    return Exists(LadderStepSent.objects.filter(obligation=OuterRef("pk"), step=step))


def ladder_candidates(now: dt.datetime) -> list[Due]:
    """The steps that have come at ``now`` and were not sent: a constant number of queries
    (one per step), narrowed in SQL by the widest ladder, then decided by the policy."""
    by_identifier = ladders.ladders()
    open_ = (
        Obligation.objects.filter(status=ObligationStatus.OPEN, due_at__isnull=False)
        .exclude(case__stage=Stage.CLOSED)
        .select_related("case__post")
        .order_by("due_at", "pk")
    )
    lead = max(ladder.lead for ladder in by_identifier.values())
    found: list[tuple[Obligation, Step]] = [
        (o, Step.DUE_SOON)
        for o in open_.filter(due_at__gte=now, due_at__lte=now + lead).exclude(
            _not_sent(Step.DUE_SOON)
        )
    ]
    for step in OVERDUE_STEPS:
        soonest = min(ladder.after_due(step) for ladder in by_identifier.values())
        found += [
            (o, step) for o in open_.filter(due_at__lte=now - soonest).exclude(_not_sent(step))
        ]
    due: list[Due] = []
    for obligation, step in found:
        ladder = by_identifier.get(obligation.identifier)
        if ladder is None:
            continue
        came = steps_due(
            arose_at=obligation.arose_at, due_at=obligation.due_at, now=now, ladder=ladder
        )
        if step in came:
            due.append(Due(obligation, step))
    return due


class Recipients:
    """Who is told at each step, looked up once per sweep and post: the same officials (and
    their principals, kept on their user objects) serve every notice of the sweep."""

    def __init__(self) -> None:
        self._found: dict[tuple[int | None, str], list[Official]] = {}

    def of(self, obligation: Obligation, step: str) -> list[Official]:
        if step == Step.DUE_SOON and obligation.owner_id is not None:
            key: tuple[int | None, str] = (obligation.owner_id, "owner")
            if key not in self._found:
                self._found[key] = list(
                    Official.objects.select_related("user").filter(pk=obligation.owner_id)
                )
            return self._found[key]
        if step == Step.IDC:
            key = (None, Step.IDC)
            if key not in self._found:
                self._found[key] = idc_members()
            return self._found[key]
        role = STEP_ROLES.get(step, Role.COMMITTEE_CHAIR)  # due soon, no owner: the chair
        key = (obligation.case.post_id, role)
        if key not in self._found:
            self._found[key] = post_officials(obligation.case.post, (role,))
        return self._found[key]


def _claim(due: Due, now: dt.datetime) -> bool:
    """Insert the step's row (the claim) and its audit record, inside the caller's
    transaction; ``False`` when another worker claimed it first."""
    obligation, step = due.obligation, due.step
    try:
        with transaction.atomic():
            LadderStepSent.objects.create(
                obligation=obligation, step=step, sent_at=now, due_at=obligation.due_at
            )
    except IntegrityError:
        return False
    audit.record(
        actor=None,
        action="compliance.ladder.step",
        obj=obligation,
        cryptonym=obligation.case.cryptonym,
        after={
            "step": str(step),
            "identifier": obligation.identifier,
            "clause": obligation.clause,
            "period": obligation.period,
            "due_at": obligation.due_at,
            "post": obligation.case.post.code,
        },
        reason=f"{LadderStep(step).label} ({STEP_CLAUSES[step]})",
    )
    return True


def claim_step(due: Due, now: dt.datetime, recipients: Recipients | None = None) -> bool:
    """Send one step once: claim it, with its audit record and its notices (and their
    e-mails in the outbox), in one transaction. ``False`` when another worker claimed it
    first."""
    with transaction.atomic():
        if not _claim(due, now):
            return False
        tell(due.obligation, due.step, recipients)
    return True


def sweep_ladder(now: dt.datetime, *, batch: int = CLAIMS_PER_TRANSACTION) -> int:
    """Send every step of every open obligation's ladder that has come at ``now`` and was not
    sent (idempotent). Claims go ``batch`` to a transaction (each claim in its own savepoint,
    with its audit record), with their notices: a step is claimed and told together or not at
    all, so a worker that dies mid-sweep loses no step's notices. Answers how many steps it
    sent."""
    found = ladder_candidates(now)
    recipients = Recipients()
    sent = 0
    for first in range(0, len(found), batch):
        with transaction.atomic():
            claimed = [due for due in found[first : first + batch] if _claim(due, now)]
            tell_all(claimed, recipients)
        sent += len(claimed)
    return sent


def summary_of(obligation: Obligation, step: str) -> str:
    """The notice of a step: the case by cryptonym, the obligation in the directive's words,
    its clause and due time (UTC). Never a name."""
    due = _when(obligation.due_at) if obligation.due_at is not None else "no due time"
    what = f"{obligation.title} ({obligation.clause}) on case {obligation.case.cryptonym}"
    if obligation.period > 1:
        what += f", period {obligation.period}"
    if step == Step.DUE_SOON:
        return f"Due soon, by {due}: {what}"
    return f"Overdue since {due}, escalated to {STEP_WHO[step]}: {what}"


def tell_all(claimed: list[Due], recipients: Recipients) -> None:
    """Tell the recipients of each step claimed (in the transaction of their claims)."""
    for due in claimed:
        tell(due.obligation, due.step, recipients)


def tell(obligation: Obligation, step: str, recipients: Recipients | None = None) -> None:
    """Tell the step's recipients (with the claim): the owner (else the chair),
    the chair or the senior representative of the post, or the IDC; only those who may see
    the case (``notify_officials``)."""
    kind = NOTICE_KINDS.get(obligation.identifier, NoticeKind.OBLIGATION)
    case = obligation.case
    notify_officials(
        (recipients or Recipients()).of(obligation, step),
        kind,
        summary_of(obligation, step),
        reverse("cases:detail", args=[obligation.case_id]),
        post=case.post,
        about=[case],
    )


# --- export -------------------------------------------------------------------------------


def export_table(
    *,
    acting_user: AnyUser,
    table: str,
    post_id: int | str | None = None,
    now: dt.datetime | None = None,
) -> tuple[str, str]:
    """One table of the compliance views as CSV (cryptonyms and codes only, times in UTC),
    with its audit record: ``(file name, text)``. A table or post the user may not see is
    :class:`NotFound`."""
    if table not in TABLES:
        raise NotFound("no such table")
    scope = queries.scope_for(acting_user, post_id)
    found = queries.table(acting_user, scope, table, now=now)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(found.columns)
    writer.writerows(found.rows)
    with transaction.atomic():
        audit.record(
            actor=acting_user,
            action="compliance.export",
            object_type="compliance.table",
            object_id=table,
            after={"table": table, "scope": scope.code, "rows": len(found.rows)},
        )
    return f"compliance-{scope.code.lower()}-{table}.csv", out.getvalue()
