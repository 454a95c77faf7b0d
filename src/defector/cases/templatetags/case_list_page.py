"""The case list page's content, written out in Python: ``{% load case_list_page %}``,
``{% case_list_content %}`` (the content block of ``cases/index.html``: its banners, its
heading, the filters, the search of the notes, the table and its pages).

The same HTML, byte for byte, as the template it replaces (kept in
``tests/cases/reference/index.html`` and compared by ``tests/cases/test_list_rendering.py``):
the template engine walked a hundred nodes of it on every request, a quarter of the page's
rendering beyond the rows themselves (``docs/benchmarks.md``). Its fixed parts are written
once for the addresses they hold; each banner is still its own template (``cases.sections``),
and the error summary ``web/includes/error_summary.html`` when the filters have errors."""

from __future__ import annotations

import functools
from collections.abc import Callable
from html import escape
from typing import Any, Final

from django import template
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe

from defector.cases.templatetags.case_list import case_list_rows, filter_field
from defector.core import reversing

register = template.Library()

#: The filters, in the order of the form, and the width of each one's column.
_FILTERS: Final = (
    ("post", "desktop:grid-col-3"),
    ("stage", "desktop:grid-col-2"),
    ("category", "desktop:grid-col-2"),
    ("overdue", "desktop:grid-col-2"),
    ("officer", "desktop:grid-col-3"),
    ("kind", "desktop:grid-col-3"),
    ("q", "desktop:grid-col-3"),
)
_ERROR_SUMMARY: Final = "web/includes/error_summary.html"
#: What ``web/includes/error_summary.html`` renders for a form without errors.
_NO_ERRORS: Final = "\n\n"


@functools.lru_cache(maxsize=64)
def _fixed(
    prefix: str, urlconf: Any, current_app: str | None, clause_link: Callable[[str], str]
) -> dict[str, str]:
    """The page's parts that depend only on its addresses (``prefix``, ``urlconf`` and
    ``current_app`` name them), each address escaped as ``{% url %}`` writes it, and the
    ``clause_link`` filter of the engine (``{% load clauses %}``)."""

    def url(name: str) -> str:
        return escape(reversing.reverse(name, [], {}, current_app))

    index = url("cases:index")
    return {
        "actions": (
            '\n  <div class="shell-actions">'
            f'\n    <a class="usa-button" href="{url("cases:new")}">Receive walk-in</a>'
            f'\n    <a class="usa-button usa-button--outline" href="{url("cases:report")}">'
            "Report a person</a>"
            "\n  </div>\n  "
        ),
        "intro": (
            '\n<p class="usa-intro">The cases you may see, each known only by its cryptonym. '
            "Reception of walk-ins and other disaffected persons follows "
            f"{clause_link('6b(1)')}.</p>"
            "\n\n"
            f'<form method="get" action="{index}" role="search" '
            'aria-labelledby="filter-heading" novalidate>\n  '
        ),
        "clear": (f'<a class="usa-button usa-button--outline" href="{index}">Clear</a>'),
        "search": (
            "\n    </div>\n  </div>\n</form>\n\n"
            f'<form method="get" action="{url("cases:search")}" role="search" '
            'class="usa-search usa-search--small margin-top-3" aria-label="Search the notes">'
            '\n  <label class="usa-sr-only" for="notes-q">Search the notes of your cases</label>'
            '\n  <input class="usa-input" id="notes-q" type="search" name="q" '
            'placeholder="Search the notes" maxlength="200">'
            '\n  <button class="usa-button" type="submit"><span class="usa-search__submit-text">'
            "Search notes</span></button>"
            "\n</form>\n\n"
        ),
    }


_HEAD: Final = (
    "\n  <thead>"
    "\n    <tr>"
    + "".join(
        f'\n      <th scope="col">{name}</th>'
        for name in (
            "Cryptonym",
            "Kind",
            "Post",
            "Stage",
            "Categories",
            "Obligations",
            "Sensitivity",
            "Opened",
        )
    )
    + "\n    </tr>"
    "\n  </thead>"
    "\n  <tbody>\n    "
)


def _engine(context: template.Context) -> template.Engine:
    """The engine rendering ``context``'s template (as ``{% include %}`` finds it)."""
    rendering = context.template
    return rendering.engine if rendering is not None else template.Engine.get_default()


def _banners(context: template.Context) -> str:
    """``{% for banner in banners %}{% include banner.template with data=banner.data %}``."""
    rendered = []
    engine = _engine(context)
    for banner in context.get("banners") or ():
        found = engine.get_template(banner.template)
        with context.push(data=banner.data):
            rendered.append(found.render(context))
    return "".join(rendered)


def _pages(page: Any, query: str) -> str:
    """The pagination below the table (a page among others)."""
    before = f"{escape(query)}&amp;" if query else ""
    previous = (
        '<li class="usa-pagination__item usa-pagination__arrow"><a class="usa-pagination__link '
        f'usa-pagination__previous-page" href="?{before}page={page.previous_page_number()}">'
        '<span class="usa-pagination__link-text">Previous</span></a></li>'
        if page.has_previous()
        else ""
    )
    following = (
        '<li class="usa-pagination__item usa-pagination__arrow"><a class="usa-pagination__link '
        f'usa-pagination__next-page" href="?{before}page={page.next_page_number()}">'
        '<span class="usa-pagination__link-text">Next</span></a></li>'
        if page.has_next()
        else ""
    )
    return (
        '\n<nav aria-label="Pages of cases" class="usa-pagination">'
        '\n  <ul class="usa-pagination__list">'
        f"\n    {previous}"
        '\n    <li class="usa-pagination__item usa-pagination__page-no">'
        '<span class="usa-pagination__button usa-current" aria-current="page">'
        f"{page.number}</span></li>"
        f"\n    {following}"
        "\n  </ul>"
        "\n</nav>\n"
    )


@register.simple_tag(takes_context=True)
def case_list_content(context: template.Context) -> SafeString:
    """The content block of the case list: ``banners``, ``can_open``, ``form``, ``filtered``,
    ``page``, ``rows`` and ``query`` of the page's context, every value escaped."""
    clause_link = _engine(context).template_libraries["clauses"].filters["clause_link"]
    fixed = _fixed(get_script_prefix(), get_urlconf(), reversing.current_app(context), clause_link)
    form = context["form"]
    filtered = context.get("filtered")
    can_open = context.get("can_open")
    summary: str = _NO_ERRORS
    if form.errors:
        summary = _engine(context).get_template(_ERROR_SUMMARY).render(context)
    parts = [
        "\n",
        _banners(context),
        '\n<div class="grid-row flex-justify flex-align-center">'
        '\n  <h1 class="margin-right-2">Cases</h1>\n  ',
        fixed["actions"] if can_open else "",
        "\n</div>",
        fixed["intro"],
        summary,
        '\n  <h2 id="filter-heading" class="usa-sr-only">Filter the cases</h2>'
        '\n  <div class="grid-row grid-gap-lg flex-align-end">',
    ]
    for name, width in _FILTERS:
        parts.append(
            f'\n    <div class="grid-col-12 tablet:grid-col-4 {width}">'
            f"{filter_field(context, form[name])}</div>"
        )
    parts.append(
        '\n    <div class="grid-col-12 tablet:grid-col-4 shell-actions margin-top-2">'
        '\n      <button type="submit" class="usa-button">Filter</button>\n      '
    )
    if filtered:
        parts.append(fixed["clear"])
    parts.append(fixed["search"])
    page = context["page"]
    count = page.paginator.count
    if count:
        other_pages = page.has_other_pages()
        of = f", page {page.number} of {page.paginator.num_pages}" if other_pages else ""
        parts += [
            '\n<table class="usa-table usa-table--borderless usa-table--stacked width-full" '
            "data-cases>"
            f"\n  <caption>{'Cases matching the filter' if filtered else 'Cases'}: "
            f"{count}{of}</caption>",
            _HEAD,
            case_list_rows(context["rows"]),
            "\n  </tbody>\n</table>\n",
            _pages(page, context.get("query") or "") if other_pages else "",
            "\n",
        ]
    elif filtered:
        parts.append("\n<p data-empty>No case you may see matches the filter.</p>\n")
    else:
        opening = " Receive a walk-in to open one." if can_open else ""
        parts.append(f"\n<p data-empty>There is no case you may see.{opening}</p>\n")
    parts.append("\n")
    return mark_safe("".join(parts))  # noqa: S308  (every value escaped, each part HTML)
