"""Parts of the case page written out in Python: ``{% load case_page %}``.

- ``{% case_tabs tabs case.id %}``: the row of tabs' items (``sections.Tab``), each a link to
  its tab (``cases:detail`` for the Overview, ``cases:tab`` for the others), marked current,
  with its badge.

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
from defector.core.reversing import current_app, reverse

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


@register.simple_tag(takes_context=True)
def case_tabs(context: Any, tabs: Iterable[Tab], case_id: int) -> SafeString:
    """The ``<li>`` of each tab (the row of tabs of ``cases/detail.html``)."""
    app = current_app(context)
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
    return mark_safe("".join(items))  # noqa: S308  (every value escaped)
