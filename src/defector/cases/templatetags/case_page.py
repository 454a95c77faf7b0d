"""Parts of the case page written out in Python: ``{% load case_page %}``.

- ``{% case_tabs tabs case.id %}``: the row of tabs' items (``sections.Tab``), each a link to
  its tab (``cases:detail`` for the Overview, ``cases:tab`` for the others), marked current,
  with its badge: written once per process for each row of tabs (their keys, labels, badges
  and the current one) and URL configuration, for a sample case, whose id is then replaced by
  the case's own;
- ``{% case_title %}``: the page's title (before the site's name): the cryptonym, the tab's
  title, ``Error:`` before them when a form came back with its errors.

The same HTML, byte for byte, as the loop of template tags each replaces (the case page is
shown on every tab of every case: its dozen or more tabs cost the template engine more than
the reads behind them; ``docs/benchmarks.md``). Values are escaped as ``{{ }}`` escapes them
(``conditional_escape``), addresses as ``{% url %}`` writes them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, Final

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from defector.cases.sections import OVERVIEW, Tab
from defector.core.rendering import addressing
from defector.core.reversing import reverse

register = template.Library()

#: A tab's key, as a sample for its address; keys that are slugs go in the address as they are.
_SAMPLE: Final = "tab-key-sample"
_SLUG: Final = re.compile(r"[-a-zA-Z0-9_]+")


def tab_addresses(case_id: int, app: str | None) -> Callable[[str], str]:
    """The address of each tab of the case's page but the Overview (``cases:tab``), as
    ``{% url 'cases:tab' case_id key %}`` writes it: one address reversed, each tab's key put
    in it (a key is a slug, written as it is)."""
    head, found, tail = reverse("cases:tab", [case_id, _SAMPLE], None, app).partition(_SAMPLE)
    shaped = bool(found) and _SAMPLE not in tail

    def address(key: str) -> str:
        if shaped and _SLUG.fullmatch(key):
            return f"{head}{key}{tail}"
        return reverse("cases:tab", [case_id, key], None, app)

    return address


#: Where :func:`tab_addresses_of` keeps its answers in a rendering's ``render_context``.
_TAB_ADDRESSES: Final = "defector.cases.templatetags.case_page.tab_addresses"


def tab_addresses_of(context: Any, case_id: int, app: str | None) -> Callable[[str], str]:
    """:func:`tab_addresses`, made once per rendering for each case and ``current_app`` (the
    Overview's Next steps and summary both ask it): what else an address depends on (the URL
    configuration, the script prefix, the language) does not change while a template renders
    (``core.rendering.addressing``)."""
    state = context.render_context
    kept: dict[tuple[Any, ...], Callable[[str], str]] | None = state.get(_TAB_ADDRESSES)
    if kept is None:
        kept = state[_TAB_ADDRESSES] = {}
    found = kept.get((case_id, app))
    if found is None:
        found = kept[(case_id, app)] = tab_addresses(case_id, app)
    return found


#: How many rows of tabs are kept written (:func:`case_tabs`), then forgotten all at once.
KEPT: Final = 1024
#: The case id the rows kept are written for, replaced by a case's own.
_SAMPLE_ID: Final = 90000000000000001
_rows: dict[tuple[Any, ...], str] = {}


@register.simple_tag(takes_context=True)
def case_tabs(context: Any, tabs: Iterable[Tab], case_id: int) -> SafeString:
    """The ``<li>`` of each tab (the row of tabs of ``cases/detail.html``): the same HTML for
    every case with the same tabs but for the case's id in their addresses, written once per
    process for those tabs (for :data:`_SAMPLE_ID`, replaced by the case's id), as long as
    the sample stands only in their addresses and the case's own writing is that."""
    addresses = addressing(context)
    app = addresses[2]
    row = tuple(tabs)
    key = (row, *addresses)
    kept = _rows.get(key)
    if kept is not None and type(case_id) is int:
        return mark_safe(kept.replace(str(_SAMPLE_ID), str(case_id)))  # noqa: S308
    written = _written_tabs(row, case_id, app)
    if type(case_id) is int and case_id != _SAMPLE_ID:
        sampled = _written_tabs(row, _SAMPLE_ID, app)
        # the sample only in the tabs' addresses, one each
        only = sampled.count(str(_SAMPLE_ID)) == len(row)
        if only and sampled.replace(str(_SAMPLE_ID), str(case_id)) == written:
            if len(_rows) >= KEPT:
                _rows.clear()
            _rows[key] = sampled
    return mark_safe(written)  # noqa: S308  (every value escaped)


def _written_tabs(tabs: Iterable[Tab], case_id: int, app: str | None) -> str:
    """The ``<li>`` of each tab, written out."""
    tab_address = tab_addresses(case_id, app)
    items = []
    for item in tabs:
        key = conditional_escape(item.key)
        if item.key == OVERVIEW:
            url = reverse("cases:detail", [case_id], None, app)
        else:
            url = tab_address(item.key)
        current = ' aria-current="page"' if item.current else ""
        badge = (
            f' <span class="case-tabs__badge" data-badge>{conditional_escape(str(item.badge))}'
            '<span class="usa-sr-only"> open</span></span>'
            if item.badge
            else ""
        )
        items.append(
            f'<li class="case-tabs__item"><a class="case-tabs__link" data-tab="{key}" '
            f'href="{conditional_escape(url)}"{current}>{conditional_escape(item.label)}'
            f"{badge}</a></li>"
        )
    return "".join(items)


@register.simple_tag(takes_context=True)
def case_title(context: Any) -> str:
    """``{% if has_errors or reveal_form.errors %}Error: {% endif %}{{ case.cryptonym }}{% if
    section %}: {{ section.title }}{% endif %}``."""
    reveal_form = context.get("reveal_form")
    failed = context.get("has_errors") or (reveal_form is not None and reveal_form.errors)
    section = context.get("section")
    title = f": {conditional_escape(section.title)}" if section else ""
    cryptonym = conditional_escape(context["case"].cryptonym)
    return mark_safe(f"{'Error: ' if failed else ''}{cryptonym}{title}")  # noqa: S308
