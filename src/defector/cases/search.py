"""Full-text search over case notes, on SQLite and on PostgreSQL, behind one function.

- **PostgreSQL**: ``to_tsvector('english', text)`` matched against ``plainto_tsquery`` (every
  word must occur, in any form the English stemmer relates: "meeting" finds "meetings"),
  ranked by ``ts_rank``; a GIN index on the same expression (migration
  ``0003_add_note_search``) keeps it fast.
- **SQLite**: an FTS5 table over the notes (external content: the index holds no second copy
  of the text; ``porter unicode61`` tokenizer: case-folded, diacritics removed, stemmed), kept
  in step by triggers and ranked by ``bm25``. Django rebuilds a table when a migration alters
  it, which drops its triggers; :func:`ensure_index` runs after every ``migrate`` and puts
  them back (rebuilding the index from the notes).
- **Anywhere else** (or a SQLite built without FTS5): every word must occur, case-insensitively,
  ranked by how often the words occur.

Every word is matched as a word, never as query syntax: the text is split into words and each
is quoted. Access control is the caller's (``cases.queries.search_notes``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

#: At most this many words of a query are used.
MAX_WORDS: Final = 16
WORD: Final = re.compile(r"\w+", re.UNICODE)

FTS_TABLE: Final = "cases_casenote_fts"
PG_INDEX: Final = "cases_casenote_text_search"
PG_CONFIG: Final = "english"

SQLITE_SETUP: Final = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS cases_casenote_fts USING fts5("
    "text, content='cases_casenote', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS cases_casenote_fts_insert AFTER INSERT ON cases_casenote "
    "BEGIN INSERT INTO cases_casenote_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS cases_casenote_fts_delete AFTER DELETE ON cases_casenote "
    "BEGIN INSERT INTO cases_casenote_fts(cases_casenote_fts, rowid, text) "
    "VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER IF NOT EXISTS cases_casenote_fts_update AFTER UPDATE ON cases_casenote "
    "BEGIN INSERT INTO cases_casenote_fts(cases_casenote_fts, rowid, text) "
    "VALUES ('delete', old.id, old.text); "
    "INSERT INTO cases_casenote_fts(rowid, text) VALUES (new.id, new.text); END",
    "INSERT INTO cases_casenote_fts(cases_casenote_fts) VALUES ('rebuild')",
)
SQLITE_TEARDOWN: Final = (
    "DROP TRIGGER IF EXISTS cases_casenote_fts_insert",
    "DROP TRIGGER IF EXISTS cases_casenote_fts_delete",
    "DROP TRIGGER IF EXISTS cases_casenote_fts_update",
    "DROP TABLE IF EXISTS cases_casenote_fts",
)
SQLITE_SCORES: Final = (
    "SELECT rowid, bm25(cases_casenote_fts) FROM cases_casenote_fts "
    "WHERE cases_casenote_fts MATCH %s"
)
SQLITE_MATCHING: Final = "SELECT rowid FROM cases_casenote_fts WHERE cases_casenote_fts MATCH %s"
#: The same expression ``SearchVector("text", config="english")`` compiles to, so that the
#: planner uses the index.
PG_SETUP: Final = (
    "CREATE INDEX IF NOT EXISTS cases_casenote_text_search ON cases_casenote USING GIN "
    "(to_tsvector('english'::regconfig, COALESCE(text, ''::text)))",
)
PG_TEARDOWN: Final = ("DROP INDEX IF EXISTS cases_casenote_text_search",)


def words(text: str) -> list[str]:
    """The words of a query, lower-cased, without repeats, at most :data:`MAX_WORDS`."""
    seen: dict[str, None] = {}
    for word in WORD.findall(text.lower()):
        seen.setdefault(word, None)
    return list(seen)[:MAX_WORDS]


def sqlite_has_fts5(db: BaseDatabaseWrapper) -> bool:
    with db.cursor() as cursor:
        cursor.execute("SELECT sqlite_compileoption_used('ENABLE_FTS5')")
        row = cursor.fetchone()
    return bool(row and row[0])


def setup(db: BaseDatabaseWrapper) -> None:
    """Create the index the database searches with (idempotent)."""
    statements: Sequence[str] = ()
    if db.vendor == "sqlite" and sqlite_has_fts5(db):
        statements = SQLITE_SETUP
    elif db.vendor == "postgresql":
        statements = PG_SETUP
    with db.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def teardown(db: BaseDatabaseWrapper) -> None:
    statements: Sequence[str] = ()
    if db.vendor == "sqlite":
        statements = SQLITE_TEARDOWN
    elif db.vendor == "postgresql":
        statements = PG_TEARDOWN
    with db.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def ensure_index(using: str = "default", **kwargs: Any) -> None:
    """After ``migrate``: put the SQLite triggers back if a table rebuild dropped them."""
    db = connections[using]
    if db.vendor != "sqlite":
        return
    tables = db.introspection.table_names()
    if "cases_casenote" not in tables:
        return
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            [f"{FTS_TABLE}_%"],
        )
        (triggers,) = cursor.fetchone()
    if FTS_TABLE in tables and triggers == 3:
        return
    setup(db)


def _sqlite_fts_ready() -> bool:
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS_TABLE]
        )
        (found,) = cursor.fetchone()
    return bool(found)


def ranked(notes: QuerySet[Any], text: str, limit: int) -> list[tuple[Any, float]]:
    """The notes of ``notes`` (already restricted to what the user may see) that contain every
    word of ``text``, best first, with their rank (higher is better), at most ``limit``."""
    terms = words(text)
    if not terms:
        return []
    if connection.vendor == "postgresql":
        vector = SearchVector("text", config=PG_CONFIG)
        query = SearchQuery(" ".join(terms), config=PG_CONFIG, search_type="plain")
        found = (
            notes.annotate(document=vector, rank=SearchRank(vector, query))
            .filter(document=query)
            .order_by("-rank", "-at", "-pk")[:limit]
        )
        return [(note, float(note.rank)) for note in found]
    if _sqlite_fts_ready():
        match = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
        with connection.cursor() as cursor:
            cursor.execute(SQLITE_SCORES, [match])
            scores = {int(rowid): -float(score) for rowid, score in cursor.fetchall()}
        if not scores:
            return []
        matching = RawSQL(SQLITE_MATCHING, [match])  # noqa: S611 - a constant
        visible = notes.filter(pk__in=matching).values_list("pk", flat=True)
        best = sorted(visible, key=lambda pk: (-scores[pk], -pk))[:limit]
        loaded = {note.pk: note for note in notes.filter(pk__in=best)}
        return [(loaded[pk], scores[pk]) for pk in best if pk in loaded]
    candidates = notes
    for term in terms:
        candidates = candidates.filter(text__icontains=term)
    counted = []
    for note in candidates:
        lowered = note.text.lower()
        counted.append((note, float(sum(lowered.count(term) for term in terms))))
    counted.sort(key=lambda pair: (-pair[1], -pair[0].at.timestamp()))
    return counted[:limit]
