"""The case list's rows and its filters' fields, written out in Python: ``{% load case_list %}``,
``{% case_list_rows rows %}`` (``rows``: pairs of a ``CaseRow`` and its link) and
``{% filter_field form.post %}`` (``web/includes/field.html`` for one control).

The same HTML, byte for byte, as the loop of template tags and the includes they replace; fifty
rows of eight cells, and seven includes of a field, cost the template engine more than the
page's SQL takes (``docs/benchmarks.md``)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Hashable, Iterable
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


@functools.lru_cache(maxsize=4096)
def _escaped(text: str) -> str:
    """``html.escape``: what Django's ``escape`` does to a plain string (every value here is
    one: the row's own text, a choice's label, a link), without its wrapping for lazy text;
    kept for the values rows repeat (labels, posts, levels)."""
    return escape(text)


@functools.lru_cache(maxsize=4096)
def _categories(categories: tuple[str, ...]) -> str:
    return ", ".join(escape(words(category)) for category in categories) or _NONE_ASSESSED


def _row(case: CaseRow, link: str, zone: dt.tzinfo) -> str:
    cryptonym = escape(case.cryptonym)
    outcome = f": {_escaped(case.outcome_label.lower())}" if case.outcome else ""
    overdue = case.overdue_count
    marked = ' class="text-error-dark"' if overdue else ""
    opened = case.opened_at
    iso = opened.astimezone(zone).isoformat()  # ``timezone.localtime``, the zone read once
    return (
        f'\n    <tr data-case="{cryptonym}"{marked}>'
        f'\n      <th scope="row" data-label="Cryptonym"><a class="usa-link" '
        f'href="{escape(link)}">{cryptonym}</a></th>'
        f'\n      <td data-label="Kind">{_escaped(case.kind_label)}</td>'
        f'\n      <td data-label="Post">{_escaped(case.post)}</td>'
        f'\n      <td data-label="Stage" data-stage="{_escaped(case.stage)}">'
        f"{_escaped(case.stage_label)}{outcome}</td>"
        f'\n      <td data-label="Categories">{_categories(case.categories)}</td>'
        f'\n      <td data-label="Obligations">{case.open_count} open'
        + (
            f' <span class="usa-tag bg-error-dark" data-overdue>{overdue} overdue</span>'
            if overdue
            else ""
        )
        + "</td>"
        f'\n      <td data-label="Sensitivity">{_escaped(case.sensitivity)}</td>'
        f'\n      <td data-label="Opened"><time datetime="{iso}">'
        f"{escape(utc(opened))}</time></td>"
        "\n    </tr>\n    "
    )


#: The rows written, by their values, link and time zone (:func:`_row` depends on nothing
#: else): a page read again (the newest cases of a post, the list's first page) is written
#: from them.
_WRITTEN: dict[tuple[CaseRow, str, dt.tzinfo], str] = {}
_WRITTEN_SIZE: Final = 4096


@register.simple_tag
def case_list_rows(rows: Iterable[tuple[CaseRow, str]]) -> SafeString:
    """The ``<tr>`` of each row, every value escaped."""
    zone = timezone.get_current_timezone()
    written = []
    for case, link in rows:
        key = (case, link, zone)
        html = _WRITTEN.get(key)
        if html is None:
            if len(_WRITTEN) >= _WRITTEN_SIZE:
                _WRITTEN.clear()
            html = _WRITTEN[key] = _row(case, link, zone)
        written.append(html)
    return mark_safe("".join(written))  # noqa: S308  (escaped)


#: The controls ``web/includes/field.html`` writes another way (its other branches).
_BOXES: Final = frozenset({"checkbox", "checkboxselectmultiple"})


#: The fields rendered, by what their HTML depends on (:func:`_shown_as`), and how many kept:
#: the list's filters as most readers see them (no error), for each set of choices.
_RENDERED: dict[Hashable, SafeString] = {}
_RENDERED_SIZE: Final = 1024


def _shown_as(context: template.Context, field: BoundField) -> Hashable | None:
    """What the HTML of ``field`` without errors depends on beyond its form's class (its
    label, help text, widget and field): its name, id, attributes, choices and value, and
    whether the page hides the required mark; ``None`` when one of them cannot be a key."""
    widget = field.field.widget
    choices = getattr(widget, "choices", None)
    try:
        key = (
            type(field.form),
            field.name,
            field.html_name,
            field.auto_id,
            tuple(widget.attrs.items()),
            tuple(choices) if isinstance(choices, list) else choices,
            field.value(),
            str(field.label),
            str(field.help_text),
            bool(context.get("hide_required")),
        )
        hash(key)
    except TypeError:  # a value or a choice that is not hashable
        return None
    return key


@register.simple_tag(takes_context=True)
def filter_field(context: template.Context, field: BoundField) -> SafeString:
    """``{% include "web/includes/field.html" with field=field %}`` for a control that is not a
    checkbox (the list's selects and its text; a checkbox is refused): the same HTML, byte for
    byte, its values escaped as the template escapes them. A field without errors is rendered
    once for what its HTML depends on (:func:`_shown_as`)."""
    if field.widget_type in _BOXES:
        raise template.TemplateSyntaxError(f"{field.name}: include web/includes/field.html")
    if field.errors:
        return _field_html(context, field)
    key = _shown_as(context, field)
    if key is None:
        return _field_html(context, field)
    html = _RENDERED.get(key)
    if html is None:
        if len(_RENDERED) >= _RENDERED_SIZE:
            _RENDERED.clear()
        html = _RENDERED[key] = _field_html(context, field)
    return html


def _field_html(context: template.Context, field: BoundField) -> SafeString:
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
