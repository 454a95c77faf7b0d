"""The demo's directory: agencies, posts, compartments, and an official for every role at
Vienna and Tokyo, in Washington and in oversight, each with a login."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from defector.core import actions
from defector.directory import actions as directory
from defector.directory.models import Agency, Compartment, Official, Post

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
        "idc.usia",
        "Nora",
        "Ellison",
        "Interagency Defector Committee member (USIA)",
        group="Washington",
        agency="USIA",
        title="Interagency Defector Committee, Office of Policy and Programs",
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


def load_accounts() -> None:
    """A user for every demo account that is missing one."""
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


def load_directory() -> None:
    """The demo's agencies, posts, compartments and officials, with their roles."""
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


def grouped(accounts: tuple[DemoAccount, ...] = ACCOUNTS) -> list[tuple[str, list[DemoAccount]]]:
    """The accounts by group (Vienna, Tokyo, Washington, Oversight), for printing."""
    return [(group, [a for a in accounts if a.group == group]) for group in GROUPS]


def users(*usernames: str) -> dict[str, User]:
    """The demo's users named, by username (one query)."""
    return {
        user.get_username(): user
        for user in get_user_model().objects.filter(username__in=usernames)
    }
