"""The case list's rows, written out in Python: ``{% load case_list %}``,
``{% case_list_rows rows %}`` (``rows``: pairs of a ``CaseRow`` and its link).

The same HTML, byte for byte, as the loop of template tags it replaces; fifty rows of eight
cells each cost the template engine more than the page's SQL takes (``docs/benchmarks.md``)."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from defector.cases.queries import CaseRow
from defector.cases.templatetags.cases import utc, words

register = template.Library()

_NONE_ASSESSED = '<span class="text-base">None assessed</span>'


def _row(case: CaseRow, link: str) -> str:
    # ``html.escape``: what Django's ``escape`` does to a plain string (every value here is
    # one: the row's own text, a choice's label, a link), without its wrapping for lazy text.
    cryptonym = escape(case.cryptonym)
    outcome = f": {escape(case.outcome_label.lower())}" if case.outcome else ""
    categories = (
        ", ".join(escape(words(category)) for category in case.categories) or _NONE_ASSESSED
    )
    overdue = case.overdue_count
    marked = ' class="text-error-dark"' if overdue else ""
    opened = case.opened_at
    iso = timezone.localtime(opened).isoformat()
    return (
        f'\n    <tr data-case="{cryptonym}"{marked}>'
        f'\n      <th scope="row" data-label="Cryptonym"><a class="usa-link" '
        f'href="{escape(link)}">{cryptonym}</a></th>'
        f'\n      <td data-label="Kind">{escape(case.kind_label)}</td>'
        f'\n      <td data-label="Post">{escape(case.post)}</td>'
        f'\n      <td data-label="Stage" data-stage="{escape(case.stage)}">'
        f"{escape(case.stage_label)}{outcome}</td>"
        f'\n      <td data-label="Categories">{categories}</td>'
        f'\n      <td data-label="Obligations">{case.open_count} open'
        + (
            f' <span class="usa-tag bg-error-dark" data-overdue>{overdue} overdue</span>'
            if overdue
            else ""
        )
        + "</td>"
        f'\n      <td data-label="Sensitivity">{escape(case.sensitivity)}</td>'
        f'\n      <td data-label="Opened"><time datetime="{iso}">'
        f"{escape(utc(opened))}</time></td>"
        "\n    </tr>\n    "
    )


@register.simple_tag
def case_list_rows(rows: Iterable[tuple[CaseRow, str]]) -> SafeString:
    """The ``<tr>`` of each row, every value escaped."""
    return mark_safe("".join(_row(case, link) for case, link in rows))  # noqa: S308  (escaped)
