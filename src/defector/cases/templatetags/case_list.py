"""The case list's rows and its filters' fields, written out in Python: ``{% load case_list %}``,
``{% case_list_rows rows %}`` (``rows``: pairs of a ``CaseRow`` and its link) and
``{% filter_field form.post %}`` (``web/includes/field.html`` for one control).

The same HTML, byte for byte, as the loop of template tags and the includes they replace; fifty
rows of eight cells, and seven includes of a field, cost the template engine more than the
page's SQL takes (``docs/benchmarks.md``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from html import escape
from typing import Final

from django import template
from django.forms import BoundField
from django.template.defaultfilters import join
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from defector.cases.queries import CaseRow
from defector.cases.templatetags.cases import utc, words

register = template.Library()

_NONE_ASSESSED = '<span class="text-base">None assessed</span>'


def _row(case: CaseRow, link: str, zone: dt.tzinfo) -> str:
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
    iso = opened.astimezone(zone).isoformat()  # ``timezone.localtime``, the zone read once
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
    zone = timezone.get_current_timezone()
    return mark_safe("".join(_row(case, link, zone) for case, link in rows))  # noqa: S308  (escaped)


#: The controls ``web/includes/field.html`` writes another way (its other branches).
_BOXES: Final = frozenset({"checkbox", "checkboxselectmultiple"})


@register.simple_tag(takes_context=True)
def filter_field(context: template.Context, field: BoundField) -> SafeString:
    """``{% include "web/includes/field.html" with field=field %}`` for a control that is not a
    checkbox (the list's selects and its text; a checkbox is refused): the same HTML, byte for
    byte, its values escaped as the template escapes them."""
    if field.widget_type in _BOXES:
        raise template.TemplateSyntaxError(f"{field.name}: include web/includes/field.html")
    errors = field.errors
    error = " usa-form-group--error" if errors else ""
    label_error = " usa-label--error" if errors else ""
    required = (
        ' <abbr title="required" class="usa-hint usa-hint--required">*</abbr>'
        if field.field.required and not context.get("hide_required")
        else ""
    )
    auto_id = conditional_escape(field.auto_id)
    help_text = (
        f'<div class="usa-hint" id="{auto_id}_helptext">{conditional_escape(field.help_text)}</div>'
        if field.help_text
        else ""
    )
    shown = (
        f'<span class="usa-error-message" id="{auto_id}_error">{join(errors, " ")}</span>'
        if errors
        else ""
    )
    return mark_safe(  # noqa: S308  (every value escaped, the control Django's own HTML)
        f'\n\n<div class="usa-form-group{error}">'
        f'\n  <label class="usa-label{label_error}" '
        f'for="{conditional_escape(field.id_for_label)}">{conditional_escape(field.label)}'
        f"{required}</label>"
        f"\n  {help_text}"
        f"\n  {shown}"
        f"\n  {field}"  # the control: Django's HTML (``BoundField.__html__`` is ``str``)
        "\n</div>\n\n"
    )
