"""Demo data for ``make demo``: a realistic directory — agencies, posts, compartments, and an
official for every role at Vienna and Tokyo, in Washington and in oversight — and a handful
of cases at Vienna and Tokyo at different stages (fictional people).

Everything is created through the directory's actions (``acting_user=None``: an operator at
the console), so the demo is audited like any other change. Idempotent: running it again
adds only what is missing and changes nothing that is already there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction

from defector.core import actions

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from defector.cases.models import Case

#: Shared by every demo account; shown on the console and never used outside demo mode.
DEMO_PASSWORD = "dcid-4-21-demo"  # noqa: S105 (public demo password)


@dataclass(frozen=True)
class DemoAgency:
    code: str
    name: str
    kind: str = "agency"


@dataclass(frozen=True)
class DemoPost:
    code: str
    name: str
    kind: str
    country: str
    city: str
    diplomatic_representation: bool = True


@dataclass(frozen=True)
class DemoAccount:
    """One demo login: the official, where they serve and what they do."""

    username: str
    first_name: str
    last_name: str
    description: str
    group: str = "Oversight"
    agency: str = "CIA"
    post: str | None = None
    title: str = ""
    clearance: str = "TOP SECRET"
    compartments: tuple[str, ...] = ()
    #: (role, post code or None)
    roles: tuple[tuple[str, str | None], ...] = ()
    administrator: bool = False


AGENCIES = (
    DemoAgency("CIA", "Central Intelligence Agency"),
    DemoAgency("STATE", "Department of State", "department"),
    DemoAgency("DOD", "Department of Defense", "department"),
    DemoAgency("FBI", "Federal Bureau of Investigation"),
    DemoAgency("USIA", "United States Information Agency"),
    DemoAgency("INS", "Immigration and Naturalization Service"),
    DemoAgency("DIA", "Defense Intelligence Agency"),
    DemoAgency("EUCOM", "US European Command", "military_command"),
    DemoAgency("USAREUR", "US Army, Europe", "military_command"),
    DemoAgency("PACOM", "US Pacific Command", "military_command"),
)

POSTS = (
    DemoPost("VIENNA", "Embassy Vienna", "embassy", "AT", "Vienna"),
    DemoPost("TOKYO", "Embassy Tokyo", "embassy", "JP", "Tokyo"),
    DemoPost("BONN", "Embassy Bonn", "embassy", "DE", "Bonn"),
    DemoPost("MUNICH", "Consulate General Munich", "consulate", "DE", "Munich"),
    DemoPost("ROME", "Embassy Rome", "embassy", "IT", "Rome"),
    DemoPost("NEWDELHI", "Embassy New Delhi", "embassy", "IN", "New Delhi"),
    DemoPost("HELSINKI", "Embassy Helsinki", "embassy", "FI", "Helsinki"),
    DemoPost("GENEVA", "US Mission Geneva", "mission", "CH", "Geneva"),
    DemoPost("MEXICO", "Embassy Mexico City", "embassy", "MX", "Mexico City"),
    DemoPost("HONGKONG", "Consulate General Hong Kong", "consulate", "HK", "Hong Kong"),
    DemoPost("BANGKOK", "Embassy Bangkok", "embassy", "TH", "Bangkok"),
    DemoPost("PARIS", "Embassy Paris", "embassy", "FR", "Paris"),
    DemoPost("STOCKHOLM", "Embassy Stockholm", "embassy", "SE", "Stockholm"),
    DemoPost("HAVANA", "US Interests Section Havana", "mission", "CU", "Havana", False),
)

COMPARTMENTS = (
    ("HARBOR", "Exfiltration and resettlement of defectors"),
    ("LANTERN", "Defectors from hostile intelligence services"),
)

ACCOUNTS = (
    # Vienna: every post role.
    DemoAccount(
        "duty.officer",
        "Dana",
        "Reyes",
        "case officer (duty officer)",
        group="Vienna",
        post="VIENNA",
        title="Operations Officer",
        compartments=("HARBOR",),
        roles=(("case_officer", "VIENNA"),),
    ),
    DemoAccount(
        "committee.chair",
        "Martin",
        "Hale",
        "Defector Committee chair",
        group="Vienna",
        post="VIENNA",
        title="Deputy Chief of Station",
        compartments=("HARBOR", "LANTERN"),
        roles=(("committee_chair", "VIENNA"),),
    ),
    DemoAccount(
        "vienna.member",
        "Paul",
        "Lindqvist",
        "Defector Committee member",
        group="Vienna",
        agency="DOD",
        post="VIENNA",
        title="Defense Attaché",
        clearance="SECRET",
        roles=(("committee_member", "VIENNA"),),
    ),
    DemoAccount(
        "vienna.invited",
        "Grace",
        "Whitfield",
        "invited representative",
        group="Vienna",
        agency="USAREUR",
        post="VIENNA",
        title="Liaison Officer, US Army Europe",
        clearance="SECRET",
        roles=(("invited_representative", "VIENNA"),),
    ),
    DemoAccount(
        "senior.rep",
        "Ruth",
        "Castillo",
        "Senior US Representative (Ambassador)",
        group="Vienna",
        agency="STATE",
        post="VIENNA",
        title="Ambassador",
        roles=(("senior_representative", "VIENNA"),),
    ),
    # Tokyo: every post role.
    DemoAccount(
        "tokyo.officer",
        "Kenji",
        "Mori",
        "case officer",
        group="Tokyo",
        post="TOKYO",
        title="Operations Officer",
        compartments=("HARBOR",),
        roles=(("case_officer", "TOKYO"),),
    ),
    DemoAccount(
        "tokyo.chair",
        "Ellen",
        "Draper",
        "Defector Committee chair",
        group="Tokyo",
        post="TOKYO",
        title="Chief of Station",
        compartments=("HARBOR", "LANTERN"),
        roles=(("committee_chair", "TOKYO"),),
    ),
    DemoAccount(
        "tokyo.member",
        "Samuel",
        "Okafor",
        "Defector Committee member",
        group="Tokyo",
        agency="FBI",
        post="TOKYO",
        title="Legal Attaché",
        clearance="SECRET",
        roles=(("committee_member", "TOKYO"),),
    ),
    DemoAccount(
        "tokyo.invited",
        "Laura",
        "Brandt",
        "invited representative",
        group="Tokyo",
        agency="PACOM",
        post="TOKYO",
        title="Liaison Officer, US Pacific Command",
        clearance="SECRET",
        roles=(("invited_representative", "TOKYO"),),
    ),
    DemoAccount(
        "tokyo.senior",
        "Harold",
        "Whitman",
        "Senior US Representative (Ambassador)",
        group="Tokyo",
        agency="STATE",
        post="TOKYO",
        title="Ambassador",
        roles=(("senior_representative", "TOKYO"),),
    ),
    # Washington.
    DemoAccount(
        "idc.analyst",
        "Owen",
        "Park",
        "Interagency Defector Committee member",
        group="Washington",
        agency="STATE",
        title="Interagency Defector Committee, Bureau of Intelligence and Research",
        compartments=("HARBOR", "LANTERN"),
        roles=(("idc_member", None),),
    ),
    DemoAccount(
        "dci.delegate",
        "Catherine",
        "Vance",
        "delegate of the Director of Central Intelligence",
        group="Washington",
        title="Assistant to the DCI for the Defector Program",
        compartments=("HARBOR", "LANTERN"),
        roles=(("dci_delegate", None),),
    ),
    # Oversight and operations.
    DemoAccount(
        "auditor",
        "Iris",
        "Novak",
        "auditor (audit log only)",
        title="Inspector, Office of the Inspector General",
        clearance="SECRET",
        roles=(("auditor", None),),
    ),
    DemoAccount(
        "admin",
        "Adam",
        "Byrne",
        "administrator (accounts and directory only)",
        agency="STATE",
        title="Systems Administrator, Bureau of Information Resource Management",
        clearance="SECRET",
        roles=(("administrator", None),),
        administrator=True,
    ),
)

#: The groups the demo command prints the logins in, in order.
GROUPS = ("Vienna", "Tokyo", "Washington", "Oversight")


def _load_directory() -> None:
    from defector.directory import actions as directory
    from defector.directory.models import Agency, Compartment, Official, Post

    agencies = set(Agency.objects.values_list("code", flat=True))
    for agency in AGENCIES:
        if agency.code not in agencies:
            directory.create_agency(
                acting_user=None, code=agency.code, name=agency.name, kind=agency.kind
            )
    posts = set(Post.objects.values_list("code", flat=True))
    for post in POSTS:
        if post.code not in posts:
            directory.create_post(
                acting_user=None,
                code=post.code,
                name=post.name,
                kind=post.kind,
                country=post.country,
                city=post.city,
                diplomatic_representation=post.diplomatic_representation,
            )
    compartments = set(Compartment.objects.values_list("code", flat=True))
    for code, name in COMPARTMENTS:
        if code not in compartments:
            directory.create_compartment(acting_user=None, code=code, name=name)
    officials = {
        official.user.get_username(): official
        for official in Official.objects.select_related("user").prefetch_related("roles__post")
    }
    for account in ACCOUNTS:
        official = officials.get(account.username)
        if official is None:
            directory.create_official(
                acting_user=None,
                username=account.username,
                agency=account.agency,
                post=account.post,
                clearance=account.clearance,
                title=account.title,
                compartments=account.compartments,
                roles=account.roles,
                link_existing=True,
            )
            continue
        held = {(r.role, r.post.code if r.post is not None else None) for r in official.roles.all()}
        for role, post_code in account.roles:
            if (role, post_code) not in held:
                directory.grant_role(
                    acting_user=None, official_id=official.pk, role=role, post=post_code
                )


def _load_committees() -> None:
    """A committee for every post with diplomatic representation (``6``)."""
    from defector.committees import actions as committees

    committees.ensure_committees(acting_user=None)


@dataclass(frozen=True)
class DemoGrant:
    """How a demo case reaches defector status the proper way: bona fides checks and an
    "established" verdict (``6b(3)(b)``), a signed statement witnessed by another official of
    the post (``6b(3)(c)``), the Senior US Representative's ``7a`` determination and the
    committee chair's grant, every represented agency concurring (``6b(2)``)."""

    witness: str
    senior: str
    chair: str
    language_code: str
    language_name: str
    statement: str
    statement_english: str
    risk: str
    rationale: str


def _signature_png() -> str:
    """A tiny valid PNG (a 1×1 black pixel) as a data URL: the demo's signature drawn on
    screen (``cases.signatures.drawn``)."""
    import base64
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1×1, 8-bit greyscale
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


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
        {**_DEFECTOR_FACTS, "nationalities": ["HU"], "special_value": ["information"]},
        "Laszlo Ferenc Havas",
        "1936-11-02",
        "Debrecen, Hungary",
        note="Ministry of Foreign Trade official; came in the evening with his briefcase.",
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


def _load_cases() -> None:
    """A handful of cases at Vienna and Tokyo at different stages, opened and moved on by
    the demo officials through the cases app's actions (so audited and on each timeline)."""
    from django.utils import timezone

    from defector.cases import actions as cases
    from defector.cases.models import Case, Obligation
    from defector.directory.models import Post

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
        at = received + step / 2
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
            _grant(case, demo_case.granted, officer=officer, users=users, at=at, step=step)


#: How many steps :func:`_grant` takes (for spreading the demo's times).
GRANT_STEPS = 7


def _grant(
    case: Case,
    grant: DemoGrant,
    *,
    officer: User,
    users: dict[str, User],
    at: dt.datetime,
    step: dt.timedelta,
) -> None:
    """Take ``case`` to defector status through the actions (:class:`DemoGrant`)."""
    from django.utils import timezone

    from defector.cases import actions as determination
    from defector.cases import actions as handling
    from defector.cases import queries as queries_determination
    from defector.directory.models import Official

    analyst = Official.objects.get(user=officer)
    checks = []
    for kind, finding in (
        ("name_traces", "Name traces negative for deception."),
        ("interview_or_polygraph", "Polygraph: no deception indicated."),
    ):
        at += step
        case.refresh_from_db()
        checks.append(
            handling.add_bona_fides_check(
                acting_user=officer,
                case_id=case.pk,
                expected_version=case.version,
                kind=kind,
                analyst_id=analyst.pk,
                result="consistent",
                checked_on=timezone.localdate(at),
                finding=finding,
                at=at,
            )
        )
    at += step
    case.refresh_from_db()
    handling.record_bona_fides_verdict(
        acting_user=officer,
        case_id=case.pk,
        expected_version=case.version,
        verdict="established",
        check_ids=[check.pk for check in checks],
        rationale="Traces and polygraph consistent; bona fides established.",
        at=at,
    )
    at += step
    case.refresh_from_db()
    statement = handling.record_statement(
        acting_user=officer,
        case_id=case.pk,
        expected_version=case.version,
        language_code=grant.language_code,
        language_name=grant.language_name,
        text_original=grant.statement,
        text_english=grant.statement_english,
        signed_at=at,
        signature_drawing=_signature_png(),
        at=at,
    )
    at += step
    case.refresh_from_db()
    handling.witness_statement(
        acting_user=users[grant.witness],
        case_id=case.pk,
        statement_id=statement.pk,
        expected_version=case.version,
        at=at,
    )
    at += step
    case.refresh_from_db()
    determination.determine_political_risk(
        acting_user=users[grant.senior],
        case_id=case.pk,
        expected_version=case.version,
        subject="case",
        level="low",
        reasoning=grant.risk,
        at=at,
    )
    at += step
    case.refresh_from_db()
    determination.determine_status(
        acting_user=users[grant.chair],
        case_id=case.pk,
        expected_version=case.version,
        decision="grant",
        special_value="Scientific information of special value (2a).",
        rationale=grant.rationale,
        positions=[
            {"agency_id": agency.pk, "stance": "concur", "note": ""}
            for agency in queries_determination.represented_agencies(case.post)
        ],
        at=at,
    )


@transaction.atomic
def load() -> tuple[DemoAccount, ...]:
    """Create whatever demo data is missing; return the demo accounts."""
    existing = set(
        get_user_model()
        .objects.filter(username__in=[a.username for a in ACCOUNTS])
        .values_list("username", flat=True)
    )
    for account in ACCOUNTS:
        if account.username in existing:
            continue
        actions.create_user(
            acting_user=None,
            username=account.username,
            password=DEMO_PASSWORD,
            first_name=account.first_name,
            last_name=account.last_name,
            email=f"{account.username}@demo.invalid",
            administrator=account.administrator,
        )
    _load_directory()
    _load_committees()
    _load_cases()
    return ACCOUNTS


def grouped(accounts: tuple[DemoAccount, ...] = ACCOUNTS) -> list[tuple[str, list[DemoAccount]]]:
    """The accounts by group (Vienna, Tokyo, Washington, Oversight), for printing."""
    return [(group, [a for a in accounts if a.group == group]) for group in GROUPS]
