"""End to end in headless Chromium: a walk-in from the duty officer's first form to a grant of
defector status (``6b(1)``, ``6b(3)(b)``, ``6b(3)(c)``, ``7a``, ``6b(2)``), with the timeline
showing it all and axe-core on the main pages."""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The password of every user that ``make_user`` (tests/conftest.py) creates.
PASSWORD = "correct-horse-battery-staple-1976"


def sign_in(page: Any, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in/$"))


def choose(page: Any, selector: str) -> None:
    """Tick a USWDS checkbox or radio button by clicking its label (the input is moved off
    screen by the design system's styles, as a sighted user never clicks it)."""
    control = page.locator(selector)
    page.locator(f"label[for='{control.get_attribute('id')}']").click()
    expect(control).to_be_checked()


def png_1x1() -> bytes:
    """A valid one-pixel PNG: the scanned signed statement."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.fixture
def sealing_keys(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[None]:
    """Sealing keys for the whole test: the live server seals the statement's texts."""
    from defector.core import sealing

    keys = sealing.Keyring(primary="e2e", keys={"e2e": b"\x02" * 32}).to_json()
    settings.DEFECTOR_SEALING_KEYS = keys
    monkeypatch.setenv(sealing.KEYS_ENV, keys)
    sealing.reset_keyring()
    yield
    sealing.reset_keyring()


@pytest.fixture
def vienna(make_user: Callable[..., Any], settings: Any, sealing_keys: None) -> dict[str, Any]:
    """Embassy Vienna with its committee: a case officer on duty, the committee's chair, a DOD
    member (the witness), and the Senior US Representative (State), all cleared SECRET."""
    from defector.committees import actions
    from defector.directory.models import Agency, Official, Post, RoleAssignment

    cia = Agency.objects.create(code="CIA", name="Central Intelligence Agency")
    dod = Agency.objects.create(code="DOD", name="Department of Defense")
    state = Agency.objects.create(code="STATE", name="Department of State")
    post = Post.objects.create(code="VIENNA", name="Embassy Vienna", country="AT", city="Vienna")
    people: dict[str, Any] = {}
    for username, first, last, agency, role in (
        ("dana.reyes", "Dana", "Reyes", cia, "case_officer"),
        ("martin.hale", "Martin", "Hale", cia, "committee_chair"),
        ("paul.lindqvist", "Paul", "Lindqvist", dod, "committee_member"),
        ("ruth.adler", "Ruth", "Adler", state, "senior_representative"),
    ):
        user = make_user(username, first_name=first, last_name=last)
        official = Official.objects.create(user=user, agency=agency, post=post, clearance="SECRET")
        RoleAssignment.objects.create(official=official, role=role, post=post)
        people[username] = official
    committee, _ = actions.ensure_committee(post)
    return {"post": post, "committee": committee, **people}


def open_tab(page: Any, key: str) -> None:
    """Follow a tab of the case page, and wait for it to be the current one."""
    page.locator(f"[data-case-tabs] [data-tab={key}]").click()
    expect(page.locator(f"[data-case-tabs] [data-tab={key}]")).to_have_attribute(
        "aria-current", "page"
    )


def test_a_walk_in_from_reception_to_a_grant_of_defector_status(
    page: Any,
    vienna: dict[str, Any],
    problems: Any,
    assert_accessible: Callable[[Any], None],
    screenshot: Callable[[Any, str], None],
    tmp_path: Path,
) -> None:
    from defector.cases.models import Case

    # 1. The duty officer receives a walk-in (6b(1)).
    page.goto("/cases/")
    sign_in(page, "dana.reyes")
    expect(page).to_have_url(re.compile(r"/cases/$"))
    page.get_by_role("link", name="Receive walk-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Receive walk-in")
    assert_accessible(page)
    # Nationalities: a long list of checkboxes with a filter box (no Ctrl-click).
    page.get_by_label("Find in the list").first.fill("Soviet")
    choose(page, "input[name=nationalities][value=SU]")
    # The reception's details (post, time, place, sensitivity) are folded: defaults suffice.
    page.locator("[data-fold=reception] > summary").click()
    page.get_by_label("Where they presented themselves").fill("Consular section, front desk")
    for name in ("escaped_control", "dissatisfied", "susceptible", "willing_to_defect"):
        choose(page, f"input[name={name}]")
    choose(page, "input[name=special_value][value=information]")
    choose(page, "input[name=requests][value=asylum]")
    expect(page.locator("input[name=threat_information]")).not_to_be_checked()
    page.get_by_role("button", name="Open case").click()
    expect(page).to_have_url(re.compile(r"/cases/[0-9]+/$"))
    case = Case.objects.get()
    cryptonym = case.cryptonym
    expect(page.get_by_role("heading", level=1)).to_have_text(cryptonym)
    expect(page.locator("[data-field=categories]")).to_contain_text("defector")
    # The Overview opens with what blocks the grant, each with its clause and its tab.
    expect(page.locator("[data-next-steps] [data-blocker]")).to_have_count(3)
    open_tab(page, "obligations")
    obligations = page.locator("[data-obligations]")
    for title in (
        "Establish bona fides as expeditiously as possible",
        "Obtain a signed statement that the defection is voluntary and asylum is requested",
        "Senior US Representative determines the effect on political and diplomatic interests",
        "Consider defector status, balancing special value against political risk",
    ):
        expect(obligations.locator("[data-status=open]", has_text=title)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "case-opened")

    # 2. Bona fides (6b(3)(b)): a consistent check, then a verdict citing it.
    page.locator("[data-case-tabs] [data-tab=bona-fides]").click()
    expect(page).to_have_url(re.compile(r"/cases/[0-9]+/bona-fides/$"))
    check_form = page.locator("form", has=page.get_by_role("button", name="Add the check"))
    check_form.get_by_label(re.compile(r"^Check\b")).select_option("identity_documents")
    check_form.get_by_label("Analyst").select_option(label="Dana Reyes")
    check_form.get_by_label("Result").select_option("consistent")
    check_form.get_by_label("Date of the check").fill(timezone.localdate().isoformat())
    check_form.get_by_label("Finding").fill("Passport and service card genuine and consistent.")
    check_form.get_by_role("button", name="Add the check").click()
    expect(page.locator("[data-bona-fides-checks] [data-result=consistent]")).to_be_visible()
    verdict_form = page.locator("form", has=page.get_by_role("button", name="Record the verdict"))
    choose(page, "input[name=verdict][value=established]")
    choose(page, "input[name=checks]")
    verdict_form.get_by_label("Rationale").fill(
        f"{cryptonym}: documents genuine; account consistent with them."
    )
    verdict_form.get_by_role("button", name="Record the verdict").click()
    expect(page.locator("[data-verdict=established]")).to_be_visible()
    open_tab(page, "obligations")
    expect(
        page.locator("[data-obligation][data-status=done]", has_text="Establish bona fides")
    ).to_be_visible()

    # 3. The voluntary statement (6b(3)(c)), signed on paper and scanned.
    open_tab(page, "statement")
    page.get_by_role("link", name="Record the signed statement").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Voluntary statement")
    page.get_by_label("Language of the statement").fill("Russian")
    page.get_by_label("Language tag").fill("ru")
    page.get_by_label("The statement in the person's language").fill(
        "Я добровольно покидаю свою страну и прошу политического убежища."
    )
    page.get_by_label("The statement in English").fill(
        "I leave my country of my own free will and request political asylum."
    )
    choose(page, "input[name=signature_method][value=upload]")
    scan = tmp_path / "statement.png"
    scan.write_bytes(png_1x1())
    page.locator("input[type=file][name=signature_file]").set_input_files(str(scan))
    assert_accessible(page)
    page.get_by_role("button", name="Record the statement").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Voluntary statement")
    expect(page.locator("[data-statement-status]")).to_contain_text("Awaits a witness")
    expect(page.locator("[data-field=text_original]")).to_contain_text("убежища")
    expect(page.locator("[data-field=signature]")).to_contain_text("image/png")
    assert_accessible(page)
    statement_url = page.url
    case_url = f"/cases/{case.pk}/"
    sign_out(page)

    # 4. Another official of the post witnesses it.
    page.goto(statement_url)
    sign_in(page, "paul.lindqvist")
    page.get_by_role("button", name="I witnessed the signature").click()
    expect(page.locator("[data-field=witness]")).to_contain_text("Paul Lindqvist")
    expect(page.locator("[data-statement-status]")).to_contain_text("Counts")
    sign_out(page)

    # 5. The Senior US Representative determines the political risk of the case (7a).
    page.goto(case_url)
    sign_in(page, "ruth.adler")
    # Only 7a is left in the way of a grant: its link leads to the tab where it is done.
    blockers = page.locator("[data-next-steps] [data-blocker]")
    expect(blockers).to_have_count(1)
    blockers.get_by_role("link", name=re.compile("determines the political risk")).click()
    expect(page).to_have_url(re.compile(r"/cases/[0-9]+/political-risk/$"))
    risk_form = page.locator(f"form[action$='/cases/{case.pk}/political-risk/']")
    risk_form.get_by_label("Determination about").select_option("case")
    choose(page, "input[name=level][value=low]")
    risk_form.get_by_label("Reasoning").fill(
        f"{cryptonym}: a quiet reception; no diplomatic cost foreseen."
    )
    risk_form.get_by_role("button", name="Record the determination").click()
    expect(page.locator("[data-risk-in-force] [data-risk=case][data-level=low]")).to_be_visible()
    sign_out(page)

    # 6. The committee's chair records the grant, with each agency's position (6b(2)).
    page.goto(case_url)
    sign_in(page, "martin.hale")
    expect(page.locator("[data-grant-ready]")).to_be_visible()
    page.locator("[data-grant-ready]").get_by_role(
        "link", name="record the status determination"
    ).click()
    expect(page).to_have_url(re.compile(r"/cases/[0-9]+/status/$"))
    status_form = page.locator(f"form[action$='/cases/{case.pk}/status/']")
    choose(page, "input[name=decision][value=grant]")
    status_form.get_by_label("Special value weighed (2a(1)–(3))").fill(
        "New information on the service's order of battle (2a(1))."
    )
    status_form.get_by_label("Rationale: special value against political risk").fill(
        f"{cryptonym}: the value clearly outweighs a low political risk."
    )
    stances = status_form.locator("input[value=concur]")
    for index in range(stances.count()):
        choose(page, f"#{stances.nth(index).get_attribute('id')}")
    status_form.get_by_role("button", name="Record the determination").click()
    determination = page.locator("[data-status-determination][data-decision=grant]")
    expect(determination).to_be_visible()
    expect(determination.locator("[data-agency=CIA][data-stance=concur]")).to_be_visible()
    expect(determination.locator("[data-agency=DOD][data-stance=concur]")).to_be_visible()
    expect(page.locator("[data-case-stage]")).to_have_attribute("data-case-stage", "exploitation")
    assert_accessible(page)
    screenshot(page, "case-granted")
    open_tab(page, "overview")
    expect(page.locator("[data-field=stage]")).to_have_text("Exploitation")
    expect(page.locator("[data-next-steps] [data-granted]")).to_be_visible()

    # 7. The timeline shows it all, in order.
    open_tab(page, "timeline")
    timeline = page.locator("[data-timeline] li")
    expect(timeline.filter(has_text=f"case {cryptonym} opened")).to_contain_text(
        "Walk-in received at Embassy Vienna"
    )
    # Record numbers come from database sequences, which PostgreSQL does not rewind
    # between tests: match them as numbers.
    for line in (
        r"Bona fides check added: identity documents \(check \d+\), by Dana Reyes: consistent",
        r"Bona fides verdict \d+: established",
        r"Voluntary statement \d+ recorded \(Russian, signature scanned",
        r"Voluntary statement \d+ witnessed by Paul Lindqvist",
        r"Political risk of the case determined: low \(7a\)",
        r"Defector status granted \(6b\(2\)\), political risk low; every agency concurs",
        r"Stage: Determination → Exploitation",
    ):
        expect(timeline.filter(has_text=re.compile(line))).to_have_count(1)
    for who, kind in (
        ("Paul Lindqvist", "cases.voluntarystatement.witness"),
        ("Ruth Adler", "cases.politicalriskdetermination.record"),
        ("Martin Hale", "cases.statusdetermination.record"),
    ):
        expect(page.locator(f"[data-timeline] li[data-kind='{kind}']")).to_contain_text(who)
    screenshot(page, "case-timeline")

    case.refresh_from_db()
    assert case.stage == "exploitation"
    assert problems.items == []
