"""Writing the planned cases in bulk: each batch of cases with their subjects (true names
sealed, ``core.sealing``), assessments, obligations, notes, timelines and audit events, in one
transaction per batch."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import models, transaction

from defector.cases import clocks, cryptonyms
from defector.cases.choices import OBLIGATION_OWNER_ROLES, ObligationStatus, Stage
from defector.cases.models import (
    Assessment,
    Case,
    CaseNote,
    Obligation,
    Subject,
    TimelineEntry,
)
from defector.directory.choices import Role
from defector.directory.models import Official
from defector.ops.seed import names
from defector.ops.seed.directory import Staff
from defector.ops.seed.later import LaterWriter
from defector.ops.seed.ledger import Ledger
from defector.ops.seed.plans import CasePlan
from defector.policy.obligations import OBLIGATIONS_BY_ID, ObligationId

SEALED = "[sealed]"
KIND_SUMMARIES = {
    "walk_in": "Walk-in received",
    "potential_defector": "Potential defector reported",
    "disaffected_person": "Disaffected person reported",
}


def cryptonym_source(rng: random.Random) -> Iterator[str]:
    """Unused cryptonyms in an order the seed decides (``cases.cryptonyms``' lists)."""
    digraphs, words = cryptonyms.digraphs(), cryptonyms.words()
    used = set(Case.objects.values_list("cryptonym", flat=True))
    while True:
        digraph, word = rng.choice(digraphs), rng.choice(words)
        name = digraph + word
        if name in used or cryptonyms.joins_badly(digraph, word):
            continue
        used.add(name)
        yield name


class CaseWriter:
    """Writes batches of planned cases; keeps what the batches share."""

    def __init__(
        self,
        rng: random.Random,
        *,
        staff: list[Staff],
        anchor: dt.datetime,
        ledger: Ledger,
        later: LaterWriter | None = None,
    ) -> None:
        self.rng = rng
        self.later = later
        if later is not None:
            later.all_staff = staff
        self.staff = staff
        self.anchor = anchor
        self.ledger = ledger
        self.names = cryptonym_source(rng)
        self.clocks = {s.post.pk: clocks.clocks_for(s.post) for s in staff}

    def write(self, plans: Sequence[CasePlan]) -> None:
        with transaction.atomic():
            self._write(plans)
            self.ledger.flush()

    def _times(self, plan: CasePlan) -> list[dt.datetime]:
        """When each of the case's events happens: opening first, then evenly, before the
        anchor."""
        opened = plan.received_at + dt.timedelta(minutes=self.rng.randrange(10, 180))
        opened = min(opened, self.anchor - dt.timedelta(minutes=1))
        later = plan.events - 1
        room = (self.anchor - opened) / (later + 1)
        step = min(room, dt.timedelta(days=6))
        return [opened + step * i for i in range(later + 1)]

    def _write(self, plans: Sequence[CasePlan]) -> None:
        rng, timing = self.rng, []
        cases: list[Case] = []
        for plan in plans:
            staff = self.staff[plan.staff]
            opener = staff.by_role[Role.CASE_OFFICER][plan.opener]
            times = self._times(plan)
            timing.append(times)
            cases.append(
                Case(
                    cryptonym=next(self.names),
                    post=staff.post,
                    sensitivity=plan.sensitivity,
                    kind=plan.kind,
                    opened_at=times[0],
                    opened_by=opener,
                    version=plan.events - plan.follow_ups,
                    received_at=plan.received_at,
                    received_where=plan.where,
                    stage=plan.stage,
                    outcome=plan.case_outcome,
                    categories=[str(c) for c in plan.outcome.categories],
                    changed_at=times[-1 - plan.follow_ups],
                    changed_by=opener,
                )
            )
        cases = Case.objects.bulk_create(cases)
        Case.officers.through.objects.bulk_create(
            Case.officers.through(case_id=case.pk, official_id=case.opened_by_id) for case in cases
        )
        Subject.objects.bulk_create(
            Subject(
                case=case,
                seal_uid=uuid.UUID(int=rng.getrandbits(128), version=4),
                true_name=plan.true_name,
                birth_date=plan.birth_date,
                birth_place=plan.birth_place,
            )
            for case, plan in zip(cases, plans, strict=True)
        )
        assessments = Assessment.objects.bulk_create(
            Assessment(
                case=case,
                number=1,
                facts=plan.facts.to_dict(),
                outcome=plan.outcome.to_dict(),
                categories=[str(c) for c in plan.outcome.categories],
                applies=plan.outcome.applies,
                obligations=[str(o) for o in plan.outcome.obligations],
                policy_version=plan.outcome.policy_version,
                assessed_at=case.opened_at,
                assessed_by=case.opened_by,
            )
            for case, plan in zip(cases, plans, strict=True)
        )
        obligations: list[Obligation] = []
        notes: list[CaseNote] = []
        for case, plan, assessment, times in zip(cases, plans, assessments, timing, strict=True):
            obligations += self._obligations(case, plan, assessment, times)
            notes.append(CaseNote(case=case, author=case.opened_by, text=plan.note, at=times[0]))
            for at in times[len(times) - plan.follow_ups :]:
                notes.append(
                    CaseNote(
                        case=case,
                        author=case.opened_by,
                        text=rng.choice(names.FOLLOW_UPS),
                        at=at,
                    )
                )
        obligations = Obligation.objects.bulk_create(obligations)
        notes = CaseNote.objects.bulk_create(notes)
        lines = self._events(cases, plans, timing, obligations, notes)
        if self.later is not None:
            posts = [self.staff[plan.staff] for plan in plans]
            self.later.write(cases, plans, posts, obligations, lines, self._line, timing)
        TimelineEntry.objects.bulk_create(lines, batch_size=2000)

    def _obligations(
        self, case: Case, plan: CasePlan, assessment: Assessment, times: list[dt.datetime]
    ) -> list[Obligation]:
        staff = self.staff[plan.staff]
        post_clocks = self.clocks[staff.post.pk]
        closed = plan.stage == Stage.CLOSED
        # The discharges come right after the moves, in the order of the obligations.
        at = iter(times[1 + len(plan.moves) :])
        made = []
        for identifier, done in plan.obligations:
            role = OBLIGATION_OWNER_ROLES.get(identifier)
            owner = staff.first(role) if role is not None else case.opened_by
            rule = OBLIGATIONS_BY_ID[ObligationId(identifier)]
            obligation = Obligation(
                case=case,
                identifier=identifier,
                clause=rule.clause,
                title=rule.title,
                owner=owner,
                arose_at=case.opened_at,
                assessment=assessment,
                due_at=post_clocks.due(
                    identifier, received_at=case.received_at, arose_at=case.opened_at
                ),
            )
            if done:
                obligation.status = ObligationStatus.DONE
                obligation.closed_at = next(at)
                obligation.closed_by = owner
                obligation.evidence = names.EVIDENCE.get(identifier, "Done.")
            elif closed:
                obligation.status = ObligationStatus.NOT_APPLICABLE
                obligation.closed_at = times[len(plan.moves)]
                obligation.closed_by = case.opened_by
                obligation.note = "the case was closed"
            made.append(obligation)
        return made

    def _events(
        self,
        cases: list[Case],
        plans: Sequence[CasePlan],
        timing: list[list[dt.datetime]],
        obligations: list[Obligation],
        notes: list[CaseNote],
    ) -> list[TimelineEntry]:
        by_case: dict[int, list[Obligation]] = {}
        for obligation in obligations:
            by_case.setdefault(obligation.case_id, []).append(obligation)
        notes_of: dict[int, list[CaseNote]] = {}
        for note in notes:
            notes_of.setdefault(note.case_id, []).append(note)
        lines: list[TimelineEntry] = []
        ledger = self.ledger
        for case, plan, times in zip(cases, plans, timing, strict=True):
            staff = self.staff[plan.staff]
            opener: Official = case.opened_by  # type: ignore[assignment]
            user = opener.user
            first_note, *later_notes = notes_of[case.pk]
            own = by_case.get(case.pk, [])
            after: dict[str, Any] = {
                "cryptonym": case.cryptonym,
                "post": staff.post.pk,
                "sensitivity": case.sensitivity,
                "kind": case.kind,
                "stage": Stage.RECEPTION,
                "received_at": case.received_at,
                "received_where": case.received_where,
                "compartments": [],
                "officers": [opener.pk],
                "subject": {
                    "true_name": SEALED,
                    "aliases": None,
                    "birth_date": SEALED,
                    "birth_place": SEALED,
                    "identity_documents": None,
                },
                "categories": case.categories,
                "obligations": [o.identifier for o in own],
                "note": first_note.pk,
            }
            seq = ledger.add(
                at=times[0],
                actor=user,
                action="cases.case.open",
                object_type="cases.case",
                object_id=case.pk,
                cryptonym=case.cryptonym,
                after=after,
            )
            summary = (
                f"{KIND_SUMMARIES[case.kind]} at {staff.post.name} ({case.received_where}); "
                f"case {case.cryptonym} opened"
            )
            lines.append(self._line(case, opener, times[0], "cases.case.open", summary, seq))
            lines.append(
                self._line(
                    case, opener, times[0], "cases.casenote.add", "Note added", seq, first_note
                )
            )
            stage: str = Stage.RECEPTION
            version, step = 1, 1
            for move in plan.moves:
                outcome = plan.case_outcome if move == Stage.CLOSED else ""
                seq = ledger.add(
                    at=times[step],
                    actor=user,
                    action="cases.case.move",
                    object_type="cases.case",
                    object_id=case.pk,
                    cryptonym=case.cryptonym,
                    before={"stage": stage, "outcome": "", "version": version},
                    after={"stage": move, "outcome": outcome, "version": version + 1},
                )
                text = f"Moved from {Stage(stage).label} to {Stage(move).label}" + (
                    f" ({outcome})" if outcome else ""
                )
                lines.append(self._line(case, opener, times[step], "cases.case.move", text, seq))
                stage, version, step = move, version + 1, step + 1
            for obligation in own:
                if obligation.status != ObligationStatus.DONE:
                    continue
                owner: Official = obligation.owner  # type: ignore[assignment]
                at = obligation.closed_at or times[step]
                seq = ledger.add(
                    at=at,
                    actor=owner.user,
                    action="cases.obligation.discharge",
                    object_type="cases.obligation",
                    object_id=obligation.pk,
                    cryptonym=case.cryptonym,
                    before={"status": ObligationStatus.OPEN},
                    after={"status": ObligationStatus.DONE, "closed_at": at},
                )
                lines.append(
                    self._line(
                        case, owner, at, "cases.obligation.discharge",
                        f"Obligation done: {obligation.title}", seq, obligation,
                    )
                )  # fmt: skip
            for note in later_notes:
                seq = ledger.add(
                    at=note.at,
                    actor=user,
                    action="cases.casenote.add",
                    object_type="cases.casenote",
                    object_id=note.pk,
                    cryptonym=case.cryptonym,
                    after={"note": note.pk},
                )
                lines.append(
                    self._line(case, opener, note.at, "cases.casenote.add", "Note added", seq, note)
                )
        return lines

    @staticmethod
    def _line(
        case: Case,
        official: Official,
        at: dt.datetime,
        kind: str,
        summary: str,
        seq: int,
        obj: models.Model | None = None,
    ) -> TimelineEntry:
        target = obj if obj is not None else case
        return TimelineEntry(
            case=case,
            at=at,
            actor=official,
            actor_name=str(official),
            kind=kind,
            summary=summary[:500],
            object_label=target._meta.label_lower,
            object_id=str(target.pk),
            audit_seq=seq,
        )
