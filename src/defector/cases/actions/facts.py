"""The facts of a case and their assessment: parsing, assessing, and a change of facts."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.db import transaction
from django.utils import timezone

from defector import policy
from defector.cases import clocks
from defector.cases.actions.common import Entry, claim_case, find_case, record_event
from defector.cases.actions.owners import Holders, default_owner, owners_by_role, read_holders
from defector.cases.choices import (
    OBLIGATION_OWNER_ROLES,
    SETTLED_STATUSES,
    ObligationStatus,
    Stage,
)
from defector.cases.models import Assessment, Case, Obligation
from defector.cases.validation import Errors, as_version, moment_of
from defector.cases.validation import error as add_error
from defector.core import inserts
from defector.core.access import Action
from defector.core.errors import InvalidInput, PolicyRefusal
from defector.core.inserts import Insert
from defector.core.users import AnyUser
from defector.directory.models import Official, Post
from defector.directory.queries import acting_official
from defector.policy.gates import powers as powers_gate
from defector.policy.obligations import OBLIGATIONS_BY_ID, ObligationId
from defector.powers import queries as powers_queries

#: The facts of 1 and 3 that Washington's records fill in: never given with a case's facts.
POWER_FACT_CLAUSES: Final[dict[str, str]] = {
    "active_war_theater": "1",
    "presidential_exclusion": "1",
    "dci_extension": "3",
}


#: The owners of a case's new obligations (``cases.actions.owners``; custody's hand-over too).
_owners_by_role = owners_by_role


def refuse_power_facts(data: object) -> None:
    """A case's facts may not assert an active theater of war, a presidential exclusion
    (``1``) or a DCI extension (``3``): only the DCI's delegate records those, and the case
    system fills them in from Washington's records (422, naming the clauses)."""
    if not isinstance(data, Mapping):
        return
    given = [name for name in POWER_FACT_CLAUSES if name in data]
    if given:
        clauses = tuple(sorted({POWER_FACT_CLAUSES[name] for name in given}))
        raise PolicyRefusal(
            f"{', '.join(given)}: not given with a case's facts. Only the DCI's delegate "
            "records a presidential direction or an active theater of war (1) and a DCI "
            "determination (3), on Washington's powers; the case's facts are filled in from "
            "the records in force",
            clauses=clauses,
            data={"fields": [f"facts.{name}" for name in given]},
        )


def fill_powers(
    facts: policy.Facts,
    case_id: int | None,
    records: Sequence[powers_gate.Power] | None = None,
) -> tuple[policy.Facts, tuple[powers_gate.PowerFact, ...]]:
    """The facts with the three facts of ``1`` and ``3`` taken from Washington's records in
    force on ``as_of`` for the case's location, nationalities and the case itself (``records``:
    those records, read already; default read now)."""
    found = powers_gate.scope_facts(
        powers_queries.every_record() if records is None else records,
        location=facts.location,
        nationalities=facts.nationalities,
        as_of=facts.as_of,
        case_id=case_id,
    )
    held = powers_gate.as_facts(found)
    if all(getattr(facts, name) is held[name] for name in POWER_FACT_CLAUSES):
        return facts, found  # the same facts (frozen): no copy to make and check again
    filled = dataclasses.replace(
        facts,
        active_war_theater=held["active_war_theater"],
        presidential_exclusion=held["presidential_exclusion"],
        dci_extension=held["dci_extension"],
    )
    return filled, found


def _facts_errors(error: policy.FactsInvalid) -> Errors:
    return [
        {"field": f"facts.{e.field}" if e.field else "facts", "message": e.message}
        for e in error.errors
    ]


def _parse_facts(
    data: object,
    errors: Errors,
    *,
    today: dt.date,
    defaults: Mapping[str, Any] | None = None,
) -> policy.Facts | None:
    """The facts (``contracts/assessment.md``), with ``defaults`` for fields not given; errors
    go to ``errors`` as ``facts.<field>``."""
    if not isinstance(data, Mapping):
        add_error(errors, "facts", "must be an object with the facts of the assessment contract")
        return None
    given = {**(defaults or {}), **data}
    try:
        return policy.parse_facts(given, today=today)
    except policy.FactsInvalid as exc:
        errors.extend(_facts_errors(exc))
        return None


def _category_label(category: str) -> str:
    return category.replace("_", " ")


def _category_change(before: Sequence[str], after: Sequence[str]) -> str:
    added = [c for c in after if c not in before]
    removed = [c for c in before if c not in after]
    parts = [f"+ {_category_label(c)}" for c in added] + [
        f"− {_category_label(c)}" for c in removed
    ]
    return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Assessed:
    """What one assessment changed on a case."""

    assessment: Assessment
    before: tuple[str, ...]
    opened: tuple[Obligation, ...]
    set_aside: tuple[Obligation, ...]

    @property
    def categories_changed(self) -> bool:
        return tuple(self.assessment.categories) != self.before

    def entries(self) -> list[Entry]:
        """The timeline lines: the assessment, the change of categories, the obligations."""
        assessment = self.assessment
        categories = ", ".join(_category_label(c) for c in assessment.categories) or "none"
        applies = "the directive applies" if assessment.applies else "the directive does not apply"
        lines = [
            Entry(
                "cases.assessment.create",
                f"Assessment {assessment.number}: categories {categories}; {applies}",
                assessment,
            )
        ]
        if self.categories_changed:
            lines.append(
                Entry(
                    "cases.case.categories",
                    "Categories changed: "
                    + _category_change(self.before, tuple(assessment.categories)),
                    assessment,
                )
            )
        if self.opened:
            named = ", ".join(f"{o.title} ({o.clause})" for o in self.opened)
            lines.append(Entry("cases.obligation.open", f"Obligations opened: {named}", assessment))
        if self.set_aside:
            named = ", ".join(f"{o.title} ({o.clause})" for o in self.set_aside)
            lines.append(
                Entry("cases.obligation.not_applicable", f"No longer applies: {named}", assessment)
            )
        return lines

    def audit(self) -> dict[str, Any]:
        assessment = self.assessment
        return {
            "assessment": assessment.number,
            "categories": list(assessment.categories),
            "applies": assessment.applies,
            "obligations": list(assessment.obligations),
            "opened": [o.identifier for o in self.opened],
            "no_longer_applies": [o.identifier for o in self.set_aside],
        }


@dataclass(frozen=True, slots=True)
class Prepared:
    """What a new case's first assessment reads, read before the intake's transaction (so that
    the transaction, which holds SQLite's write lock, only writes): Washington's records, the
    post's clocks, and the post's holders of the obligations' owner roles and of the committee
    with their principals (``cases.actions.owners``)."""

    records: Sequence[powers_gate.Power]
    clocks: clocks.CaseClocks
    holders: Holders | None = None


def prepare(post: Post, holders: Holders | None = None) -> Prepared:
    """Read what :func:`_assess` needs for a new case at ``post`` (``holders``: the post's,
    read already)."""
    return Prepared(
        powers_queries.every_record(),
        clocks.clocks_for(post),
        holders if holders is not None else read_holders(post.pk),
    )


@dataclass(frozen=True, slots=True)
class Foreseen:
    """A new case's first assessment as foreseen before the case is saved (its id unknown):
    the facts filled in from Washington's records, the records' facts, the policy's outcome."""

    facts: policy.Facts
    powers: tuple[powers_gate.PowerFact, ...]
    outcome: policy.Outcome
    #: Whether it is the assessment itself: no record names a case by id, so knowing the
    #: case's id changes nothing.
    final: bool

    @property
    def categories(self) -> list[str]:
        return [str(c) for c in self.outcome.categories]


def foresee(facts: policy.Facts, new: Prepared) -> Foreseen:
    """A new case's first assessment (:func:`_assess`), foreseen before the case is saved, so
    that it is saved with its categories: its id is not known yet, so the records that name
    cases by id are read as naming other cases; :func:`_assess`, which knows the id, assesses
    again when a record names cases, and writes the categories again if that made a
    difference."""
    filled, found = fill_powers(facts, None, new.records)
    final = not any(record.case_ids for record in new.records)
    return Foreseen(filled, found, policy.assess(filled), final)


#: The assessment's inserts, each built once (``core.inserts``): the rows ``create`` and
#: ``bulk_create`` write (``bulk_create`` sends no ``post_save`` either).
_ASSESSMENTS: Final = Insert(Assessment)
_OBLIGATIONS: Final = Insert(Obligation)


def _new_assessment(
    number: int,
    facts: policy.Facts,
    powers: Sequence[powers_gate.PowerFact],
    outcome: policy.Outcome,
    *,
    at: dt.datetime,
    official: Official | None,
    case: Case | None = None,
) -> Assessment:
    """The assessment numbered ``number`` of ``facts``, Washington's records' ``powers`` and the
    policy's ``outcome``, made but not written (``core.inserts.new``); of ``case`` when given
    (a planned one gets its case in the transaction: :func:`write_planned`)."""
    values: dict[str, Any] = {"case": case} if case is not None else {}
    return inserts.new(
        Assessment,
        **values,
        number=number,
        facts=facts.to_dict(),
        powers=[found.to_dict() for found in powers],
        outcome=outcome.to_dict(),
        categories=[str(c) for c in outcome.categories],
        applies=outcome.applies,
        obligations=[str(o) for o in outcome.obligations],
        policy_version=outcome.policy_version,
        assessed_at=at,
        assessed_by=official,
    )


def _assess(
    case: Case,
    facts: policy.Facts,
    *,
    official: Official | None,
    at: dt.datetime,
    new: Prepared | None = None,
    foreseen: Foreseen | None = None,
) -> Assessed:
    """Run the policy on ``facts``, keep the assessment, bring the case's categories and
    obligations in line with it. Inside the action's transaction, on a claimed case. The facts
    of ``1`` and ``3`` are those of Washington's records (:func:`fill_powers`), whatever
    ``facts`` says. ``new``: the case was created in this transaction (it has no assessment nor
    obligation yet), with what its assessment reads, read already (:func:`prepare`);
    ``foreseen``: its assessment foreseen from them (:func:`foresee`), used when final."""
    if new is not None and foreseen is not None and foreseen.final:
        facts, powers, outcome = foreseen.facts, foreseen.powers, foreseen.outcome
    else:
        facts, powers = fill_powers(facts, case.pk, new.records if new is not None else None)
        outcome = policy.assess(facts)
    previous = (
        None
        if new is not None
        else (
            Assessment.objects.filter(case=case)
            .order_by("-number")
            .values("number", "categories")
            .first()
        )
    )
    before = tuple(previous["categories"]) if previous else ()
    assessment = _new_assessment(
        (previous["number"] if previous else 0) + 1,
        facts,
        powers,
        outcome,
        at=at,
        official=official,
        case=case,
    )
    _ASSESSMENTS.one(assessment)
    if new is None or list(case.categories) != assessment.categories:
        # A new case was saved with the categories :func:`foresee` foresaw: written
        # again only if they differ (a record of Washington's naming the case by its id).
        Case.objects.filter(pk=case.pk).update(categories=assessment.categories)
    case.categories = assessment.categories

    arising = [str(o) for o in outcome.obligations]
    existing = [] if new is not None else list(Obligation.objects.filter(case=case))
    kept = {o.identifier for o in existing if o.status == ObligationStatus.OPEN}
    settled = {o.identifier for o in existing if o.status in SETTLED_STATUSES}
    post_clocks = new.clocks if new is not None else clocks.clocks_for(case.post)
    to_open = [i for i in arising if i not in kept and i not in settled]
    owners = _owners_by_role(
        case,
        (OBLIGATION_OWNER_ROLES[i] for i in to_open if i in OBLIGATION_OWNER_ROLES),
        new.holders if new is not None else None,
    )
    opened: list[Obligation] = _OBLIGATIONS.save(
        [
            inserts.new(
                Obligation,
                case=case,
                identifier=identifier,
                clause=OBLIGATIONS_BY_ID[ObligationId(identifier)].clause,
                title=OBLIGATIONS_BY_ID[ObligationId(identifier)].title,
                owner=default_owner(identifier, owners, official),
                arose_at=at,
                assessment=assessment,
                due_at=post_clocks.due(identifier, received_at=case.received_at, arose_at=at),
            )
            for identifier in to_open
        ]
    )  # type: ignore[assignment]
    set_aside: list[Obligation] = []
    why = (
        f"assessment {assessment.number} no longer finds it"
        if outcome.applies
        else f"assessment {assessment.number} finds that the directive does not apply"
    )
    for obligation in existing:
        if obligation.status == ObligationStatus.OPEN and obligation.identifier not in arising:
            obligation.status = ObligationStatus.NOT_APPLICABLE
            obligation.note = why
            obligation.closed_at = at
            obligation.closed_by = official
            obligation.save(update_fields=["status", "note", "closed_at", "closed_by"])
            set_aside.append(obligation)
    return Assessed(assessment, before, tuple(opened), tuple(set_aside))


def update_facts(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    expected_version: int | str | None,
    facts: Mapping[str, Any],
    at: dt.datetime | None = None,
) -> Assessment:
    """Replace the case's facts and assess them again (every change adds an assessment; the
    earlier ones are kept). ``facts`` is the whole contract object (``as_of`` defaults to the
    day of ``at``) without the facts of ``1`` and ``3``, which Washington's records fill in
    (given, they are refused: :func:`refuse_power_facts`). A change that alters the categories
    says so on the timeline; obligations that now arise are opened, open ones that no longer
    arise are marked as no longer applying. Facts and rules unchanged since the latest
    assessment: nothing is written, and the latest assessment is returned."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        errors: Errors = []
        version = as_version(errors, expected_version)
        refuse_power_facts(facts)
        parsed = _parse_facts(facts, errors, today=timezone.localdate(moment))
        if errors or parsed is None:
            raise InvalidInput(errors)
        parsed, _ = fill_powers(parsed, case.pk)
        latest = Assessment.objects.filter(case=case).order_by("-number").first()
        if (
            latest is not None
            and case.version == version
            and latest.facts == parsed.to_dict()
            and latest.policy_version == policy.POLICY_VERSION
        ):
            return latest
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        if case.stage == Stage.CLOSED:
            raise InvalidInput(
                [{"field": "facts", "message": "the case is closed: reopen it to change its facts"}]
            )
        official = acting_official(acting_user)
        assessed = _assess(case, parsed, official=official, at=moment)
        entries = assessed.entries()
        record_event(
            case,
            acting_user=acting_user,
            action="cases.case.facts",
            summary=f"Facts changed (assessment {assessed.assessment.number})",
            at=moment,
            before={"facts": latest.facts if latest else None, "categories": list(assessed.before)},
            after={"facts": parsed.to_dict(), **assessed.audit()},
            also=entries,
        )
    return assessed.assessment
