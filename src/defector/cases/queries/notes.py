"""A case's timeline and notes, and the search of notes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from django.db.models import QuerySet

from defector.cases import search
from defector.cases.models import Case, CaseNote, TimelineEntry
from defector.cases.queries.common import case_rows
from defector.cases.queries.filters import MAX_SEARCH_LENGTH
from defector.core.access import Action, restrict
from defector.core.errors import InvalidInput
from defector.core.users import AnyUser

#: How many notes a search returns at most.
SEARCH_LIMIT: Final = 50


def timeline_of(user: AnyUser, case: Case) -> QuerySet[TimelineEntry]:
    """Everything that happened on the case, oldest first."""
    return case_rows(user, Action.VIEW, TimelineEntry.objects.all(), case).order_by("at", "pk")


def notes_of(user: AnyUser, case: Case) -> QuerySet[CaseNote]:
    """The case's notes, newest first."""
    return (
        case_rows(user, Action.VIEW, CaseNote.objects.all(), case)
        .select_related("author__user")
        .order_by("-at", "-pk")
    )


@dataclass(frozen=True, slots=True)
class NoteHit:
    """A note that matches a search, with its case and rank (higher is better)."""

    note: CaseNote
    rank: float

    @property
    def case(self) -> Case:
        return self.note.case


def search_notes(user: AnyUser, text: str, *, limit: int = SEARCH_LIMIT) -> list[NoteHit]:
    """The notes ``user`` may see that contain every word of ``text`` (case-insensitive,
    related word forms included), best first (``cases.search``)."""
    stripped = (text or "").strip()
    if len(stripped) > MAX_SEARCH_LENGTH:
        raise InvalidInput(
            [{"field": "q", "message": f"must be at most {MAX_SEARCH_LENGTH} characters"}]
        )
    if not search.words(stripped):
        return []
    visible = restrict(
        user, Action.VIEW, CaseNote.objects.select_related("case__post", "author__user")
    )
    return [NoteHit(note, rank) for note, rank in search.ranked(visible, stripped, limit)]
