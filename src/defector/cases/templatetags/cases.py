"""Template filters of the cases pages: ``{% load cases %}``.

- ``{{ "walk_in"|words }}``: an identifier in the directive's words ("Walk-in": a category's
  or an obligation's title), else as words ("high" for ``high``; ``a_b`` as "a b").
- ``{{ moment|utc }}``: a time as ``30 Nov 2026, 09:14 UTC``, for tables and the timeline.
- ``{{ due_at|countdown }}``: how long is left ("due in 3 hours 20 minutes") or how long it
  is overdue ("overdue by 2 days"), in words, from now.
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


def _span(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [
        f"{count} {unit}{'s' if count != 1 else ''}"
        for count, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"))
        if count
    ]
    if days:  # days and hours are precise enough
        parts = parts[:2]
    return " ".join(parts) or "less than a minute"


@register.filter
def countdown(moment: object) -> str:
    if not isinstance(moment, dt.datetime):
        return ""
    now = timezone.now()
    if moment < now:
        return f"overdue by {_span(now - moment)}"
    return f"due in {_span(moment - now)}"
