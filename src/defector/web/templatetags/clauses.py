"""Template filters that cite the directive: ``{% load clauses %}``.

- ``{{ key|clause_link }}``: the clause key as a link to its text on the directive page, with
  the clause's title as the link's accessible description (and tooltip).
- ``{{ key|clause_url }}``, ``{{ key|clause_title }}``: the pieces, for custom markup.
- ``{{ clause|clause_text }}``: a clause's text with ``[withheld]`` passages marked.
"""

from __future__ import annotations

import functools

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from defector.policy.citations import CLAUSES, Clause

register = template.Library()

WITHHELD = "[withheld]"


def _clause(key: object) -> Clause | None:
    return CLAUSES.get(str(key))


@functools.lru_cache(maxsize=64)
def _directive_url(prefix: str, urlconf: str | None) -> str:
    """The directive page's address under ``prefix`` and ``urlconf``: a page cites a clause
    dozens of times, and resolving the address each time was a tenth of its rendering."""
    return reverse("web:directive", urlconf=urlconf)


@register.filter
def clause_url(key: object) -> str:
    """``/directive/#clause-2e`` for ``2e``; empty for a key the directive does not have."""
    found = _clause(key)
    if found is None:
        return ""
    return f"{_directive_url(get_script_prefix(), get_urlconf())}#{found.anchor}"


@register.filter
def clause_title(key: object) -> str:
    found = _clause(key)
    return found.title if found is not None else ""


@register.filter
def clause_link(key: object) -> SafeString:
    """The key as a link to the clause; a key the directive does not have stays plain text."""
    found = _clause(key)
    if found is None:
        return format_html('<span class="clause-key">{}</span>', key)
    return _link(found.key, _directive_url(get_script_prefix(), get_urlconf()))


@functools.lru_cache(maxsize=1024)
def _link(key: str, directive_url: str) -> SafeString:
    """A clause's link, built once per directive address (a page has dozens)."""
    found = CLAUSES[key]
    return format_html(
        '<a class="usa-link clause-link" href="{}#{}" title="{}">'
        '<span class="usa-sr-only">Clause </span>{}</a>',
        directive_url,
        found.anchor,
        found.title,
        found.key,
    )


@register.filter
def clause_text(found: Clause) -> SafeString:
    """The clause's text, escaped, with each withheld passage marked as such."""
    parts = [conditional_escape(part) for part in found.text.split(WITHHELD)]
    mark = format_html(
        '<span class="clause-withheld">{}<span class="usa-sr-only"> '
        "(passage withheld in the released copy)</span></span>",
        WITHHELD,
    )
    return mark_safe(mark.join(parts))  # noqa: S308 - every part is escaped above
