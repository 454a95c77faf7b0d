"""The case page's header, Next steps panel and summary, written out in Python
(``{% load case_overview %}``), are the HTML of the templates they replaced, byte for byte
(``tests/cases/reference/``: ``header.html``, ``next_steps.html``, ``overview.html`` as they
were), over every branch: a case before the grant with its blockers, one ready for the grant,
one granted, one closed (with and without the move form to reopen it), a move form posted
back with its errors, and values that need escaping."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.template import engines
from django.test import RequestFactory

from defector.cases.forms import MoveForm
from defector.cases.queries import CaseView, ObligationView, OfficialRef
from defector.cases.queries.detail import OutcomeChoice, StageChoice
from defector.cases.queries.overview import CaseOverview
from defector.cases.sections import NextStep
from defector.cases.templatetags import case_overview
from defector.directory.models import Post
from defector.policy import Decision

REFERENCE = Path(__file__).parent / "reference"
NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
ODD = 'O\'Brien <b>&"x"'


def a_case(**changes: Any) -> CaseView:
    case = CaseView(
        id=4321,
        cryptonym="ICEFALL",
        kind="walk_in",
        kind_label="Walk-in",
        kind_clause="2e",
        post=Post(name="Embassy <Vienna>", code="VIE&NA"),
        sensitivity="SECRET",
        compartments=["ALPHA", "B<C>"],
        officers=[OfficialRef(1, "Dana Galloway"), OfficialRef(2, ODD)],
        opened_at=NOW - dt.timedelta(days=30),
        opened_by=OfficialRef(1, "Dana Galloway"),
        version=17,
        identity=[],
        can_reveal=False,
        received_at=NOW - dt.timedelta(days=30, hours=2),
        received_where="Side entrance & gate",
        request_other="Asylum <for> family",
        stage="determination",
        stage_label="Determination",
        changed_at=NOW - dt.timedelta(days=2),
        changed_by=None,
        can_change=True,
        next_stages=[
            StageChoice("bona_fides", "Bona fides", ("6b(3)(b)",), "go back", True),
            StageChoice("closed", "Closed", (), "close the case with its outcome", False),
        ],
        closing_outcomes=[
            OutcomeChoice("granted", "Defector status granted", ("6b(2)",)),
            OutcomeChoice("withdrew", "Withdrew <x>", ("6b(3)(c)", "zz")),
        ],
    )
    return dataclasses.replace(case, **changes)


def an_obligation(number: int, **changes: Any) -> ObligationView:
    item = ObligationView(
        id=900 + number,
        identifier="report_to_idc",
        clause="6d",
        clause_title="",
        title=f"Report {number} <to> the IDC",
        owner=OfficialRef(1, ODD),
        status="open",
        status_label="Open",
        arose_at=NOW - dt.timedelta(days=3),
        due_at=NOW + dt.timedelta(hours=5 * number - 7, minutes=13),
        due_text="",
        overdue=5 * number - 7 < 0,
        closed_at=None,
        closed_by=None,
        evidence="",
        evidence_label="",
        evidence_id="",
        note="",
    )
    return dataclasses.replace(item, **changes)


BLOCKED = Decision(False, ("2a",), "no assessment finds a defector")
MET = Decision(True, ("6b(3)(b)",), "bona fides established")
STEPS = [
    NextStep("Check <the> traces", ("6b(3)(b)", "2a"), "two open", tab="name-traces"),
    NextStep("Read the guidance", (), url="/directive/?a=1&b=2"),
    NextStep(ODD, ("zz",), due_at=NOW + dt.timedelta(days=2, hours=3)),
]
BLOCKERS = [
    NextStep("Assess the facts", ("2a",), "no assessment <finds> one", tab="assessment"),
    NextStep("Resolve", ("7a", "6b(2)"), "the risk is not determined"),
    NextStep("Resolve", (), "nothing cited"),
]
DUE = [
    an_obligation(1),
    an_obligation(2, due_at=None, due_text="before status <is> granted"),
    an_obligation(3, owner=None),
]

SCENES: dict[str, dict[str, Any]] = {
    "blocked": {
        "case": a_case(),
        "categories": None,
        "overview": CaseOverview(
            None, "", [BLOCKED, MET], BLOCKED, due=DUE, open_obligations=len(DUE) + 2
        ),
        "blockers": BLOCKERS,
        "next_steps": STEPS,
        "moving": True,
    },
    "ready": {
        "case": a_case(compartments=[], officers=[], opened_by=None, request_other=""),
        "categories": ["defector", "walk_in", "odd_<one>"],
        "overview": CaseOverview(["defector"], "", [MET], MET, due=DUE[:1], open_obligations=1),
        "blockers": [],
        "next_steps": [],
        "moving": True,
    },
    "granted": {
        "case": a_case(changed_at=None, received_where=""),
        "categories": [],
        "overview": CaseOverview([], "grant"),
        "blockers": [],
        "next_steps": STEPS[:1],
        "moving": False,
    },
    "closed": {
        "case": a_case(
            stage="closed",
            stage_label="Closed",
            outcome="withdrew",
            outcome_label="Withdrew <Early>",
            next_stages=[StageChoice("reception", "Reopen", ("6b(1)",), "reopen", True)],
            closing_outcomes=[],
            opened_by=OfficialRef(3, ""),
            changed_by=OfficialRef(2, ODD),
        ),
        "categories": ["defector"],
        "overview": CaseOverview(["defector"], "decline"),
        "blockers": [],
        "next_steps": [],
        "moving": True,
    },
    "closed, not to be reopened by this reader": {
        "case": a_case(stage="closed", stage_label="Closed", outcome="", outcome_label=""),
        "categories": None,
        "overview": CaseOverview(None, ""),
        "blockers": [],
        "next_steps": [],
        "moving": False,
    },
}


def render(source: str, context: dict[str, Any]) -> str:
    request = RequestFactory().get("/cases/4321/")
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        html = engines["django"].from_string(source).render(context, request)
    return CSRF.sub(r"\1-\2", html)


def reference(name: str) -> str:
    return (REFERENCE / f"{name}.html").read_text()


def contexts(scene: dict[str, Any], posted: dict[str, str] | None) -> tuple[dict[str, Any], ...]:
    """The context of the templates (``move_form`` whenever it is shown) and of the tags
    (``can_move``, and ``move_form`` only when posted back)."""
    shared = {key: value for key, value in scene.items() if key != "moving"}
    before, after = dict(shared), dict(shared, can_move=scene["moving"])
    if scene["moving"]:
        form = MoveForm(posted, case=scene["case"]) if posted is not None else None
        before["move_form"] = form or MoveForm(case=scene["case"])
        if form is not None:
            form.is_valid()
            after["move_form"] = form
    return before, after


@pytest.mark.parametrize("name", list(SCENES))
@pytest.mark.parametrize("posted", [None, {"version": "17", "reason": "x" * 2001}])
def test_the_header_next_steps_and_summary_are_the_html_of_their_templates(
    name: str, posted: dict[str, str] | None
) -> None:
    before, after = contexts(SCENES[name], posted)
    for template, tag in (
        ("header", "case_header"),
        ("next_steps", "case_next_steps"),
        ("overview", "case_summary"),
    ):
        new = render(f"{{% load case_overview %}}{{% {tag} %}}", after)
        assert new == render(reference(template), before), template
        assert render(f"{{% load case_overview %}}{{% {tag} %}}", after) == new  # remembered


def test_the_move_form_remembered_for_a_set_of_stages_takes_each_case_s_id_and_version() -> None:
    case_overview._unbound_moves.clear()
    scene = SCENES["blocked"]
    for number, case in enumerate([a_case(), a_case(id=7, version=1), a_case(id=17, version=7)]):
        before, after = contexts(dict(scene, case=case), None)
        new = render("{% load case_overview %}{% case_summary %}", after)
        assert new == render(reference("overview"), before)
        assert f'action="/cases/{case.id}/stage/"' in new
        assert f'name="version" value="{case.version}"' in new
        assert len(case_overview._unbound_moves) == 1, number
    hidden = render(
        "{% load case_overview %}{% case_summary %}",
        contexts(scene, None)[1] | {"hide_required": True},
    )
    assert 'title="required"' not in hidden
    assert len(case_overview._unbound_moves) == 2
