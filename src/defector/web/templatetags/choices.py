"""Template filters of the lists of checkboxes: ``{% load choices %}``.

- ``{{ field|choice_groups }}``: a field's options (its checkboxes) in their groups, as
  ``(group label, options)`` pairs; the label is empty for options outside any group.
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


def _is_group(options: Any) -> bool:
    return isinstance(options, (list, tuple)) and all(
        isinstance(pair, (list, tuple)) and len(pair) == 2 for pair in options
    )


@register.filter
def choice_groups(bound_field: Any) -> list[tuple[str, list[Any]]]:
    """The options of ``bound_field`` grouped as its choices are (``optgroup``-style)."""
    options = iter(list(bound_field.subwidgets))
    groups: list[tuple[str, list[Any]]] = []
    for value, label in bound_field.field.choices:
        if _is_group(label):
            groups.append((str(value), [next(options) for _ in label]))
        elif groups and groups[-1][0] == "":
            groups[-1][1].append(next(options))
        else:
            groups.append(("", [next(options)]))
    return groups
