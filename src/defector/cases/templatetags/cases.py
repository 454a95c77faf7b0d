"""Template filters of the cases pages: ``{% load cases %}``.

- ``{{ "walk_in"|words }}``: an identifier in the directive's words ("Walk-in": a category's
  or an obligation's title), else as words ("high" for ``high``; ``a_b`` as "a b").
- ``{{ moment|utc }}``: a time as ``30 Nov 2026, 09:14 UTC``, for tables and the timeline.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from django import template
from django.utils import timezone

from defector.policy.citations import clause
from defector.policy.definitions import CATEGORY_CLAUSE
from defector.policy.obligations import OBLIGATIONS

register = template.Library()


#: The directive's words for the identifiers of its categories (``2a``-``2f``) and obligations.
LABELS: Final[dict[str, str]] = {
    **{str(category): clause(key).title for category, key in CATEGORY_CLAUSE.items()},
    **{str(rule.identifier): rule.title for rule in OBLIGATIONS},
}


@register.filter
def words(identifier: object) -> str:
    text = str(identifier)
    return LABELS.get(text) or text.replace("_", " ")


@register.filter
def utc(moment: object) -> str:
    if not isinstance(moment, dt.datetime):
        return ""
    return timezone.localtime(moment, dt.UTC).strftime("%-d %b %Y, %H:%M UTC")
