"""Fixtures of the security tests: a small directory with one official per role, cases at the
own post and another post at two sensitivities, and helpers for the second factor (an enrolled
authenticator app whose current code the test can read). Every test seals with the session's
test keyring.

The directory is its own, not the shared ``support.world``: the matrix and the attack suites
are written against exactly these rows. Posts VIENNA (the officials' own post) and BONN; at
VIENNA a case officer, a committee member, a committee chair, the senior US representative,
an invited representative and an official without roles; in Washington an IDC member, a DCI
delegate, an auditor and an administrator; and a signed-in user who is no official. Everyone is
cleared SECRET.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from defector.accounts import mfa
from defector.cases import actions as case_actions
from defector.cases.models import Case, Obligation
from defector.committees import actions as committee_actions
from defector.core import tokens
from defector.core.models import ApiToken, WorkerHeartbeat
from defector.directory.models import Official, RoleAssignment
from defector.dissemination import actions as dissemination_actions
from defector.escalations import actions as escalation_actions
from defector.exploitation import actions as exploitation_actions
from defector.notifications.actions import notify_officials
from defector.policy.gates.committees import REQUIRED_SECTIONS
from defector.policy.obligations import ObligationId
from defector.powers import actions as power_actions
from defector.publicity.models import Proposal
from defector.reports import actions as report_actions
from defector.traces import actions as trace_actions
from support.builders import DEMO_PASSWORD, TRUE_NAME, make_committee, make_official
from support.require import skip_or_fail
from support.world import World as SharedWorld
from support.world import build_world

PASSWORD = DEMO_PASSWORD
IDENTITY = {
    "true_name": TRUE_NAME,
    "aliases": "A. N. Shevchenko",
    "birth_date": "1930-10-11",
    "birth_place": "Horlivka, Ukrainian SSR",
    "identity_documents": "Soviet diplomatic passport D-0412277",
}


@pytest.fixture(autouse=True)
def _sealed(sealing_keys: None) -> None:
    """Every test here seals with the session's test keyring (``support.fixtures``)."""


#: A signed statement's scan (a minimal PDF).
SIGNED_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


#: Facts of a potential defector still under control: recruitment in place is to be
#: considered (5a(1)), an obligation of the case.
UNDER_CONTROL: dict[str, Any] = {
    "location": "AT",
    "nationalities": ["PL"],
    "dissatisfied": True,
    "susceptible": True,
    "special_value": ["operational"],
}


#: The roles of the matrix and of the attack tests: (name, role, where) — ``where`` is
#: "own" (VIENNA), "washington" (no post), or None for no role at all.
ROLE_PLACES: dict[str, tuple[str | None, str | None]] = {
    "case_officer": ("case_officer", "own"),
    "committee_member": ("committee_member", "own"),
    "committee_chair": ("committee_chair", "own"),
    "senior_representative": ("senior_representative", "own"),
    "invited_representative": ("invited_representative", "own"),
    "idc_member": ("idc_member", "washington"),
    "dci_delegate": ("dci_delegate", "washington"),
    "auditor": ("auditor", "washington"),
    "administrator": ("administrator", "washington"),
    "no_role": (None, "own"),
    "not_an_official": (None, None),
}


#: The parts of the shared world (``support.world``) the security tests build.
WORLD_PARTS = ("cia", "vienna", "bonn", "alpha")


class World(SharedWorld):
    """VIENNA, BONN, the CIA and ALPHA of the shared world, one user per role of
    ``ROLE_PLACES``, and the cases."""

    users: dict[str, User]
    #: Cases by (post code, sensitivity): ("VIENNA", "SECRET") …
    cases: dict[tuple[str, str], Case]

    def __init__(self, **parts: Any) -> None:
        super().__init__(**parts)
        self.users = {}
        self.cases = {}

    def official(self, name: str) -> Official | None:
        return Official.objects.filter(user=self.users[name]).first()


def make_world(with_cases: bool = True) -> World:
    world = World(**vars(build_world(WORLD_PARTS)))
    cia = world.cia
    users = get_user_model().objects
    for name, (role, where) in ROLE_PLACES.items():
        user = users.create_user(
            username=name.replace("_", "."),
            password=PASSWORD,
            first_name=name.split("_")[0].title(),
            last_name="Tester",
        )
        world.users[name] = user
        if where is None:
            continue
        post = world.vienna if where == "own" else None
        person = Official.objects.create(user=user, agency=cia, post=post, clearance="SECRET")
        if role is not None:
            RoleAssignment.objects.create(official=person, role=role, post=post)
    bonn_officer = users.create_user(username="bonn.officer", password=PASSWORD)
    person = Official.objects.create(
        user=bonn_officer, agency=cia, post=world.bonn, clearance="TOP SECRET"
    )
    RoleAssignment.objects.create(official=person, role="case_officer", post=world.bonn)
    vienna_top = users.create_user(username="vienna.top", password=PASSWORD)
    person = Official.objects.create(
        user=vienna_top, agency=cia, post=world.vienna, clearance="TOP SECRET"
    )
    RoleAssignment.objects.create(official=person, role="case_officer", post=world.vienna)
    if with_cases:
        officer = world.official("case_officer")
        assert officer is not None
        for post, opener in ((world.vienna, vienna_top), (world.bonn, bonn_officer)):
            for sensitivity in ("SECRET", "TOP SECRET"):
                case = case_actions.open_case(
                    acting_user=opener,
                    post_id=post.pk,
                    sensitivity=sensitivity,
                    **IDENTITY,
                )
                if post == world.vienna:
                    case.officers.add(officer)
                invited = world.official("invited_representative")
                if post == world.vienna and invited is not None and hasattr(case, "invited"):
                    case.invited.add(invited)
                world.cases[(post.code, sensitivity)] = case
    return world


@pytest.fixture
def world(db: Any) -> World:
    return make_world()


#: The kinds of record ``furnish`` makes, keyed by where they belong: a case's records by the
#: case's key (post code, sensitivity), a committee's by its post's code.
Records = dict[str, dict[Any, int]]


def _version(case: Case) -> int:
    case.refresh_from_db()
    return case.version


def furnish(world: World) -> Records:
    """A real record of every kind an address names, made through the actions, at the own
    post (VIENNA) and another (BONN). For each case: a bona fides check, a voluntary
    statement, a task (the case officer's on the own SECRET case), the obligation to consider
    recruitment in place (its facts say so) and an inducement plan (after that consideration
    and a 7a determination). For each post's committee: a meeting with an agenda item (at
    VIENNA the invited representative invited), held, its minutes approved and forwarded to
    the IDC; procedures in effect and a draft revising them; guidance; a person on the
    briefing register; a mutual problem, referred to the IDC. And a notice to the case
    officer. BONN's committee gets its own chair and senior representative, and VIENNA a
    senior representative cleared TOP SECRET, to make them."""
    users = world.users
    cia = world.cia
    bonn_chair = make_official(
        "bonn.chair", ("committee_chair", world.bonn), agency=cia, clearance="TOP SECRET"
    )
    bonn_senior = make_official(
        "bonn.senior", ("senior_representative", world.bonn), agency=cia, clearance="TOP SECRET"
    )
    makers = {
        "VIENNA": (users["committee_chair"], users["senior_representative"]),
        "BONN": (bonn_chair, bonn_senior),
    }
    openers = {
        "VIENNA": get_user_model().objects.get(username="vienna.top"),
        "BONN": get_user_model().objects.get(username="bonn.officer"),
    }
    # 7a is determined by the post's senior US representative cleared for the case: at
    # VIENNA one cleared TOP SECRET besides the matrix's (cleared SECRET).
    seniors = {
        "VIENNA": make_official(
            "vienna.senior",
            ("senior_representative", world.vienna),
            agency=cia,
            clearance="TOP SECRET",
        ),
        "BONN": bonn_senior,
    }
    records: Records = {}

    def keep(kind: str, where: Any, pk: int) -> None:
        records.setdefault(kind, {})[where] = pk

    today = timezone.localdate()
    officer = world.official("case_officer")
    assert officer is not None
    notice = notify_officials([officer], "case", "The matrix's notice.")[0]
    keep("notice", "-", notice.pk)
    # A watch list naming the subjects, so that each case's trace has a hit on it (6b(3)(b)).
    watchlist = trace_actions.import_watchlist(
        acting_user=None,
        source="matrix-list",
        data=f"reference,name\nM-1,{TRUE_NAME}\n".encode(),
    )
    keep("source", "-", watchlist.source.pk)
    # A requirement of the catalogue (4a), taken up by every case.
    requirement = exploitation_actions.create_requirement(
        acting_user=None,
        code="MATRIX-1",
        title="The matrix's requirement",
        issuing_agency=cia,
        priority=1,
        active_from=today - dt.timedelta(days=30),
    )
    keep("requirement", "-", requirement.pk)
    keep("requirement", "VIENNA", requirement.pk)
    # A theater of war recorded by the DCI's delegate (1): one that reaches none of the cases.
    delegate = world.users["dci_delegate"]
    power = power_actions.record_power(
        acting_user=delegate,
        kind="war_theater",
        reference="Matrix theater",
        countries=["LB"],
        starts_on=today,
    )
    keep("power", "-", power.pk)
    for (code, sensitivity), case in world.cases.items():
        opener = openers[code]
        analyst = Official.objects.get(user=opener)
        where = (code, sensitivity)
        check = case_actions.add_bona_fides_check(
            acting_user=opener,
            case_id=case.pk,
            expected_version=_version(case),
            kind="debriefing_consistency",
            analyst_id=analyst.pk,
        )
        keep("check", where, check.pk)
        statement = case_actions.record_statement(
            acting_user=opener,
            case_id=case.pk,
            expected_version=_version(case),
            language_code="ru",
            language_name="Russian",
            text_original="Прошу убежища.",
            text_english="I ask for asylum.",
            signed_at=timezone.now(),
            signature_file=SimpleUploadedFile("statement.pdf", SIGNED_PDF),
        )
        keep("statement", where, statement.pk)
        assignee = world.official("case_officer") if where == ("VIENNA", "SECRET") else analyst
        assert assignee is not None
        task = case_actions.create_task(
            acting_user=opener,
            case_id=case.pk,
            expected_version=_version(case),
            title="Name trace through the station",
            due_on=today + dt.timedelta(days=7),
            official_id=assignee.pk,
        )
        keep("task", where, task.pk)
        case_actions.update_facts(
            acting_user=opener,
            case_id=case.pk,
            expected_version=_version(case),
            facts=UNDER_CONTROL,
        )
        obligation = Obligation.objects.get(
            case=case, identifier=ObligationId.CONSIDER_RECRUITMENT_IN_PLACE
        )
        keep("obligation", where, obligation.pk)
        case_actions.consider_recruitment_in_place(
            acting_user=opener,
            case_id=case.pk,
            expected_version=_version(case),
            conclusion="induce_defection",
            reasoning="About to be recalled; no access worth keeping in place.",
        )
        senior = seniors[code]
        case_actions.determine_political_risk(
            acting_user=senior,
            case_id=case.pk,
            expected_version=_version(case),
            subject="case",
            level="low",
            reasoning="A quiet approach abroad carries little political cost.",
        )
        plan = case_actions.record_inducement_plan(
            acting_user=opener,
            case_id=case.pk,
            expected_version=_version(case),
            description="A quiet approach at the reception.",
            group_size=1,
        )
        keep("plan", where, plan.pk)
        trace = trace_actions.run_trace(acting_user=opener, case_id=case.pk)
        keep("trace", where, trace.pk)
        keep("hit", where, trace.hits.get(kind="watchlist").pk)
        # threat information found (6b(3)(a)): a FLASH to the post's default distribution
        case_actions.update_facts(
            acting_user=opener,
            case_id=case.pk,
            expected_version=_version(case),
            facts={**UNDER_CONTROL, "threat_information": True},
        )
        report = dissemination_actions.issue_report(
            acting_user=opener,
            case_id=case.pk,
            precedence="flash",
            threatened="The chancery",
            location="The chancery's gate",
            timing="Tonight",
        )
        keep("threat-report", where, report.pk)
        # exploitation (4a): the requirement taken up, a debriefing with a file
        line = exploitation_actions.add_requirement(
            acting_user=opener, case_id=case.pk, requirement_id=requirement.pk
        )
        keep("case-requirement", where, line.pk)
        session = exploitation_actions.record_debriefing(
            acting_user=opener,
            case_id=case.pk,
            held_at=timezone.now() - dt.timedelta(hours=1),
            place="Safe house MATRIX",
            duration_minutes=60,
            notes="The matrix's notes.",
            attachments=[("Reel 1", SIGNED_PDF)],
        )
        keep("debriefing", where, session.pk)
        keep("attachment", where, session.attachments.get().pk)
        # A publicity proposal by the post's chair (6f), written directly: the matrix's chair
        # at VIENNA is not cleared for the TOP SECRET case, and the matrix needs one on each.
        proposer = Official.objects.get(user=makers[code][0])
        proposal = Proposal.objects.create(
            case=case,
            proposed_by=proposer,
            summary="A press conference.",
            window_start=today + dt.timedelta(days=30),
            channels=["press"],
            risks="Reprisals.",
        )
        keep("proposal", where, proposal.pk)
        # a status report to the IDC drafted by the case's opener (6d)
        idc_report = report_actions.draft_report(
            acting_user=opener, case_id=case.pk, expected_version=_version(case)
        )
        keep("idc-report", where, idc_report.pk)
    for code, post in (("VIENNA", world.vienna), ("BONN", world.bonn)):
        chair, senior = makers[code]
        committee = make_committee(post)
        keep("committee", code, committee.pk)
        starts = timezone.now() + dt.timedelta(days=3)
        meeting = committee_actions.schedule_meeting(
            acting_user=chair,
            committee_id=committee.pk,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=1),
            place="Secure conference room",
        )
        keep("meeting", code, meeting.pk)
        item = committee_actions.add_agenda_item(
            acting_user=chair, meeting_id=meeting.pk, title="The walk-in drill"
        )
        keep("agenda-item", code, item.pk)
        if code == "VIENNA":
            invited = world.official("invited_representative")
            assert invited is not None
            committee_actions.invite_to_meeting(
                acting_user=chair, meeting_id=meeting.pk, official_id=invited.pk
            )
        # held, its minutes approved and forwarded: the IDC receives them
        committee_actions.mark_meeting_held(
            acting_user=chair, meeting_id=meeting.pk, now=starts + dt.timedelta(hours=2)
        )
        committee_actions.save_minutes(
            acting_user=chair, meeting_id=meeting.pk, text="The walk-in drill was held."
        )
        committee_actions.approve_minutes(acting_user=chair, meeting_id=meeting.pk)
        committee_actions.forward_minutes(acting_user=chair, meeting_id=meeting.pk)
        sections = {key: f"How the post provides for {key}." for key in REQUIRED_SECTIONS}
        effective = committee_actions.create_procedures_draft(
            acting_user=chair, committee_id=committee.pk, sections=sections
        )
        committee_actions.approve_procedures(acting_user=chair, version_id=effective.pk)
        committee_actions.approve_procedures(acting_user=senior, version_id=effective.pk)
        keep("procedures-effective", code, effective.pk)
        draft = committee_actions.create_procedures_draft(
            acting_user=chair,
            committee_id=committee.pk,
            sections={**sections, next(iter(sections)): "Revised."},
        )
        keep("procedures", code, draft.pk)
        guidance = committee_actions.issue_guidance(
            acting_user=senior,
            committee_id=committee.pk,
            title="Contacts with the press",
            body="No member speaks to the press.",
        )
        keep("guidance", code, guidance.pk)
        person = committee_actions.add_to_briefing_register(
            acting_user=senior,
            committee_id=committee.pk,
            name="Sgt. J. Doyle",
            position="marine_security_guard",
        )
        keep("briefed", code, person.pk)
        problem = escalation_actions.raise_problem(
            acting_user=chair, post_id=post.pk, title="Housing the walk-in"
        )
        # referred to the IDC through CIA channels (6c): the IDC sees it from now on
        escalation_actions.request_referral(
            acting_user=chair, problem_id=problem.pk, summary="Decide on the housing."
        )
        escalation_actions.note_direct_communication(
            acting_user=chair, problem_id=problem.pk, summary="Cabled."
        )
        escalation_actions.transmit_referral(acting_user=chair, problem_id=problem.pk)
        keep("problem", code, problem.pk)
    # A move of each case proposed by its opener (an assigned case officer): VIENNA's cases to
    # BONN, BONN's to VIENNA, awaiting the receiving chair (cases.transfers).
    for (code, sensitivity), case in world.cases.items():
        case.refresh_from_db()
        transfer = case_actions.propose_transfer(
            acting_user=openers[code],
            case_id=case.pk,
            expected_version=case.version,
            to_post_id=(world.bonn if code == "VIENNA" else world.vienna).pk,
            kind="exfiltration",
            reason="The matrix asks.",
        )
        keep("transfer", (code, sensitivity), transfer.pk)
    # A worker's heartbeat, as a running `defector worker` leaves: /readyz answers 200 (the
    # probes come first in the URL resolver, so well within READY_HEARTBEAT_SECONDS).
    WorkerHeartbeat.objects.create(worker="matrix")
    return records


def token_for(user: User, scope: str = "write") -> str:
    """A fresh API token of ``user`` (made directly: no audit record in the way)."""
    plain = tokens.new_token()
    ApiToken.objects.create(
        user=user,
        name="security tests",
        prefix=plain[:10],
        digest=tokens.digest(plain),
        scope=scope,
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    return plain


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    def make(username: str = "kestrel", **extra: Any) -> User:
        return get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)

    return make


def enrol(user: User) -> TOTPDevice:
    """Give ``user`` a confirmed authenticator app (as if enrolled)."""
    return TOTPDevice.objects.create(
        user=user, name="Authenticator app", key=mfa.new_totp_key(), confirmed=True
    )


def code_of(device: TOTPDevice, *, step: int = 0) -> str:
    """The device's code ``step`` periods from now (0: the current one)."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, step=device.step, digits=device.digits)
    totp.time = totp.time + step * device.step
    return str(totp.token()).zfill(device.digits)


def csrf_post(client: Client, url: str, data: dict[str, Any], *, page: str = "") -> Any:
    """POST a form the way a browser does: fetch the page with the form, then send it."""
    client.get(page or url)
    token = client.cookies["csrftoken"].value
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


@dataclass(frozen=True)
class Kit:
    """The helpers above, for test modules (which cannot import this conftest)."""

    password: str = PASSWORD
    true_name: str = TRUE_NAME
    identity: dict[str, str] = field(default_factory=lambda: dict(IDENTITY))
    roles: dict[str, tuple[str | None, str | None]] = field(default_factory=lambda: ROLE_PLACES)
    enrol: Callable[[User], TOTPDevice] = enrol
    code_of: Callable[..., str] = code_of
    csrf_post: Callable[..., Any] = csrf_post
    token_for: Callable[..., str] = token_for
    make_world: Callable[..., World] = make_world
    furnish: Callable[[World], Records] = furnish
    skip_or_fail: Callable[[str, str], None] = skip_or_fail


@pytest.fixture
def kit() -> Kit:
    return Kit()


# --- what the site offers: URL patterns and API operations, found, never listed by hand -----


@dataclass(frozen=True)
class Route:
    """A page's URL pattern: its name (``namespace:name``), route and parameter names."""

    name: str
    route: str
    params: tuple[str, ...]

    @property
    def namespace(self) -> str:
        return self.name.split(":", 1)[0] if ":" in self.name else ""


@dataclass(frozen=True)
class Operation:
    """An API operation of the OpenAPI document."""

    method: str
    path: str
    params: tuple[str, ...]
    query: tuple[str, ...]
    has_body: bool
    body_schema: dict[str, Any] | None

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def namespace(self) -> str:
        return "api:" + self.path.removeprefix("/api/v1/").split("/", 1)[0]


def site_routes() -> list[Route]:
    """Every named URL pattern of the site, from the resolver, except the API's (which the
    OpenAPI document describes operation by operation)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[Route] = []

    def walk(patterns: Any, prefix: str, namespace: str, params: tuple[str, ...]) -> None:
        for pattern in patterns:
            converters = tuple(getattr(pattern.pattern, "converters", {}).keys())
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "api":
                    continue
                inner = pattern.namespace or namespace
                walk(
                    pattern.url_patterns, prefix + str(pattern.pattern), inner, params + converters
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                found.append(Route(name, "/" + prefix + str(pattern.pattern), params + converters))

    walk(get_resolver().url_patterns, "", "", ())
    return found


def api_operations() -> list[Operation]:
    """Every operation of the API's OpenAPI document."""
    from defector.api import api

    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            parameters = operation.get("parameters", [])
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            body_schema = body.get("schema")
            if body_schema is not None:
                body_schema = {**body_schema, "components": {"schemas": components}}
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    params=tuple(p["name"] for p in parameters if p["in"] == "path"),
                    query=tuple(p["name"] for p in parameters if p["in"] == "query"),
                    has_body="requestBody" in operation,
                    body_schema=body_schema,
                )
            )
    return found


@pytest.fixture
def routes() -> list[Route]:
    return site_routes()


@pytest.fixture
def operations() -> list[Operation]:
    return api_operations()
