"""The case page's header and its Overview tab, written out in Python: ``{% load case_overview %}``.

- ``{% case_header %}``: the header of every tab (cryptonym, kind, stage, categories,
  sensitivity, post) from the context's ``case`` (``queries.CaseView``) and ``categories``;
- ``{% case_next_steps %}``: the Next steps panel of the Overview (what blocks the grant, the
  sections' own steps, the obligations next due, the move) from ``case``, ``overview``,
  ``blockers``, ``next_steps`` and ``can_move``;
- ``{% case_summary %}``: the Overview's summary table and, with ``can_move``, the form
  that moves the case on (or reopens it): ``move_form`` when the view has one (a form posted
  back with its errors), else a new one (``MoveForm``), rendered once per process for each set
  of stages to go to.

The same HTML, byte for byte, as the templates they replaced (``cases/page/header.html``,
``next_steps.html``, ``overview.html``: the Overview is the case's own address, the page read
most, and walking their few hundred nodes cost the template engine more than the reads behind
them; ``docs/benchmarks.md``). Values are escaped as ``{{ }}`` escapes them
(``conditional_escape``), addresses as ``{% url %}`` writes them, times as ``|date:'c'``,
``|utc`` and ``|countdown`` write them; a clause is cited with the ``clause_link`` filter the
templates load (``{% load clauses %}``), and the error summary is the shared template's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import replace
from html import escape
from types import SimpleNamespace
from typing import Any, Final

from django import template
from django.forms import BoundField
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from defector.cases.forms import MoveForm
from defector.cases.templatetags.case_list import filter_field
from defector.cases.templatetags.case_page import tab_addresses_of
from defector.cases.templatetags.cases import countdown, utc, words
from defector.core.rendering import addressing, csrf_input
from defector.core.reversing import current_app, reverse

register = template.Library()

#: The clause of the grant of defector status, cited in the Next steps panel.
GRANT_CLAUSE: Final = "6b(2)"
_ERROR_SUMMARY: Final = "web/includes/error_summary.html"
_VERSION_NOTE: Final = "cases/includes/version_note.html"
#: How many renderings of the unbound move form are kept (one for each set of stages).
KEPT: Final = 256
#: The id and version the unbound move form is rendered with, to be replaced by a case's own.
_SAMPLE: Final = SimpleNamespace(id=90000000000000001, version=90000000000000002)
_unbound_moves: dict[tuple[Any, ...], tuple[str, str]] = {}
_NO_CATEGORY: Final = "None: the assessment finds none of the directive's categories"


def _e(value: Any) -> str:
    """``{{ value }}`` of a value that is not a number or a time: a plain string escaped by
    ``html.escape``, what Django's ``escape`` does to one without its wrapping for lazy text."""
    if type(value) is str:
        return escape(value)
    return conditional_escape(value)


def _iso(moment: dt.datetime) -> str:
    """``{{ moment|date:'c' }}``: the time in the current zone (times are aware: ``USE_TZ``),
    in ISO 8601."""
    return (timezone.localtime(moment) if timezone.is_aware(moment) else moment).isoformat()


def _clause_link(context: Any) -> Callable[[str], str]:
    """The ``clause_link`` filter the case templates load (``{% load clauses %}``), from the
    engine that renders this page: each clause's link asked once per tag."""
    link: Callable[[str], str] = context.template.engine.template_libraries["clauses"].filters[
        "clause_link"
    ]
    links: dict[str, str] = {}

    def cite(key: str) -> str:
        try:
            return links[key]
        except KeyError:
            links[key] = found = link(key)
            return found

    return cite


def _categories(categories: Iterable[str] | None) -> str:
    """The categories as assessed, as the header and the summary show them."""
    if categories is None:
        return "None assessed yet"
    tags = "".join(
        f'<span class="usa-tag shell-tag-category">{_e(words(category))}</span> '
        for category in categories
    )
    return tags or _NO_CATEGORY


def _name_or(ref: Any, default: str) -> str:
    """``{{ ref.name|default:default }}`` (``ref`` an ``OfficialRef`` or ``None``)."""
    name = getattr(ref, "name", "") if ref is not None else ""
    return _e(name) if name else default


@register.simple_tag(takes_context=True)
def case_header(context: Any) -> SafeString:
    """The header of the case page (``<header data-case-header>``)."""
    case = context["case"]
    outcome = f" ({_e(case.outcome_label.lower())})" if case.outcome else ""
    compartments = f" ({_e(', '.join(case.compartments))})" if case.compartments else ""
    post = _e(case.post.name)
    return mark_safe(  # noqa: S308  (every value escaped)
        '<header class="case-header" data-case-header>\n'
        f'  <h1 class="margin-bottom-1">{_e(case.cryptonym)}</h1>\n'
        f'  <p class="usa-intro margin-top-0">{_e(case.kind_label)} received at {post} on '
        f'<time datetime="{_iso(case.received_at)}">{_e(utc(case.received_at))}</time>.</p>\n'
        '  <dl class="case-header__facts">\n'
        f'    <div><dt>Stage</dt><dd data-case-stage="{_e(case.stage)}"><strong>'
        f"{_e(case.stage_label)}</strong>{outcome}</dd></div>\n"
        "    <div><dt>Categories</dt><dd data-header-categories>"
        f"{_categories(context.get('categories'))}</dd></div>\n"
        "    <div><dt>Sensitivity</dt><dd data-header-sensitivity>"
        f"{_e(case.sensitivity)}{compartments}</dd></div>\n"
        f"    <div><dt>Post</dt><dd data-header-post>{post}</dd></div>\n"
        "  </dl>\n"
        "</header>\n"
    )


def _cited(link: Callable[[str], str], clauses: Iterable[str]) -> str:
    """``{% for clause in clauses %}{{ clause|clause_link }}, …{% endfor %}``."""
    return ", ".join(link(clause) for clause in clauses)


def _grant(context: Any, case: Any, overview: Any, link: Callable[[str], str], tab: Any) -> str:
    """The panel's first part: the case closed, the grant's blockers or readiness, or the
    grant made."""
    if case.closed:
        outcome = f": {_e(case.outcome_label.lower())}" if case.outcome else ""
        reopen = " It may be reopened below." if context.get("can_move") else ""
        return f"\n      <p data-next-closed>The case is closed{outcome}.{reopen}</p>\n      "
    if overview.grant_checklist:
        if overview.grant.allowed:
            return (
                "\n        \n        <p data-grant-ready>Everything a grant of defector status "
                f'needs is in place ({link(GRANT_CLAUSE)}): <a class="usa-link" '
                f'href="{tab("status")}">record the status determination</a>.</p>\n'
                "        \n      "
            )
        items = []
        for step in context.get("blockers") or ():
            first = _e(step.clauses[0]) if step.clauses else ""
            text = _e(step.text)
            what = (
                f'<a class="usa-link text-bold" href="{tab(step.tab)}">{text}</a>'
                if step.tab
                else f"<strong>{text}</strong>"
            )
            items.append(
                f'<li data-blocker="{first}">{what} ({_cited(link, step.clauses)}): '
                f"{_e(step.detail)}.</li>"
            )
        return (
            '\n        \n        <h3 class="margin-top-0 margin-bottom-1 font-sans-sm" '
            'id="grant-blockers-heading">What blocks the grant of defector status '
            f"({link(GRANT_CLAUSE)})</h3>\n"
            '        <ul class="usa-list margin-top-0" data-grant-blockers '
            'aria-labelledby="grant-blockers-heading">\n'
            f"          {''.join(items)}\n"
            "        </ul>\n"
            "        \n      "
        )
    if overview.status == "grant":
        return (
            "\n      <p data-granted>Defector status is granted "
            f"({link(GRANT_CLAUSE)}).</p>\n      "
        )
    return ""


def _more_steps(steps: list[Any], link: Callable[[str], str], tab: Any) -> str:
    """The sections' own steps (``sections.NextStep``), a list when there are any."""
    parts = []
    for step in steps:
        text = _e(step.text)
        if step.tab:
            what = f'<a class="usa-link" href="{tab(step.tab)}">{text}</a>'
        elif step.url:
            what = f'<a class="usa-link" href="{_e(step.url)}">{text}</a>'
        else:
            what = text
        cited = f" ({_cited(link, step.clauses)})" if step.clauses else ""
        detail = f": {_e(step.detail)}" if step.detail else ""
        due = (
            f', due <time datetime="{_iso(step.due_at)}">{_e(utc(step.due_at))}</time> '
            f"({_e(countdown(step.due_at))})"
            if step.due_at
            else ""
        )
        parts.append(f"\n        <li>{what}{cited}{detail}{due}.</li>\n      ")
    if not parts:
        return ""
    return f'<ul class="usa-list margin-top-1" data-more-steps>{"".join(parts)}</ul>'


def _due(case: Any, overview: Any, link: Callable[[str], str], tab: Any, app: Any) -> str:
    """The obligations next due, with a link to them all when more are open."""
    if not overview.due:
        return (
            '\n      <p class="margin-top-0" data-next-due-none>No obligation is open.</p>\n      '
        )
    # One address reversed, each obligation's id put in it (as ``{% url %}`` writes it).
    head, _, tail = reverse("cases:obligation", [case.id, _SAMPLE.id], None, app).partition(
        str(_SAMPLE.id)
    )
    items = []
    for item in overview.due:
        url = _e(f"{head}{item.id}{tail}")
        if item.due_at:
            strong = ' class="text-error-dark"' if item.overdue else ""
            when = (
                f'due <time datetime="{_iso(item.due_at)}">{_e(utc(item.due_at))}</time>, '
                f"<strong{strong}>{_e(countdown(item.due_at))}</strong>"
            )
        else:
            when = _e(item.due_text)
        owner = f" ({_e(item.owner.name)})" if item.owner else ""
        overdue = (
            '<span class="usa-tag bg-error-dark" data-overdue>Overdue</span>'
            if (item.overdue)
            else ""
        )
        items.append(
            f'<li data-due="{_e(item.identifier)}">{link(item.clause)} '
            f'<a class="usa-link" href="{url}">{_e(item.title)}</a>: {when}{owner} '
            f"{overdue}\n</li>"
        )
    more = (
        f'<p class="margin-top-1"><a class="usa-link" href="{tab("obligations")}">All '
        f"{overview.open_obligations} open obligations</a></p>"
        if overview.open_obligations > len(overview.due)
        else ""
    )
    return (
        '\n      <ul class="usa-list margin-top-0" data-next-due aria-labelledby="due-heading">\n'
        f"        {''.join(items)}\n"
        f"      </ul>\n      {more}\n      "
    )


@register.simple_tag(takes_context=True)
def case_next_steps(context: Any) -> SafeString:
    """The Next steps panel of the Overview (``<section data-next-steps>``)."""
    case = context["case"]
    overview = context["overview"]
    link = _clause_link(context)
    app = current_app(context)

    tab_address = tab_addresses_of(context, case.id, app)

    def tab(key: str) -> str:
        return _e(tab_address(key))

    move = ""
    if context.get("can_move") and not case.closed:
        stages = ", ".join(_e(choice.label) for choice in case.next_stages)
        move = (
            '<p class="margin-bottom-0" data-next-move><a class="usa-link" '
            f'href="#move-heading">Move the case on</a>: {stages}.</p>'
        )
    return mark_safe(  # noqa: S308  (every value escaped)
        '<section class="usa-summary-box case-next-steps" aria-labelledby="next-steps-heading" '
        "data-next-steps>\n"
        '  <div class="usa-summary-box__body">\n'
        '    <h2 class="usa-summary-box__heading" id="next-steps-heading">Next steps</h2>\n'
        '    <div class="usa-summary-box__text">\n'
        f"      {_grant(context, case, overview, link, tab)}\n"
        f"      {_more_steps(list(context.get('next_steps') or ()), link, tab)}\n"
        '      <h3 class="margin-bottom-1 font-sans-sm" id="due-heading">'
        "Obligations next due</h3>\n"
        f"      {_due(case, overview, link, tab, app)}\n"
        f"      {move}\n"
        "    </div>\n"
        "  </div>\n"
        "</section>\n"
    )


def _include(context: Any, name: str, **values: Any) -> str:
    """``{% include name with values %}``."""
    with context.push(**values):
        return str(context.template.engine.get_template(name).render(context))


def _move_parts(
    context: Any, case: Any, form: Any, link: Callable[[str], str], app: Any
) -> tuple[str, str]:
    """The form that moves the case on (or reopens it), with the stages it may go to: the
    HTML before its CSRF token and after."""
    stages = "".join(
        f"<li><strong>{_e(choice.label)}</strong>"
        + "".join(f" {link(clause)}" for clause in choice.clauses)
        + f": {_e(choice.reason)}{' (give a reason)' if choice.needs_reason else ''}.</li>"
        for choice in case.next_stages
    )
    closing = ""
    if case.closing_outcomes:
        outcomes = "; ".join(
            _e(outcome.label.lower()) + "".join(f" ({link(clause)})" for clause in outcome.clauses)
            for outcome in case.closing_outcomes
        )
        closing = f"<li><strong>Closed</strong>, as: {outcomes}.</li>"
    fields: dict[str, BoundField] = {name: form[name] for name in form.fields}
    outcome = (
        '<div class="grid-col-12 tablet:grid-col-4">'
        f"{filter_field(context, fields['outcome'])}</div>"
        if "outcome" in fields
        else ""
    )
    action = _e(reverse("cases:move", [case.id], None, app))
    head = (
        '\n<section class="margin-top-3" aria-labelledby="move-heading">\n'
        f'  <h3 id="move-heading">{"Reopen the case" if case.closed else "Move the case on"}</h3>\n'
        '  <ul class="usa-list">\n'
        f"    {stages}\n"
        f"    {closing}\n"
        "  </ul>\n"
        f'  <form method="post" action="{action}" novalidate aria-labelledby="move-heading">\n'
        "    "
    )
    tail = (
        "\n"
        f"    {_include(context, _ERROR_SUMMARY, form=form)}\n"
        f"    {fields['version']}\n"
        '    <div class="grid-row grid-gap-lg">\n'
        '      <div class="grid-col-12 tablet:grid-col-4">'
        f"{filter_field(context, fields['to'])}</div>\n"
        f"      {outcome}\n"
        "    </div>\n"
        f"    {filter_field(context, fields['reason'])}\n"
        '    <div class="shell-actions"><button type="submit" class="usa-button">'
        f"{'Reopen' if case.closed else 'Move'}</button></div>\n"
        f"    {_include(context, _VERSION_NOTE)}\n"
        "  </form>\n"
        "</section>\n"
    )
    return head, tail


def _filled(parts: tuple[str, str], case: Any) -> tuple[str, str]:
    """The parts of the move form rendered for :data:`_SAMPLE`, with ``case``'s own id and
    version in place of the sample's."""
    values = ((str(_SAMPLE.id), str(case.id)), (str(_SAMPLE.version), str(case.version)))
    filled = []
    for part in parts:
        for sample, value in values:
            part = part.replace(sample, value)
        filled.append(part)
    return filled[0], filled[1]


def _move(
    context: Any, case: Any, form: MoveForm | None, link: Callable[[str], str], app: Any
) -> str:
    """The move form (:func:`_move_parts`) with this request's CSRF token: ``form`` (the
    view's), else a new one. A new one is the same HTML for every case with the same stages
    to go to but for the case's id and version: it is rendered once per process for those
    stages (with the sample's id and version, put in its place each time), as long as the
    case's own rendering is that."""
    if form is not None:
        head, tail = _move_parts(context, case, form, link, app)
        return f"{head}{csrf_input(context)}{tail}"
    key = (
        tuple(case.next_stages),
        tuple(case.closing_outcomes),
        case.closed,
        bool(context.get("hide_required")),
        *addressing(context),
    )
    parts = _unbound_moves.get(key)
    if parts is None:
        head, tail = _move_parts(context, case, MoveForm(case=case), link, app)
        sample = replace(case, id=_SAMPLE.id, version=_SAMPLE.version)
        with context.push(case=sample):
            sampled = _move_parts(context, sample, MoveForm(case=sample), link, app)
        if _filled(sampled, case) == (head, tail):  # else rendered each time
            if len(_unbound_moves) >= KEPT:
                _unbound_moves.clear()
            _unbound_moves[key] = sampled
        return f"{head}{csrf_input(context)}{tail}"
    head, tail = _filled(parts, case)
    return f"{head}{csrf_input(context)}{tail}"


@register.simple_tag(takes_context=True)
def case_summary(context: Any) -> SafeString:
    """The Overview's summary of the case (``<section data-section="overview">``) and, with
    ``can_move``, the form that moves it on."""
    case = context["case"]
    link = _clause_link(context)
    app = current_app(context)
    where = f", {_e(case.received_where)}" if case.received_where else ""
    other = (
        '<tr><th scope="row">Also asked for</th><td data-field="request_other">'
        f"{_e(case.request_other)}</td></tr>"
        if case.request_other
        else ""
    )
    outcome = f": {_e(case.outcome_label)}" if case.outcome else ""
    assessment = _e(tab_addresses_of(context, case.id, app)("assessment"))
    officers = ", ".join(_e(officer.name) for officer in case.officers) or "None assigned"
    changed = (
        f"{_e(utc(case.changed_at))} by {_name_or(case.changed_by, 'the system')}; "
        if case.changed_at
        else ""
    )
    moving = context.get("can_move")
    row = '    <tr><th scope="row">'
    return mark_safe(  # noqa: S308  (every value escaped, the controls Django's own HTML)
        '<section class="case-tab-panel" aria-labelledby="case-heading" data-section="overview">\n'
        '<h2 id="case-heading">Summary</h2>\n'
        '<table class="usa-table usa-table--borderless" aria-labelledby="case-heading">\n'
        "  <tbody>\n"
        f'{row}Cryptonym</th><td data-field="cryptonym">{_e(case.cryptonym)}</td></tr>\n'
        f'{row}Kind</th><td data-field="kind">{_e(case.kind_label)} '
        f"({link(case.kind_clause)})</td></tr>\n"
        f'{row}Post</th><td data-field="post">{_e(case.post.name)} '
        f'<span class="shell-identifier">{_e(case.post.code)}</span></td></tr>\n'
        f'{row}Received</th><td data-field="received">{_e(utc(case.received_at))}{where}'
        "</td></tr>\n"
        f"    {other}\n"
        f'{row}Stage</th><td data-field="stage">{_e(case.stage_label)}{outcome}</td></tr>\n'
        f'{row}Categories</th><td data-field="categories">'
        f"{_categories(context.get('categories'))} "
        f'<a class="usa-link" href="{assessment}">The assessment</a></td></tr>\n'
        f'{row}Sensitivity</th><td data-field="sensitivity">{_e(case.sensitivity)}</td></tr>\n'
        f'{row}Compartments</th><td data-field="compartments">'
        f"{_e(', '.join(case.compartments)) or 'None'}</td></tr>\n"
        f'{row}Assigned officers</th><td data-field="officers">{officers}</td></tr>\n'
        f'{row}Opened by</th><td data-field="opened_by">'
        f"{_name_or(case.opened_by, 'The system')}, {_e(utc(case.opened_at))}</td></tr>\n"
        f'{row}Last changed</th><td data-field="version">{changed}version {case.version}'
        "</td></tr>\n"
        "  </tbody>\n"
        "</table>\n"
        "\n"
        f"{_move(context, case, context.get('move_form'), link, app) if moving else ''}\n"
        "</section>\n"
    )
