"""Template filters of the cases pages: ``{% load cases %}``.

- ``{{ "walk_in"|words }}``: an identifier as words ("walk in").
- ``{{ moment|utc }}``: a time as ``30 Nov 2026, 09:14 UTC``, for tables and the timeline.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def words(identifier: object) -> str:
    return str(identifier).replace("_", " ")


@register.filter
def utc(moment: object) -> str:
    if not isinstance(moment, dt.datetime):
        return ""
    return timezone.localtime(moment, dt.UTC).strftime("%-d %b %Y, %H:%M UTC")
