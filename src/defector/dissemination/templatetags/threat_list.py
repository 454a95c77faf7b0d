"""The case list's marker of threat information not yet disseminated (``6b(3)(a)``), written
out in Python: ``{% load threat_list %}``, ``{% threat_list_banner data %}`` (``data``:
``dissemination.queries.list_banner_data``'s).

The same HTML, byte for byte, as the template it replaces (kept in
``tests/dissemination/reference/list_banner.html`` and compared by
``tests/dissemination/test_list_banner_rendering.py``): for each of up to fifty cases, a link,
two times and a countdown cost the template engine more than the rest of the list's content
(``docs/benchmarks.md``)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from html import escape
from typing import Any

from django import template
from django.templatetags.static import static
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from defector.cases.templatetags.cases import utc
from defector.core import reversing

register = template.Library()


@functools.lru_cache(maxsize=4096)
def _due(due_at: dt.datetime, zone: dt.tzinfo) -> tuple[str, str]:
    """A due time's ``|date:'c'`` in ``zone`` and its ``|utc``, escaped: once per process for
    each time (the same cases are listed page after page)."""
    return escape(due_at.astimezone(zone).isoformat()), escape(utc(due_at))


def _item(item: Any, head: str, tail: str, zone: dt.tzinfo) -> str:
    cryptonym = escape(item.cryptonym)
    due = ""
    if item.due_at:
        iso, shown = _due(item.due_at, zone)  # ``timezone.localtime``, the zone read once
        due = (
            f': due <time datetime="{iso}">{shown}</time>, '
            f'<span data-countdown-due="{iso}">{escape(str(item.wait))}</span>'
        )
    return (
        f'<li data-threat-case="{cryptonym}"><a class="usa-link text-bold" '
        f'href="{escape(f"{head}{item.case_id}{tail}")}">{cryptonym}</a> '
        f"({escape(str(item.post))}){due}</li>"
    )


@register.simple_tag(takes_context=True)
def threat_list_banner(context: template.Context, data: Mapping[str, Any]) -> SafeString:
    """The marker for ``data`` (its ``items`` and its ``clause``), every value escaped."""
    items = data["items"]
    rendering = context.template
    engine = rendering.engine if rendering is not None else template.Engine.get_default()
    clause_link = engine.template_libraries["clauses"].filters["clause_link"]
    # Each case's address: one reversed, the ids written in (``{% url 'cases:detail' id %}``).
    sample = 987654321
    head, tail = reversing.reverse(
        "cases:detail", [sample], {}, reversing.current_app(context)
    ).split(str(sample))
    zone = timezone.get_current_timezone()
    listed = "".join(_item(item, head, tail, zone) for item in items)
    return mark_safe(  # noqa: S308  (every value escaped)
        '<div class="usa-alert usa-alert--error margin-bottom-3" role="region" '
        'aria-labelledby="threat-list-heading" data-threat-list-banner>'
        '\n  <div class="usa-alert__body">'
        '\n    <h2 class="usa-alert__heading" id="threat-list-heading">'
        f"Threat information not yet disseminated: {len(items)}</h2>"
        '\n    <p class="usa-alert__text">Disseminate it as a matter of immediate priority '
        f"({clause_link(data['clause'])}): open the case and issue its threat report.</p>"
        f'\n    <ul class="usa-list">\n      {listed}\n    </ul>'
        "\n  </div>"
        "\n</div>"
        f'\n<script src="{escape(static("dissemination/countdown.js"))}" defer></script>'
    )
