"""What becomes of a seeded case after its opening, in the other apps: its voluntary statement
(``6b(3)(c)``, the texts and the signature file sealed), the exploitation of a defector
(``4``, ``4a``–``4c``: the plan, the requirements it pursues with their statuses, debriefing
sessions with sealed notes, intelligence reports), the status reports to the IDC (``6d``:
drafted, sent, acknowledged; the next period of the obligation open, often overdue) and a few
publicity proposals (``5a(6)``, ``6f``).

Drawn first (:func:`plan_later`, no writes) so that the audit events are counted before
anything is written, then written in each batch of cases (:class:`LaterWriter`) with the audit
events the apps' actions write (the same actions, object types and snapshots), in the batch's
transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import struct
import uuid
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from django.db import transaction

from defector.cases import signatures
from defector.cases.actions.statements import FILE_KEY, SEALED_SUFFIX, _statement_audit
from defector.cases.choices import SignatureMethod, Stage, TransferKind, TransferStatus
from defector.cases.models import Case, CaseTransfer, Obligation, TimelineEntry, VoluntaryStatement
from defector.core import audit, sealing
from defector.directory.choices import Role
from defector.directory.models import Agency, Official, Post, RoleAssignment
from defector.exploitation.choices import Priority, RequirementKind, Status
from defector.exploitation.models import (
    CaseRequirement,
    DebriefingSession,
    ExploitationPlan,
    IntelligenceReport,
    Requirement,
)
from defector.ops.seed.directory import Staff
from defector.ops.seed.ledger import Ledger
from defector.ops.seed.plans import PATH, CasePlan
from defector.policy.gates.compliance import next_period
from defector.powers.models import Power
from defector.publicity.choices import Channel, ProposalStatus
from defector.publicity.models import Proposal
from defector.reports.choices import Status as ReportStatus
from defector.reports.models import StatusReport

#: Washington's catalogue of requirements (``4a``): code, issuing agency, priority, title.
CATALOGUE: Final = (
    ("DCI-1976-01", "CIA", 1, "Strategic weapons programmes and their command"),
    ("DCI-1976-02", "CIA", 1, "Leadership intentions and succession"),
    ("DCI-1976-03", "CIA", 2, "Intelligence services' organisation and officers abroad"),
    ("DIA-S-112", "DIA", 1, "Order of battle of the ground forces"),
    ("DIA-S-140", "DIA", 2, "Air defence radars and their coverage"),
    ("USIA-R-05", "USIA", 3, "Audiences of Western broadcasts and their attitudes"),
    ("STATE-P-07", "STATE", 2, "Foreign ministry's negotiating positions"),
    ("STATE-P-12", "STATE", 3, "Émigré communities and their contacts"),
    ("FBI-CI-03", "FBI", 1, "Hostile agents in the United States"),
    ("CIA-E-44", "CIA", 3, "Economic planning and shortages"),
)
LANGUAGES: Final = {
    "SU": ("ru", "Russian"),
    "CN": ("zh", "Chinese"),
    "PL": ("pl", "Polish"),
    "CS": ("cs", "Czech"),
    "CZ": ("cs", "Czech"),
    "HU": ("hu", "Hungarian"),
    "DD": ("de", "German"),
    "BG": ("bg", "Bulgarian"),
    "RO": ("ro", "Romanian"),
    "CU": ("es", "Spanish"),
    "VN": ("vi", "Vietnamese"),
    "KP": ("ko", "Korean"),
}
STATEMENT_ENGLISH: Final = (
    "I leave the service of my government of my own free will. Nobody forced or induced me. "
    "I ask the Government of the United States for political asylum."
)
SAFE_HOUSES: Final = ("Safe house LINDEN", "Safe house MAPLE", "Station annex", "Hotel suite B")
SESSION_NOTES: Final = (
    "Walked through the organisation of the ministry; names of officers noted.",
    "Described the installation's layout from memory; sketch made.",
    "Answered the requirement's questions on the chain of command.",
    "Recounted the last posting abroad and the colleagues there.",
    "Tired; session cut short. Follow-up on the same topics next time.",
)
REPORT_SUMMARIES: Final = (
    "Organisation and senior staff of the subject's former directorate.",
    "Order of battle as known to the source up to the defection.",
    "Procedures of the service's foreign department.",
    "Economic shortages and planning targets in the source's sector.",
)
#: Of the cases past determination: share of defectors with a publicity proposal.
PROPOSAL_SHARE: Final = 0.04
#: Of the open cases past determination: share with a proposed move.
TRANSFER_SHARE: Final = 0.03
#: Why a case moves (cryptonyms only).
MOVE_REASONS: Final = (
    "The person must leave the country before the host service learns of the case.",
    "Resettlement in the United States approved; Washington takes the case.",
    "The post of the person's new location is better placed to handle the case.",
)
#: The cases' stages, as numbers (reception 0 … resettlement 4).
REACHED: Final = {stage: number for number, stage in enumerate(PATH)}


@dataclass(slots=True)
class Later:
    """What a case gets in the other apps; each count is audit events."""

    #: 0: no statement; 1: recorded, awaiting its witness; 2: recorded and witnessed.
    statement: int = 0
    #: (catalogue index, status) of the requirements the case pursues.
    requirements: list[tuple[int, str]] = field(default_factory=list)
    sessions: int = 0
    reports: int = 0
    #: Status reports to the IDC: 0 none; 2 drafted and sent; 3 also acknowledged.
    status_report: int = 0
    #: A second report drafted for the next period, not yet sent.
    second_draft: bool = False
    #: The next period of ``report_to_idc`` opened (``compliance.obligation.recur``).
    next_period: bool = False
    proposal: bool = False
    #: A move to another post or to Washington: 0 none; 1 proposed, awaiting the receiving
    #: side; 2 proposed and declined.
    transfer: int = 0

    @property
    def events(self) -> int:
        exploitation = 1 if self.requirements else 0
        moved = sum(status != Status.NOT_STARTED for _, status in self.requirements)
        return (
            self.statement
            + exploitation
            + len(self.requirements)
            + moved
            + self.sessions
            + self.reports
            + self.status_report
            + self.second_draft
            + self.next_period
            + self.proposal
            + self.transfer
        )


def _reached(plan: CasePlan) -> int:
    return len([m for m in plan.moves if m != Stage.CLOSED])


def plan_later(rng: random.Random, plans: list[CasePlan]) -> int:
    """Decide each case's later records (``plan.later``); the audit events they need."""
    total, proposed, moved = 0, False, False
    for plan in plans:
        later = Later()
        done = dict(plan.obligations)
        reached = _reached(plan)
        closed = plan.stage == Stage.CLOSED
        if done.get("obtain_voluntary_statement"):
            later.statement = 2
        elif "obtain_voluntary_statement" in done and reached >= 1 and not closed:
            later.statement = 1 if rng.random() < 0.25 else 0
        if reached >= REACHED[Stage.EXPLOITATION]:
            picked = rng.sample(range(len(CATALOGUE)), k=rng.randint(1, 3))
            weights = (
                (1, 4, 4, 1) if plan.stage in (Stage.RESETTLEMENT, Stage.CLOSED) else (3, 5, 1, 1)
            )
            later.requirements = [
                (index, rng.choices(list(Status.values), weights=weights)[0]) for index in picked
            ]
            later.sessions = rng.randint(1, 3)
            later.reports = rng.randint(0, 1)
            # The first defector still in the program has one, so even a small seed shows one.
            if not closed and (rng.random() < PROPOSAL_SHARE or not proposed):
                later.proposal = proposed = True
        # A few open cases past determination are to move (exfiltration, resettlement).
        if (
            not closed
            and reached >= REACHED[Stage.DETERMINATION]
            and (rng.random() < TRANSFER_SHARE or not moved)
        ):
            later.transfer = 1 if rng.random() < 0.7 or not moved else 2
            moved = True
        if done.get("report_to_idc"):
            later.status_report = 3 if rng.random() < 0.7 else 2
            if not closed:
                later.next_period = True
                later.second_draft = rng.random() < 0.2
        plan.later = later
        total += later.events
    return total


def _png(rng: random.Random) -> bytes:
    """A small real PNG (a signature's stroke), different for each statement."""
    width, height = 64, 8
    rows = b"".join(
        b"\x00" + bytes(rng.getrandbits(8) for _ in range(width)) for _ in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        signatures.PNG_MAGIC
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def seed_catalogue(ledger: Ledger, *, at: dt.datetime) -> list[Requirement]:
    """Washington's catalogue (inside the caller's transaction), each new requirement with
    its ``exploitation.requirement.create`` event."""
    agencies = {a.code: a for a in Agency.objects.all()}
    made = []
    for code, issuer, priority, title in CATALOGUE:
        found = Requirement.objects.filter(code=code).first()
        if found is None:
            found = Requirement.objects.create(
                code=code,
                title=title,
                kind=RequirementKind.DCI_OBJECTIVE
                if code.startswith("DCI")
                else RequirementKind.DEPARTMENTAL,
                issuing_agency=agencies[issuer],
                priority=Priority(priority),
                active_from=(at - dt.timedelta(days=365)).date(),
            )
            ledger.add(
                at=at,
                actor=None,
                action="exploitation.requirement.create",
                object_type="exploitation.requirement",
                object_id=found.pk,
                after=audit.snapshot(
                    found,
                    [
                        "code",
                        "title",
                        "description",
                        "kind",
                        "issuing_agency",
                        "priority",
                        "active_from",
                        "active_until",
                    ],
                ),
            )
        made.append(found)
    return made


def catalogue_events() -> int:
    """The events :func:`seed_catalogue` will write."""
    codes = [code for code, *_ in CATALOGUE]
    return len(codes) - Requirement.objects.filter(code__in=codes).count()


class LaterWriter:
    """Writes the later records of each batch of cases (in the batch's transaction)."""

    def __init__(self, rng: random.Random, *, anchor: dt.datetime, ledger: Ledger) -> None:
        self.rng = rng
        self.anchor = anchor
        self.ledger = ledger
        self.catalogue = list(Requirement.objects.filter(code__in=[c for c, *_ in CATALOGUE]))
        by_code = {r.code: r for r in self.catalogue}
        self.catalogue = [by_code[code] for code, *_ in CATALOGUE]
        self.agencies = list(Agency.objects.order_by("code"))
        idc = RoleAssignment.objects.filter(role=Role.IDC_MEMBER, post__isnull=True)
        self.idc = list(
            Official.objects.filter(pk__in=idc.values("official_id"))
            .select_related("user")
            .order_by("pk")
        )
        self.storage = Path(signatures.statement_storage().location)
        self.posts = list(Post.objects.order_by("pk"))
        #: Every seeded post's staff (the case writer sets it).
        self.all_staff: list[Staff] = []
        self.serials: dict[str, int] = {}

    def write(
        self,
        cases: Sequence[Case],
        plans: Sequence[CasePlan],
        staff: Sequence[Staff],
        obligations: Sequence[Obligation],
        lines: list[TimelineEntry],
        line: object,
        timing: Sequence[list[dt.datetime]],
    ) -> None:
        """Write the batch's later records; their timeline lines go into ``lines`` (made by
        ``line``, the case writer's ``_line``)."""
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("the seed's records are written inside a transaction")
        own: dict[tuple[int, str], Obligation] = {}
        for obligation in obligations:
            own[(obligation.case_id, obligation.identifier)] = obligation
        self._line = line
        statements: list[tuple[Case, VoluntaryStatement, Obligation | None, int, Staff]] = []
        for case, plan, post_staff in zip(cases, plans, staff, strict=True):
            later: Later = plan.later
            if later.statement:
                ob = own.get((case.pk, "obtain_voluntary_statement"))
                made = self._statement(case, plan, ob)
                statements.append((case, made, ob, later.statement, post_staff))
        self._write_statements(statements, lines)
        self._write_exploitation(cases, plans, staff, lines, timing)
        self._write_reports(cases, plans, staff, own, lines)
        self._write_transfers(cases, plans, staff, lines, timing)

    # --- statements (6b(3)(c)) ------------------------------------------------------------

    def _statement(
        self, case: Case, plan: CasePlan, obligation: Obligation | None
    ) -> VoluntaryStatement:
        rng = self.rng
        nationality = plan.facts.nationalities[0] if plan.facts.nationalities else ""
        code, name = LANGUAGES.get(nationality, ("ru", "Russian"))
        if obligation is not None and obligation.closed_at is not None:
            witnessed = obligation.closed_at
        else:
            witnessed = min(case.opened_at + dt.timedelta(days=3), self.anchor)
        signed = witnessed - dt.timedelta(hours=rng.randrange(2, 48))
        signed = max(signed, case.opened_at)
        statement = VoluntaryStatement(
            case=case,
            number=1,
            language_code=code,
            language_name=name,
            seal_uid=uuid.UUID(int=rng.getrandbits(128), version=4),
            text_original=f"[{name}] {STATEMENT_ENGLISH}",
            text_english=STATEMENT_ENGLISH,
            signature_method=SignatureMethod.DRAWN,
            content_type="image/png",
            signed_at=signed,
            recorded_at=signed + dt.timedelta(minutes=30),
            recorded_by=case.opened_by,
        )
        return statement

    def _write_statements(
        self,
        statements: list[tuple[Case, VoluntaryStatement, Obligation | None, int, Staff]],
        lines: list[TimelineEntry],
    ) -> None:
        if not statements:
            return
        made = []
        for case, statement, obligation, steps, post in statements:
            content = _png(self.rng)
            statement.size = len(content)
            statement.sha256 = hashlib.sha256(content).hexdigest()
            sealed = sealing.seal_bytes(statement, FILE_KEY, content)
            relative = f"{case.pk}/{uuid.UUID(int=self.rng.getrandbits(128), version=4).hex}"
            relative += SEALED_SUFFIX
            path = self.storage / relative
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            path.write_bytes(sealed)
            path.chmod(0o600)
            statement.file_path = relative
            if steps == 2:
                # Another official of the post witnesses (not the one who recorded it).
                others = [o for o in post.by_role[Role.CASE_OFFICER] if o.pk != case.opened_by_id]
                statement.witness = others[0] if others else post.first(Role.COMMITTEE_CHAIR)
                statement.witnessed_at = (
                    obligation.closed_at
                    if obligation is not None and obligation.closed_at is not None
                    else statement.recorded_at + dt.timedelta(hours=1)
                )
            made.append(statement)
        made = VoluntaryStatement.objects.bulk_create(made)
        discharged = []
        for (case, _s, obligation, steps, _), statement in zip(statements, made, strict=True):
            recorder: Official = case.opened_by  # type: ignore[assignment]
            record = {**_statement_audit(statement), "witness": None, "witnessed_at": None}
            seq = self.ledger.add(
                at=statement.recorded_at,
                actor=recorder.user,
                action="cases.voluntarystatement.record",
                object_type="cases.voluntarystatement",
                object_id=statement.pk,
                cryptonym=case.cryptonym,
                after=record,
            )
            lines.append(
                self._line(  # type: ignore[operator]
                    case, recorder, statement.recorded_at, "cases.voluntarystatement.record",
                    f"Voluntary statement 1 recorded ({statement.language_name}, signature "
                    f"drawn on screen, SHA-256 {statement.sha256[:12]}…); it awaits a witness",
                    seq, statement,
                )
            )  # fmt: skip
            if steps < 2 or statement.witnessed_at is None:
                continue
            witness: Official = statement.witness  # type: ignore[assignment]
            seq = self.ledger.add(
                at=statement.witnessed_at,
                actor=witness.user,
                action="cases.voluntarystatement.witness",
                object_type="cases.voluntarystatement",
                object_id=statement.pk,
                cryptonym=case.cryptonym,
                before=record,
                after=_statement_audit(statement),
            )
            lines.append(
                self._line(  # type: ignore[operator]
                    case, witness, statement.witnessed_at, "cases.voluntarystatement.witness",
                    f"Voluntary statement 1 witnessed by {witness}", seq, statement,
                )
            )  # fmt: skip
            if obligation is not None:
                obligation.evidence = (
                    f"Voluntary statement 1 signed on {statement.signed_at.date().isoformat()} "
                    f"(signature drawn on screen), witnessed by {witness}"
                )
                obligation.evidence_label = VoluntaryStatement._meta.label_lower
                obligation.evidence_id = str(statement.pk)
                discharged.append(obligation)
        Obligation.objects.bulk_update(discharged, ["evidence", "evidence_label", "evidence_id"])

    # --- exploitation (4, 4a–4c) -------------------------------------------------------------

    def _when(self, start: dt.datetime) -> dt.datetime:
        """A moment between ``start`` and the anchor."""
        room = max((self.anchor - start).total_seconds(), 60.0)
        return start + dt.timedelta(seconds=int(self.rng.random() * room * 0.9) + 30)

    def _write_exploitation(
        self,
        cases: Sequence[Case],
        plans: Sequence[CasePlan],
        staff: Sequence[Staff],
        lines: list[TimelineEntry],
        timing: Sequence[list[dt.datetime]],
    ) -> None:
        rng, ledger = self.rng, self.ledger
        exploited = [
            (case, plan, post, times)
            for case, plan, post, times in zip(cases, plans, staff, timing, strict=True)
            if plan.later.requirements
        ]
        if not exploited:
            return
        plans_made = ExploitationPlan.objects.bulk_create(
            ExploitationPlan(
                case=case,
                operational_objectives="Debrief against the requirements listed; assess for "
                "further operational use after resettlement.",
                psychological_objectives="None before the IDC decides on publicity."
                if rng.random() < 0.7
                else "Possible statement to the press once resettled (6f).",
                updated_at=case.changed_at or case.opened_at,
            )
            for case, _plan, _post, _times in exploited
        )
        requirements: list[CaseRequirement] = []
        sessions: list[DebriefingSession] = []
        reports: list[IntelligenceReport] = []
        starts: dict[int, dt.datetime] = {}
        for case, plan, post, times in exploited:
            later: Later = plan.later
            # From the case's move to exploitation.
            start = times[REACHED[Stage.EXPLOITATION]]
            starts[case.pk] = start
            officer: Official = case.opened_by  # type: ignore[assignment]
            for index, status in later.requirements:
                requirement = self.catalogue[index]
                requirements.append(
                    CaseRequirement(
                        case=case,
                        requirement=requirement,
                        status=status,
                        added_by_agency_id=requirement.issuing_agency_id,
                        added_by=officer,
                        added_at=start + dt.timedelta(hours=2),
                        version=1 if status == Status.NOT_STARTED else 2,
                    )
                )
            held = sorted(self._when(start) for _ in range(later.sessions))
            for number, at in enumerate(held, start=1):
                sessions.append(
                    DebriefingSession(
                        case=case,
                        number=number,
                        seal_uid=uuid.UUID(int=rng.getrandbits(128), version=4),
                        held_at=at,
                        place=rng.choice(SAFE_HOUSES),
                        duration_minutes=rng.choice((60, 90, 120, 180, 240)),
                        notes=rng.choice(SESSION_NOTES),
                        recorded_at=at + dt.timedelta(hours=5),
                        recorded_by=officer,
                    )
                )
            for number in range(later.reports):
                issued = held[min(number + 1, len(held) - 1)] + dt.timedelta(days=2)
                issued = min(issued, self.anchor - dt.timedelta(hours=1))
                code = post.post.code
                self.serials[code] = self.serials.get(code, 0) + 1
                reports.append(
                    IntelligenceReport(
                        case=case,
                        serial=f"{code}-{issued.year}-{self.serials[code]:05}",
                        issued_on=issued.date(),
                        sensitivity=case.sensitivity,
                        summary=f"{case.cryptonym}: {rng.choice(REPORT_SUMMARIES)}",
                        recorded_at=issued,
                        recorded_by=officer,
                    )
                )
        requirements = CaseRequirement.objects.bulk_create(requirements)
        sessions = DebriefingSession.objects.bulk_create(sessions)
        reports = IntelligenceReport.objects.bulk_create(reports)
        by_case_req: dict[int, list[CaseRequirement]] = {}
        for line in requirements:
            by_case_req.setdefault(line.case_id, []).append(line)
        by_case_ses: dict[int, list[DebriefingSession]] = {}
        for session in sessions:
            by_case_ses.setdefault(session.case_id, []).append(session)
        by_case_rep: dict[int, list[IntelligenceReport]] = {}
        for report in reports:
            by_case_rep.setdefault(report.case_id, []).append(report)
        # The officials present at each session and the reports' requirements and agencies.
        Present = DebriefingSession.officials.through
        Present.objects.bulk_create(
            Present(debriefingsession_id=s.pk, official_id=s.recorded_by_id) for s in sessions
        )
        Answers = IntelligenceReport.requirements.through
        Sent = IntelligenceReport.agencies.through
        answers, sent = [], []
        for report in reports:
            answered = [
                line for line in by_case_req[report.case_id] if line.status != Status.NOT_STARTED
            ][:2] or by_case_req[report.case_id][:1]
            report._seed_answers = answered  # type: ignore[attr-defined]
            answers += [
                Answers(intelligencereport_id=report.pk, caserequirement_id=line.pk)
                for line in answered
            ]
            report._seed_agencies = rng.sample(self.agencies, k=min(3, len(self.agencies)))  # type: ignore[attr-defined]
            sent += [
                Sent(intelligencereport_id=report.pk, agency_id=agency.pk)
                for agency in report._seed_agencies  # type: ignore[attr-defined]
            ]
        Answers.objects.bulk_create(answers)
        Sent.objects.bulk_create(sent)
        for (case, _plan, _post, _times), made in zip(exploited, plans_made, strict=True):
            officer = case.opened_by  # type: ignore[assignment]
            start = starts[case.pk]
            seq = ledger.add(
                at=start + dt.timedelta(hours=1),
                actor=officer.user,
                action="exploitation.exploitationplan.update",
                object_type="exploitation.exploitationplan",
                object_id=made.pk,
                cryptonym=case.cryptonym,
                before={"operational_objectives": "", "psychological_objectives": ""},
                after=audit.snapshot(made, ["operational_objectives", "psychological_objectives"]),
            )
            lines.append(
                self._line(  # type: ignore[operator]
                    case, officer, start + dt.timedelta(hours=1),
                    "exploitation.exploitationplan.update",
                    f"Exploitation plan of {case.cryptonym} updated", seq, made,
                )
            )  # fmt: skip
            fields = ["requirement", "status", "added_by_agency", "note", "version"]
            for line in by_case_req[case.pk]:
                at = line.added_at
                requirement = self.catalogue_by_pk[line.requirement_id]
                added = audit.snapshot(line, fields) | {
                    "status": Status.NOT_STARTED,
                    "version": 1,
                    "tasks": [],
                }
                seq = ledger.add(
                    at=at,
                    actor=officer.user,
                    action="exploitation.caserequirement.add",
                    object_type="exploitation.caserequirement",
                    object_id=line.pk,
                    cryptonym=case.cryptonym,
                    after=added,
                )
                lines.append(
                    self._line(  # type: ignore[operator]
                        case, officer, at, "exploitation.caserequirement.add",
                        f"Requirement {requirement.code} added to the exploitation of "
                        f"{case.cryptonym}", seq, line,
                    )
                )  # fmt: skip
                if line.status == Status.NOT_STARTED:
                    continue
                moved = self._when(at)
                seq = ledger.add(
                    at=moved,
                    actor=officer.user,
                    action="exploitation.caserequirement.status",
                    object_type="exploitation.caserequirement",
                    object_id=line.pk,
                    cryptonym=case.cryptonym,
                    before={k: v for k, v in added.items() if k != "tasks"},
                    after=audit.snapshot(line, fields),
                )
                lines.append(
                    self._line(  # type: ignore[operator]
                        case, officer, moved, "exploitation.caserequirement.status",
                        f"Requirement {requirement.code}: "
                        f"{Status(line.status).label.lower()}", seq, line,
                    )
                )  # fmt: skip
            for session in by_case_ses.get(case.pk, []):
                seq = ledger.add(
                    at=session.recorded_at,
                    actor=officer.user,
                    action="exploitation.debriefingsession.record",
                    object_type="exploitation.debriefingsession",
                    object_id=session.pk,
                    cryptonym=case.cryptonym,
                    after=audit.snapshot(
                        session, ["number", "held_at", "place", "duration_minutes", "notes"]
                    )
                    | {"officials": [officer.pk], "agencies": [], "attachments": []},
                )
                lines.append(
                    self._line(  # type: ignore[operator]
                        case, officer, session.recorded_at,
                        "exploitation.debriefingsession.record",
                        f"Debriefing {session.number} of {case.cryptonym} recorded "
                        f"({session.duration_minutes} min, 1 official(s) present, "
                        "0 attachment(s))", seq, session,
                    )
                )  # fmt: skip
            for report in by_case_rep.get(case.pk, []):
                agencies = report._seed_agencies  # type: ignore[attr-defined]
                seq = ledger.add(
                    at=report.recorded_at,
                    actor=officer.user,
                    action="exploitation.intelligencereport.record",
                    object_type="exploitation.intelligencereport",
                    object_id=report.pk,
                    cryptonym=case.cryptonym,
                    after={
                        "serial": report.serial,
                        "issued_on": report.issued_on.isoformat(),
                        "sensitivity": report.sensitivity,
                        "requirements": [
                            self.catalogue_by_pk[line.requirement_id].code
                            for line in report._seed_answers  # type: ignore[attr-defined]
                        ],
                        "agencies": [agency.code for agency in agencies],
                        "moved_to_in_progress": [],
                    },
                )
                lines.append(
                    self._line(  # type: ignore[operator]
                        case, officer, report.recorded_at,
                        "exploitation.intelligencereport.record",
                        f"Intelligence report {report.serial} of {case.cryptonym} recorded "
                        f"({report.sensitivity}, to {len(agencies)} agencies)", seq, report,
                    )
                )  # fmt: skip

    # --- moves between posts (cases.transfers) ----------------------------------------------

    def _write_transfers(
        self,
        cases: Sequence[Case],
        plans: Sequence[CasePlan],
        staff: Sequence[Staff],
        lines: list[TimelineEntry],
        timing: Sequence[list[dt.datetime]],
    ) -> None:
        """Proposed moves (awaiting the receiving side) and a few declined ones; none accepted,
        so every case stays at the post that holds its records."""
        rng, ledger = self.rng, self.ledger
        made: list[CaseTransfer] = []
        for case, plan, post, times in zip(cases, plans, staff, timing, strict=True):
            steps = plan.later.transfer
            if not steps:
                continue
            kind = rng.choice(list(TransferKind.values))
            others = [p for p in self.posts if p.pk != post.post.pk]
            to_post = (
                None if kind == TransferKind.RESETTLEMENT or not others else rng.choice(others)
            )
            proposed = self._when(times[REACHED[Stage.DETERMINATION]])
            transfer = CaseTransfer(
                case=case,
                kind=kind,
                from_post=post.post,
                to_post=to_post,
                reason=rng.choice(MOVE_REASONS),
                proposed_at=proposed,
                proposed_by=post.first(Role.COMMITTEE_CHAIR),
            )
            if steps == 2:
                transfer.status = TransferStatus.DECLINED
                transfer.decided_at = self._when(proposed)
                transfer.decided_by = rng.choice(self.idc) if to_post is None else None
                if transfer.decided_by is None:
                    receiving = [s for s in self.all_staff if s.post.pk == to_post.pk]  # type: ignore[union-attr]
                    transfer.decided_by = (
                        receiving[0].first(Role.COMMITTEE_CHAIR)
                        if receiving
                        else rng.choice(self.idc)
                    )
                transfer.note = "The receiving side cannot take the case now."
                transfer.version = 2
            made.append(transfer)
        made = CaseTransfer.objects.bulk_create(made)
        for transfer in made:
            case = transfer.case
            chair: Official = transfer.proposed_by
            there = transfer.to_post.code if transfer.to_post is not None else "Washington"
            here = transfer.from_post.code if transfer.from_post is not None else "Washington"
            state = _transfer_state(transfer)
            proposed_state = {
                **state,
                "status": TransferStatus.PROPOSED,
                "decided_at": None,
                "decided_by": None,
                "note": "",
                "version": 1,
            }
            seq = ledger.add(
                at=transfer.proposed_at,
                actor=chair.user,
                action="cases.transfer.propose",
                object_type="cases.casetransfer",
                object_id=transfer.pk,
                cryptonym=case.cryptonym,
                after=proposed_state,
                reason=transfer.reason,
            )
            lines.append(
                self._line(  # type: ignore[operator]
                    case, chair, transfer.proposed_at, "cases.transfer.propose",
                    f"Move from {here} to {there} proposed "
                    f"({TransferKind(transfer.kind).label.lower()}): awaiting the receiving side",
                    seq, transfer,
                )
            )  # fmt: skip
            if transfer.status != TransferStatus.DECLINED or transfer.decided_at is None:
                continue
            decider: Official = transfer.decided_by  # type: ignore[assignment]
            seq = ledger.add(
                at=transfer.decided_at,
                actor=decider.user,
                action="cases.transfer.decline",
                object_type="cases.casetransfer",
                object_id=transfer.pk,
                cryptonym=case.cryptonym,
                before=proposed_state,
                after=state,
                reason=transfer.note,
            )
            lines.append(
                self._line(  # type: ignore[operator]
                    case, decider, transfer.decided_at, "cases.transfer.decline",
                    f"Move from {here} to {there} declined by {decider}: {transfer.note}",
                    seq, transfer,
                )
            )  # fmt: skip

    @property
    def catalogue_by_pk(self) -> dict[int, Requirement]:
        return {r.pk: r for r in self.catalogue}

    # --- status reports to the IDC (6d) and publicity proposals (5a(6), 6f) ------------------

    def _write_reports(
        self,
        cases: Sequence[Case],
        plans: Sequence[CasePlan],
        staff: Sequence[Staff],
        own: dict[tuple[int, str], Obligation],
        lines: list[TimelineEntry],
    ) -> None:
        rng, ledger = self.rng, self.ledger
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
                    status=ReportStatus.ACKNOWLEDGED
                    if later.status_report == 3
                    else ReportStatus.SENT,
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
                    report.acknowledged_at = min(
                        sent + dt.timedelta(days=rng.randint(1, 10)), self.anchor
                    )
                    report.acknowledged_by = rng.choice(self.idc) if self.idc else None
                reports.append(report)
                if later.next_period:
                    every = dt.timedelta(days=30)
                    due = first.due_at or sent
                    after = next_period(
                        number=first.period, due_at=due, closed_at=sent, every=every
                    )
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
                        drafted = self._when(after.starts_at)
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
                proposed = self._when(case.changed_at or case.opened_at)
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
                    self._line(  # type: ignore[operator]
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
                self._line(  # type: ignore[operator]
                    case, proposer, proposal.proposed_at, "publicity.proposal.propose",
                    f"Publicity proposal on {case.cryptonym} made; it awaits the sign-offs of "
                    "State and USIA", seq, proposal,
                )
            )  # fmt: skip


#: Washington's powers records (``1``, ``3``): (kind, authority, reference, countries, text).
#: Each ended before the seeded cases begin, so none changes an assessment.
POWERS: Final = (
    (
        "war_theater",
        "The President",
        "Presidential memorandum 1968-14",
        ["VN"],
        "US forces engaged: the directive does not apply to persons located there.",
    ),
    (
        "dci_determination",
        "The Director of Central Intelligence",
        "DCI determination 1971-3",
        ["CU"],
        "The directive extended to Cuban nationals for the period.",
    ),
    (
        "presidential_direction",
        "The President",
        "NSC direction 1972-08",
        ["KP"],
        "The directive not to apply during the negotiations.",
    ),
)
POWERS_EVENTS: Final = len(POWERS)


def seed_powers(ledger: Ledger, *, before: dt.datetime) -> None:
    """Washington's powers records, entered by the DCI's delegate (inside the caller's
    transaction), each with its ``powers.power.record`` event; all ended before ``before``."""
    held = RoleAssignment.objects.filter(role=Role.DCI_DELEGATE, post__isnull=True)
    delegate = (
        Official.objects.filter(pk__in=held.values("official_id")).select_related("user").first()
    )
    if delegate is None:
        raise RuntimeError("the seed's directory has no DCI delegate")
    for number, (kind, authority, reference, countries, text) in enumerate(POWERS):
        starts = (before - dt.timedelta(days=900 - 200 * number)).date()
        entered = before - dt.timedelta(days=910 - 200 * number)
        power = Power.objects.create(
            kind=kind,
            authority=authority,
            reference=reference,
            text=text,
            countries=sorted(countries),
            starts_on=starts,
            ends_on=starts + dt.timedelta(days=120),
            entered_at=entered,
            entered_by=delegate,
        )
        ledger.add(
            at=entered,
            actor=delegate.user,
            action="powers.power.record",
            object_type="powers.power",
            object_id=power.pk,
            after=audit.snapshot(
                power,
                [
                    "kind",
                    "authority",
                    "reference",
                    "countries",
                    "case_cryptonyms",
                    "starts_on",
                    "ends_on",
                    "revoked_at",
                    "revoked_from",
                    "revocation_reason",
                    "version",
                ],
            ),
        )


def _transfer_state(transfer: CaseTransfer) -> dict[str, object]:
    """As ``cases.actions.transfers`` shows a move in its audit records."""
    return audit.snapshot(
        transfer,
        ["kind", "from_post", "to_post", "status", "decided_at", "decided_by", "note", "version"],
    )
