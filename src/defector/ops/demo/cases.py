"""The demo's cases: a handful at Vienna and Tokyo at different stages (fictional people),
opened and moved on by the demo officials through the cases app's actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from defector.cases import actions as cases
from defector.cases.models import Case, Obligation
from defector.directory.models import Post
from defector.ops.demo.dissemination import DemoThreat, issue_threat
from defector.ops.demo.grants import GRANT_STEPS, DemoGrant, grant

#: A case with threat information is opened this long after the person came in, and its
#: report issued as long again after (``6b(1)``, ``6b(3)(a)``: within the post's clock).
THREAT_INTAKE = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class DemoCase:
    """A demo case: a fictional person received at a post and taken some way through the
    lifecycle by the demo officials, through the cases app's actions. ``where`` (the place of
    reception) tells the case apart, so that loading again adds nothing."""

    officer: str
    post: str
    where: str
    #: How long ago the person was received, in hours.
    hours_ago: float
    facts: dict[str, object]
    true_name: str
    birth_date: str
    birth_place: str
    kind: str = "walk_in"
    note: str = ""
    #: (obligation, evidence, who discharged it — default ``officer``)
    done: tuple[tuple[str, str, str], ...] = ()
    stages: tuple[str, ...] = ()
    outcome: str = ""
    #: Taken through bona fides, the statement, ``7a`` and the committee's grant (the grant
    #: moves the case on to exploitation, ``6b(2)``).
    granted: DemoGrant | None = None
    #: A threat report issued from the case at once (``6b(3)(a)``), acknowledged by all.
    threat: DemoThreat | None = None


_DEFECTOR_FACTS: dict[str, object] = {
    "escaped_control": True,
    "unwilling_to_return": True,
    "dissatisfied": True,
    "susceptible": True,
    "willing_to_defect": True,
    "requests": ["asylum"],
}

#: Fictional people; any likeness to a real person is a coincidence.
CASES = (
    DemoCase(
        "duty.officer",
        "VIENNA",
        "Consular section, front desk",
        0.7,
        {
            **_DEFECTOR_FACTS,
            "nationalities": ["SU"],
            "special_value": ["information", "operational"],
            "threat_information": True,
        },
        "Viktor Andreyevich Pelsh",
        "1941-04",
        "Kharkov, Ukrainian SSR",
        note="Arrived on foot and asked for the political section; says he has news of "
        "troop movements near the border. Waiting in the interview room.",
    ),
    DemoCase(
        "vienna.member",
        "VIENNA",
        "Trade fair, Messe Wien",
        5 * 24,
        {
            "nationalities": ["CS"],
            "dissatisfied": True,
            "susceptible": True,
            "willing_to_defect": True,
            "special_value": ["operational"],
        },
        "Tomas Vranek",
        "1947",
        "Brno, Czechoslovakia",
        kind="disaffected_person",
        note="Engineer with a state trading company; told the defense attaché over dinner "
        "that he would not go home if he could help it.",
        stages=("assessment",),
    ),
    DemoCase(
        "duty.officer",
        "VIENNA",
        "Side entrance, Boltzmanngasse",
        20 * 24,
        {
            **_DEFECTOR_FACTS,
            "nationalities": ["HU"],
            "special_value": ["information"],
            "threat_information": True,
        },
        "Laszlo Ferenc Havas",
        "1936-11-02",
        "Debrecen, Hungary",
        note="Ministry of Foreign Trade official; came in the evening with his briefcase.",
        threat=DemoThreat(
            precedence="immediate",
            threatened="Embassy staff and visitors at the side entrance",
            location="Vienna, Boltzmanngasse: a flat across from the side entrance",
            timing="Under way since October",
            details="He has seen the Hungarian service's photographs of everyone who uses the "
            "side entrance, taken from a flat across the street; its officers pick out staff "
            "to approach.",
        ),
        done=(
            (
                "secure_reception",
                "Taken to the safe flat in the 19th district within the hour.",
                "",
            ),
            (
                "establish_bona_fides",
                "Name traces negative for deception; debriefing consistent over four sessions.",
                "",
            ),
            (
                "obtain_voluntary_statement",
                "Statement signed in Hungarian and English, witnessed by the consul.",
                "",
            ),
        ),
        stages=("assessment", "determination"),
    ),
    DemoCase(
        "duty.officer",
        "VIENNA",
        "Visa section, consular counter",
        9 * 24,
        {
            "nationalities": ["RO"],
            "escaped_control": True,
            "unwilling_to_return": True,
            "dissatisfied": True,
            "requests": ["asylum"],
        },
        "Ion Dumitrescu",
        "1952-03",
        "Timisoara, Romania",
        note="Lorry driver on the Vienna run; left his lorry at the Westbahnhof and asked the "
        "visa section for asylum. Knows nothing of military or political interest.",
        stages=("assessment",),
    ),
    DemoCase(
        "tokyo.officer",
        "TOKYO",
        "Embassy gate, Akasaka",
        60 * 24,
        {**_DEFECTOR_FACTS, "nationalities": ["CN"], "special_value": ["information"]},
        "Liang Shaoyu",
        "1944",
        "Shenyang, China",
        note="Scientist attending a conference; asked the marine guard for asylum.",
        done=(("secure_reception", "Moved to the residence annex at once.", ""),),
        stages=("assessment", "determination"),
        granted=DemoGrant(
            witness="tokyo.member",
            senior="tokyo.senior",
            chair="tokyo.chair",
            language_code="zh-Hans",
            language_name="Chinese (Simplified)",
            statement="我自愿请求美国政府的庇护，不愿返回中国。",
            statement_english="Of my own free will I ask the US Government for asylum; "
            "I will not return to China.",
            risk="Ambassador's determination: acceptable risk if there is no publicity.",
            rationale="Scientific information of special value outweighs a low political risk; "
            "the committee's agencies concur.",
        ),
    ),
    DemoCase(
        "tokyo.officer",
        "TOKYO",
        "Consular waiting room",
        12 * 24,
        {**_DEFECTOR_FACTS, "nationalities": ["KP"], "special_value": ["psychological"]},
        "Ri Song-chol",
        "1950",
        "Wonsan, North Korea",
        note="Seaman off a freighter in Yokohama; changed his mind the next morning.",
        stages=("assessment",),
        outcome="withdrew",
    ),
    DemoCase(
        "tokyo.member",
        "TOKYO",
        "Reception of a trade delegation, Hotel Okura",
        3 * 24,
        {
            "nationalities": ["VN"],
            "dissatisfied": True,
            "susceptible": True,
            "special_value": ["information"],
        },
        "Nguyen Van Thanh",
        "1945",
        "Hanoi, Vietnam",
        kind="potential_defector",
        note="Delegation interpreter; complained to the legal attaché about his superiors.",
    ),
)


def load_cases() -> None:
    """A handful of cases at Vienna and Tokyo at different stages, opened and moved on by
    the demo officials through the cases app's actions (so audited and on each timeline)."""
    users = {
        user.username: user
        for user in get_user_model().objects.filter(
            username__in={c.officer for c in CASES}
            | {who for c in CASES for _, _, who in c.done if who}
            | {
                who
                for c in CASES
                if c.granted is not None
                for who in (c.granted.witness, c.granted.senior, c.granted.chair)
            }
        )
    }
    posts = {post.code: post for post in Post.objects.filter(code__in={c.post for c in CASES})}
    now = timezone.now()
    for demo_case in CASES:
        post = posts[demo_case.post]
        if Case.objects.filter(post=post, received_where=demo_case.where).exists():
            continue
        officer = users[demo_case.officer]
        received = now - dt.timedelta(hours=demo_case.hours_ago)
        steps = (
            len(demo_case.done) + len(demo_case.stages) + (GRANT_STEPS if demo_case.granted else 0)
        )
        step = (now - received) / (2 + steps)
        at = received + (step / 2 if demo_case.threat is None else THREAT_INTAKE)
        case = cases.open_case(
            acting_user=officer,
            post_id=post.pk,
            sensitivity="SECRET",
            kind=demo_case.kind,
            facts=demo_case.facts,
            received_at=received,
            received_where=demo_case.where,
            note=demo_case.note,
            true_name=demo_case.true_name,
            birth_date=demo_case.birth_date,
            birth_place=demo_case.birth_place,
            at=at,
        )
        if demo_case.threat is not None:
            at = issue_threat(case, demo_case.threat, officer=officer, at=at + THREAT_INTAKE)
            step = (now - at) / (1 + steps)
        for identifier, evidence, who in demo_case.done:
            at += step
            obligation = Obligation.objects.get(case=case, identifier=identifier, status="open")
            case.refresh_from_db()
            cases.discharge_obligation(
                acting_user=users[who or demo_case.officer],
                case_id=case.pk,
                obligation_id=obligation.pk,
                expected_version=case.version,
                evidence=evidence,
                at=at,
            )
        targets = [(stage, "") for stage in demo_case.stages]
        if demo_case.outcome:
            targets.append(("closed", demo_case.outcome))
        for stage, outcome in targets:
            at += step
            case.refresh_from_db()
            cases.move_case(
                acting_user=officer,
                case_id=case.pk,
                expected_version=case.version,
                to=stage,
                outcome=outcome,
                at=at,
            )
        if demo_case.granted is not None:
            grant(case, demo_case.granted, officer=officer, users=users, at=at, step=step)
