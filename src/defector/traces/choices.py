"""Choices of the traces app (``6b(3)(b)``): how a trace was run, what a hit is, and the
analyst's mark on it."""

from __future__ import annotations

from typing import Final

from django.db import models

#: The clause that name traces serve.
TRACES_CLAUSE: Final = "6b(3)(b)"

#: The longest name of a watch list, reference, name, and the most aliases of an entry.
SOURCE_NAME_MAX_LENGTH: Final = 100
REFERENCE_MAX_LENGTH: Final = 200
NAME_MAX_LENGTH: Final = 500
MAX_ALIASES: Final = 50
#: The most hits a trace keeps, and the default of the command line's ``--limit``.
MAX_HITS: Final = 50
DEFAULT_LIMIT: Final = 10


class TraceKind(models.TextChoices):
    """Who started a trace: an analyst on the case, or intake by itself."""

    MANUAL = "manual", "Run by an analyst"
    INTAKE = "intake", "Run at intake"


class HitKind(models.TextChoices):
    """Where a hit was found."""

    WATCHLIST = "watchlist", "Watch list"
    SUBJECT = "subject", "Subject of a case"


class HitMark(models.TextChoices):
    """The analyst's mark on a hit."""

    PENDING = "pending", "Not yet marked"
    MATCH = "match", "Match"
    NO_MATCH = "no_match", "No match"


class IndexedKind(models.TextChoices):
    """What a blind-index row points to."""

    SUBJECT = "subject", "Subject of a case"
    ENTRY = "entry", "Watch-list entry"
