"""The seed's status reports to the IDC (``6d``, with the next period of the obligation) and
publicity proposals (``5a(6)``, ``6f``) (``seed.later``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from defector.cases.models import Case, Obligation, TimelineEntry
from defector.core import audit
from defector.directory.choices import Role
from defector.directory.models import Official
from defector.ops.seed.directory import Staff
from defector.ops.seed.plans import CasePlan
from defector.policy.gates.compliance import next_period
from defector.publicity.choices import Channel, ProposalStatus
from defector.publicity.models import Proposal
from defector.reports.choices import Status as ReportStatus
from defector.reports.models import StatusReport

if TYPE_CHECKING:
    from defector.ops.seed.later import Later, LaterWriter


def write_reports(
    w: LaterWriter,
    cases: Sequence[Case],
    plans: Sequence[CasePlan],
    staff: Sequence[Staff],
    own: dict[tuple[int, str], Obligation],
    lines: list[TimelineEntry],
) -> None:
    rng, ledger = w.rng, w.ledger
    reports: list[StatusReport] = []
    periods: list[Obligation] = []
    proposals: list[Proposal] = []
    for case, plan, post in zip(cases, plans, staff, strict=True):
        later: Later = plan.later
        first = own.get((case.pk, "report_to_idc"))
        if later.status_report and first is not None and first.closed_at is not None:
            chair = post.first(Role.COMMITTEE_CHAIR)
            sent = first.closed_at
            contents = {
                "cryptonym": case.cryptonym,
                "post": post.post.code,
                "stage": case.stage,
                "categories": case.categories,
            }
            report = StatusReport(
                case=case,
                post=post.post,
                number=1,
                status=ReportStatus.ACKNOWLEDGED if later.status_report == 3 else ReportStatus.SENT,
                contents=contents,
                generated_at=sent - dt.timedelta(days=1),
                prepared_by=case.opened_by,
                drafted_at=sent - dt.timedelta(days=1),
                drafted_by=case.opened_by,
                sent_at=sent,
                sent_by=chair,
                period=first.period,
                obligation=first,
                version=later.status_report,
            )
            if later.status_report == 3:
                report.acknowledged_at = min(sent + dt.timedelta(days=rng.randint(1, 10)), w.anchor)
                report.acknowledged_by = rng.choice(w.idc) if w.idc else None
            reports.append(report)
            if later.next_period:
                every = dt.timedelta(days=30)
                due = first.due_at or sent
                after = next_period(number=first.period, due_at=due, closed_at=sent, every=every)
                periods.append(
                    Obligation(
                        case=case,
                        identifier=first.identifier,
                        clause=first.clause,
                        title=first.title,
                        owner_id=first.owner_id,
                        assessment_id=first.assessment_id,
                        period=after.number,
                        arose_at=after.starts_at,
                        due_at=after.due_at,
                    )
                )
                if later.second_draft:
                    drafted = w.when(after.starts_at)
                    reports.append(
                        StatusReport(
                            case=case,
                            post=post.post,
                            number=2,
                            status=ReportStatus.DRAFTED,
                            contents=contents,
                            generated_at=drafted,
                            prepared_by=case.opened_by,
                            drafted_at=drafted,
                            drafted_by=case.opened_by,
                        )
                    )
        if later.proposal:
            proposed = w.when(case.changed_at or case.opened_at)
            proposals.append(
                Proposal(
                    case=case,
                    status=ProposalStatus.AWAITING_SIGN_OFFS,
                    proposed_at=proposed,
                    proposed_by=post.first(Role.COMMITTEE_CHAIR),
                    summary=f"A statement by {case.cryptonym} to the press on the conditions "
                    "the person left.",
                    window_start=(proposed + dt.timedelta(days=30)).date(),
                    window_end=(proposed + dt.timedelta(days=90)).date(),
                    channels=[rng.choice((Channel.PRESS, Channel.BROADCAST, Channel.BOOK))],
                    risks="Retaliation against family members at home; identification.",
                )
            )
    reports = StatusReport.objects.bulk_create(reports)
    answered = []
    for report in reports:
        if report.obligation is not None:
            report.obligation.evidence = f"Status report {report.number} sent to the IDC"
            report.obligation.evidence_label = StatusReport._meta.label_lower
            report.obligation.evidence_id = str(report.pk)
            answered.append(report.obligation)
    Obligation.objects.bulk_update(answered, ["evidence", "evidence_label", "evidence_id"])
    periods = Obligation.objects.bulk_create(periods)
    proposals = Proposal.objects.bulk_create(proposals)
    by_case: dict[int, Case] = {case.pk: case for case in cases}
    fields = ["number", "status", "period", "sent_at", "acknowledged_at"]
    for report in reports:
        case = by_case[report.case_id]
        drafter: Official = report.drafted_by
        begun: dict[str, Any] = {
            "number": report.number,
            "status": ReportStatus.DRAFTED,
            "period": None,
            "sent_at": None,
            "acknowledged_at": None,
        }
        steps: list[tuple[str, dt.datetime, Official, dict[str, Any], str]] = [
            ("draft", report.drafted_at, drafter, begun, "drafted (6d)")
        ]
        if report.sent_at is not None:
            shown = {**begun, "status": ReportStatus.SENT, "period": report.period}
            shown["sent_at"] = audit.jsonable(report.sent_at)
            steps.append(
                ("send", report.sent_at, report.sent_by, shown, "sent to the IDC (6d)")  # type: ignore[arg-type]
            )
        if report.acknowledged_at is not None:
            steps.append(
                (
                    "acknowledge",
                    report.acknowledged_at,
                    report.acknowledged_by,  # type: ignore[arg-type]
                    audit.snapshot(report, fields),
                    "acknowledged by the IDC (6d)",
                )
            )
        for verb, at, who, state, words in steps:
            seq = ledger.add(
                at=at,
                actor=who.user,
                action=f"reports.report.{verb}",
                object_type="reports.statusreport",
                object_id=report.pk,
                cryptonym=case.cryptonym,
                after=state,
            )
            lines.append(
                w.line(  # type: ignore[operator]
                    case, who, at, f"reports.report.{verb}",
                    f"Report {report.number} to the IDC {words}", seq, report,
                )
            )  # fmt: skip
    for period in periods:
        case = by_case[period.case_id]
        ledger.add(
            at=period.arose_at,
            actor=None,
            action="compliance.obligation.recur",
            object_type="cases.obligation",
            object_id=period.pk,
            cryptonym=case.cryptonym,
            after={
                "identifier": period.identifier,
                "clause": period.clause,
                "period": period.period,
                "arose_at": period.arose_at,
                "due_at": period.due_at,
                "previous": own[(case.pk, period.identifier)].pk,
            },
            reason=f"period {period.period - 1} ended; the IDC is informed every 30 days "
            f"({period.clause})",
        )
    for proposal in proposals:
        case = by_case[proposal.case_id]
        proposer: Official = proposal.proposed_by
        seq = ledger.add(
            at=proposal.proposed_at,
            actor=proposer.user,
            action="publicity.proposal.propose",
            object_type="publicity.proposal",
            object_id=proposal.pk,
            cryptonym=case.cryptonym,
            after=audit.snapshot(
                proposal,
                [
                    "case",
                    "status",
                    "summary",
                    "window_start",
                    "window_end",
                    "channels",
                    "risks",
                ],
            ),
        )
        lines.append(
            w.line(  # type: ignore[operator]
                case, proposer, proposal.proposed_at, "publicity.proposal.propose",
                f"Publicity proposal on {case.cryptonym} made; it awaits the sign-offs of "
                "State and USIA", seq, proposal,
            )
        )  # fmt: skip
