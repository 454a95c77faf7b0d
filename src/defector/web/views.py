"""Views of the shell: home, Assess, the directive, and the error pages (signing in and out:
``accounts.views``).

Thin by design: the Assess view shapes the form into the contract's facts object, hands it to
``queries.facts_from`` (the policy's one validator) and ``policy.assess``, and renders.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any, Final

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.generic import TemplateView

from defector import policy
from defector.cases.forms import AssessForm
from defector.core.errors import InvalidInput
from defector.policy.citations import CLAUSES, Clause
from defector.policy.definitions import CATEGORY_CLAUSE
from defector.policy.obligations import OBLIGATIONS_BY_ID
from defector.web import queries
from defector.web.context_processors import constants
from defector.web.work import my_work

logger = logging.getLogger(__name__)


class HomeView(LoginRequiredMixin, TemplateView):
    """ "My work" (what waits for the signed-in official, each item linked to where it is
    done), then the areas of the system (available and planned)."""

    template_name = "web/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["work"] = my_work(self.request.user)
        return context


# --- Assess -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cited:
    """Something the outcome lists, with the clause that decides it."""

    identifier: str
    label: str
    clause: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class FindingRow:
    clause: str
    title: str
    holds: bool
    because: str


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def present(outcome: policy.Outcome, facts: policy.Facts, data: dict[str, Any]) -> dict[str, Any]:
    """The template's view of an outcome: each item with its clause and the clause's title."""
    categories = [
        Cited(str(c), CLAUSES[CATEGORY_CLAUSE[c]].title, CATEGORY_CLAUSE[c])
        for c in outcome.categories
    ]
    rules = [OBLIGATIONS_BY_ID[o] for o in outcome.obligations]
    obligations = [Cited(str(r.identifier), r.title, r.clause, r.when) for r in rules]
    findings = [
        FindingRow(f.clause, CLAUSES[f.clause].title, f.holds, f.because) for f in outcome.findings
    ]
    return {
        "outcome": outcome,
        "facts": facts,
        "categories": categories,
        "obligations": obligations,
        "findings": findings,
        "outcome_json": _json(outcome.to_dict()),
        "facts_json": _json(data),
    }


class AssessView(LoginRequiredMixin, TemplateView):
    """Fill in a person's facts; see the categories, scope, obligations and every finding."""

    template_name = "web/assess.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", AssessForm())
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = AssessForm(request.POST)
        context: dict[str, Any] = {"form": form}
        if form.is_valid():
            data = form.facts_data()
            try:
                facts = queries.facts_from(data)
            except InvalidInput as exc:
                form.add_policy_errors(exc.errors)
            else:
                context.update(present(policy.assess(facts), facts, data))
        return self.render_to_response(self.get_context_data(**context))


# --- the directive ------------------------------------------------------------------------

#: The directive's numbered sections (their headings are not clauses of their own).
SECTION_TITLES: Final[dict[str, str]] = {
    "1": "Purpose",
    "2": "Definitions",
    "3": "Other nationals",
    "4": "Objectives",
    "5": "Operating principles of the program",
    "6": "Responsibilities of local Defector Committees",
    "7": "Responsibilities of the Senior US Representative in the area",
}
_SECTION = re.compile(r"[0-9]+")


@dataclass(frozen=True, slots=True)
class ClauseRow:
    clause: Clause
    depth: int

    @property
    def heading_level(self) -> int:
        """h3 for a clause, h4 for its sub-clauses, and so on (the page's h2 is the section)."""
        return min(3 + self.depth, 6)


@dataclass(frozen=True, slots=True)
class DirectiveSection:
    number: str
    title: str
    clauses: list[ClauseRow]

    @property
    def anchor(self) -> str:
        return f"section-{self.number}"


def directive_sections() -> list[DirectiveSection]:
    """Every clause of the directive, in order, grouped by section, with its nesting depth."""
    sections: list[DirectiveSection] = []
    for clause in CLAUSES.values():
        match = _SECTION.match(clause.key)
        number = match.group(0) if match else clause.key
        if not sections or sections[-1].number != number:
            sections.append(DirectiveSection(number, SECTION_TITLES.get(number, ""), []))
        sections[-1].clauses.append(ClauseRow(clause, clause.key.count("(")))
    return sections


class DirectiveView(LoginRequiredMixin, TemplateView):
    """The directive's clauses, each at its anchor, as every clause link cites them."""

    template_name = "web/directive.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sections"] = directive_sections()
        return context


# --- error pages (settings: handler400, handler403, handler404, handler500) ---------------


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "web/errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "web/errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "web/errors/404.html", {"request_path": request.path}, status=404)


_PLAIN_500: Final = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    "<title>Server error</title></head><body><main><h1>Server error</h1>"
    "<p>Something went wrong on our side. It has been logged. Please try again later.</p>"
    "</main></body></html>"
)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, rendered without the request: no session, user or database needed."""
    body: str
    try:
        body = loader.render_to_string("web/errors/500.html", constants())
    except Exception:
        logger.exception("the 500 page could not be rendered")
        body = _PLAIN_500
    return HttpResponseServerError(body)
