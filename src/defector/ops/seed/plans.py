"""What each seeded case will be: drawn first, cheaply, so that the number of audit events the
cases need is known before anything is written (the rest of ``--audit-events`` becomes later
notes on the cases' timelines).

The facts are varied (nationality, kind of intake, special value, threat information, grounds
of persecution) and assessed by the policy itself (``policy.assess``), so each case's
categories and obligations are those the directive gives; its stage and outcome decide which
obligations are done, and cases are spread over every stage.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any, Final

from defector import policy
from defector.cases.choices import CaseOutcome, IntakeKind, Stage
from defector.ops.seed import names

#: The open stages in order, and how many cases stand at each stage (weights).
PATH: Final = (
    Stage.RECEPTION,
    Stage.ASSESSMENT,
    Stage.DETERMINATION,
    Stage.EXPLOITATION,
    Stage.RESETTLEMENT,
)
#: The open stages as numbers (reception 0 … resettlement 4).
REACHED: Final = {stage: number for number, stage in enumerate(PATH)}
STAGE_WEIGHTS: Final[dict[str, int]] = {
    Stage.RECEPTION: 12,
    Stage.ASSESSMENT: 25,
    Stage.DETERMINATION: 18,
    Stage.EXPLOITATION: 10,
    Stage.RESETTLEMENT: 10,
    Stage.CLOSED: 25,
}
#: The stage from which an obligation is done (earlier: still open).
DONE_FROM: Final = {
    "secure_reception": 1,
    "disseminate_threat_information": 1,
    "establish_bona_fides": 2,
    "obtain_voluntary_statement": 2,
    "political_risk_determination": 3,
    "consider_defector_status": 3,
    "report_to_idc": 3,
}
#: Outcomes of a closed case; ``granted`` only after determination.
EARLY_OUTCOMES: Final = (
    CaseOutcome.DECLINED,
    CaseOutcome.WITHDREW,
    CaseOutcome.REFERRED_REFUGEE,
    CaseOutcome.RETURNED,
)
LATE_OUTCOMES: Final = (CaseOutcome.GRANTED, CaseOutcome.GRANTED, CaseOutcome.REDEFECTED)
SENSITIVITIES: Final = ("SECRET",) * 6 + ("TOP SECRET",) * 2 + ("CONFIDENTIAL",)
#: Family name first in these countries.
FAMILY_FIRST: Final = frozenset({"CN", "KP", "VN", "MN", "LA", "KH"})
#: The seed's cases are received over these many days before the anchor.
SPAN_DAYS: Final = 3 * 365


@dataclass(slots=True)
class CasePlan:
    staff: int
    opener: int
    kind: str
    sensitivity: str
    received_at: dt.datetime
    where: str
    facts: policy.Facts
    outcome: policy.Outcome
    #: The stages the case moved through after reception, and how it ended (closed).
    moves: list[str]
    case_outcome: str
    true_name: str
    birth_date: str
    birth_place: str
    note: str
    #: (identifier, done?) of the obligations the assessment raised.
    obligations: list[tuple[str, bool]] = field(default_factory=list)
    follow_ups: int = 0
    #: Its records in the other apps (``seed.later.Later``), drawn after the plan.
    later: Any = None

    @property
    def stage(self) -> str:
        return self.moves[-1] if self.moves else Stage.RECEPTION

    @property
    def events(self) -> int:
        """Audit events the case needs: its opening, moves, discharges, later notes and its
        records in the other apps."""
        later = self.later.events if self.later is not None else 0
        return (
            1
            + len(self.moves)
            + sum(done for _, done in self.obligations)
            + self.follow_ups
            + later
        )


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _facts(
    rng: random.Random, kind: str, nationality: str, country: str, day: dt.date
) -> dict[str, object]:
    special = [v for v in ("information", "operational", "psychological") if rng.random() < 0.45]
    if not special and rng.random() < 0.85:
        special = ["information"]
    facts: dict[str, object] = {
        "as_of": day.isoformat(),
        "nationalities": [nationality],
        "location": country,
        "escaped_control": rng.random() < 0.6,
        "unwilling_to_return": rng.random() < 0.8,
        "dissatisfied": rng.random() < 0.85,
        "susceptible": rng.random() < 0.75,
        "willing_to_defect": kind != IntakeKind.POTENTIAL_DEFECTOR or rng.random() < 0.3,
        "special_value": special,
        "at_us_installation": kind == IntakeKind.WALK_IN,
        "requests": ["asylum"] if kind == IntakeKind.WALK_IN or rng.random() < 0.3 else [],
        "threat_information": rng.random() < 0.06,
    }
    if rng.random() < 0.15:
        facts["persecution_grounds"] = [rng.choice(("political_opinion", "religion", "race"))]
    if rng.random() < 0.05:
        facts["requests"] = ["asylum", "escape_assistance"]
    return facts


def _path(rng: random.Random, index: int) -> tuple[list[str], str]:
    """The stages a case moved through, and its outcome when closed. The first cases take
    every stage in turn, so even a small seed has each."""
    stages = list(STAGE_WEIGHTS)
    target = stages[index] if index < len(stages) else _weighted(rng, STAGE_WEIGHTS)
    if target != Stage.CLOSED:
        return list(PATH[1 : PATH.index(target) + 1]), ""
    reached = rng.randrange(len(PATH))
    outcome = rng.choice(LATE_OUTCOMES if reached >= 3 else EARLY_OUTCOMES)
    return [*PATH[1 : reached + 1], Stage.CLOSED], outcome


def plan_cases(
    rng: random.Random,
    *,
    count: int,
    staff: list[tuple[str, int]],
    anchor: dt.datetime,
) -> list[CasePlan]:
    """``count`` case plans over the posts (``staff``: each post's country and case officer
    count), received in order of time over :data:`SPAN_DAYS`."""
    span = SPAN_DAYS * 86400
    offsets = sorted((rng.random() * span for _ in range(count)), reverse=True)
    nationalities = list(names.NATIONALITY_WEIGHTS)
    weights = list(names.NATIONALITY_WEIGHTS.values())
    plans: list[CasePlan] = []
    for index, offset in enumerate(offsets):
        post = rng.randrange(len(staff))
        country, officers = staff[post]
        kind = rng.choices(list(IntakeKind.values), weights=(6, 2, 2))[0]
        nationality = rng.choices(nationalities, weights=weights)[0]
        received = anchor - dt.timedelta(seconds=int(offset))
        given = _facts(rng, kind, nationality, country, received.date())
        facts = policy.parse_facts(given, today=anchor.date())
        outcome = policy.assess(facts)
        moves, case_outcome = _path(rng, index)
        reached = len([m for m in moves if m != Stage.CLOSED])
        first, family, places = names.PEOPLE[nationality]
        given_name, family_name = rng.choice(first), rng.choice(family)
        born = f"{rng.randrange(1925, 1962)}"
        if rng.random() < 0.6:
            born += f"-{rng.randrange(1, 13):02}"
        plans.append(
            CasePlan(
                staff=post,
                opener=rng.randrange(officers),
                kind=kind,
                sensitivity=rng.choice(SENSITIVITIES),
                received_at=received,
                where=rng.choice(names.PLACES),
                facts=facts,
                outcome=outcome,
                moves=moves,
                case_outcome=case_outcome,
                true_name=(
                    f"{family_name} {given_name}"
                    if nationality in FAMILY_FIRST
                    else f"{given_name} {family_name}"
                ),
                birth_date=born,
                birth_place=rng.choice(places),
                note=rng.choice(names.NOTES),
                obligations=[
                    (str(o), reached >= DONE_FROM.get(str(o), 9)) for o in outcome.obligations
                ],
            )
        )
    return plans


def spread_follow_ups(rng: random.Random, plans: list[CasePlan], extra: int) -> None:
    """Give the cases ``extra`` later notes in all, as evenly as whole numbers allow."""
    if not plans or extra <= 0:
        return
    base, rest = divmod(extra, len(plans))
    lucky = set(rng.sample(range(len(plans)), rest))
    for index, plan in enumerate(plans):
        plan.follow_ups = base + (index in lucky)
