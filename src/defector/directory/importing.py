"""Reading the directory's CSV file (``defector import_directory FILE.csv``) into rows.

One file holds every kind of row; a ``kind`` column says which each row is, and the other
columns are the union of what the kinds need (a column that does not apply to a row's kind
must be empty in that row). Rows are numbered by the line they start on; the header is line 1.

This module only reads and shapes the file: whether a row's values are acceptable is decided
by the same actions that the pages and the API use (``directory.actions``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from defector.directory.choices import is_post_role

#: The kinds of row, in the order a file usually lists them, and the columns each may use.
COLUMNS: Final[Mapping[str, tuple[str, ...]]] = {
    "agency": ("code", "name", "agency_kind"),
    "compartment": ("code", "name"),
    "post": ("code", "name", "post_kind", "country", "city", "diplomatic_representation"),
    "official": (
        "username",
        "first_name",
        "last_name",
        "email",
        "title",
        "agency",
        "post",
        "clearance",
        "compartments",
        "roles",
    ),
}
KINDS: Final = tuple(COLUMNS)
ALL_COLUMNS: Final = ("kind", *dict.fromkeys(c for cols in COLUMNS.values() for c in cols))

#: The column that holds an action's field, where the two names differ.
COLUMN_OF: Final[Mapping[str, Mapping[str, str]]] = {
    "agency": {"kind": "agency_kind"},
    "post": {"kind": "post_kind"},
}

TRUE_WORDS: Final = frozenset({"yes", "y", "true", "t", "1"})
FALSE_WORDS: Final = frozenset({"no", "n", "false", "f", "0"})

#: Documented in the command's help and in docs/directory.md.
FORMAT_HELP: Final = """\
The file is CSV (UTF-8, comma-separated, first line a header). A "kind" column says what
each row is; the other columns are the union of what the kinds use, in any order, and a
column that does not apply to a row's kind must be empty in that row:

  agency       code, name, agency_kind (agency, department or military_command;
               default agency)
  compartment  code, name
  post         code, name, post_kind (embassy, consulate or mission; default embassy),
               country (ISO 3166-1 alpha-2, e.g. AT), city,
               diplomatic_representation (yes or no; default yes)
  official     username, first_name, last_name, email, title, agency (an agency code),
               post (a post code; empty for Washington), clearance (e.g. SECRET,
               TOP SECRET), compartments (codes separated by spaces),
               roles (separated by spaces; a post role as ROLE@POST, e.g.
               committee_chair@VIENNA, or without @POST for the official's own post;
               idc_member, dci_delegate, auditor and administrator without a post)

Rows may name agencies, compartments and posts defined on earlier rows of the same file or
already in the directory. Codes are stored in capitals."""


@dataclass(frozen=True)
class Row:
    """One row of the file: the line it starts on, its kind, and its non-empty values."""

    line: int
    kind: str
    values: Mapping[str, str]

    def column(self, field_name: str) -> str:
        """The column that holds an action's ``field_name`` in this kind of row."""
        base = field_name.split("[", 1)[0].split(".", 1)[0]
        return COLUMN_OF.get(self.kind, {}).get(base, base)


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def as_error(self) -> dict[str, str]:
        return {"field": f"row {self.line}: {self.field}", "message": self.message}


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def flag(text: str) -> bool | None:
    """``yes``/``no`` (and the like) as a boolean; ``None`` when it is neither."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def roles(text: str, own_post: str) -> list[tuple[str, str | None]]:
    """``"committee_chair@VIENNA idc_member"`` as ``[(role, post code or None), ...]``.

    A post role written without ``@POST`` is held at the official's own post (``own_post``).
    """
    found: list[tuple[str, str | None]] = []
    for token in text.split():
        role, _, post = token.partition("@")
        role = role.strip().lower()
        if post:
            found.append((role, post.strip()))
        elif is_post_role(role) and own_post:
            found.append((role, own_post))
        else:
            found.append((role, None))
    return found


def parse(text: str) -> Parsed:
    """The file's rows and what is wrong with its shape (header, kinds, stray columns)."""
    parsed = Parsed()
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = next(reader)
    except StopIteration:
        parsed.errors.append(RowError(1, "kind", "the file is empty; it needs a header line"))
        return parsed
    except csv.Error as exc:
        parsed.errors.append(RowError(1, "file", f"is not valid CSV: {exc}"))
        return parsed
    columns = [name.strip().lower() for name in header]
    for name in columns:
        if name not in ALL_COLUMNS:
            parsed.errors.append(
                RowError(1, name or "(empty)", "is not a column of the directory file")
            )
    duplicated = sorted({name for name in columns if name and columns.count(name) > 1})
    for name in duplicated:
        parsed.errors.append(RowError(1, name, "is given twice in the header"))
    if "kind" not in columns:
        parsed.errors.append(RowError(1, "kind", "the header has no kind column"))
    if parsed.errors:
        return parsed

    line = 1
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            parsed.errors.append(RowError(reader.line_num, "row", f"is not valid CSV: {exc}"))
            break
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns):
            parsed.errors.append(
                RowError(start, "row", f"has {len(cells)} cells; the header has {len(columns)}")
            )
            continue
        values = {
            name: cell.strip() for name, cell in zip(columns, cells, strict=False) if cell.strip()
        }
        kind = values.pop("kind", "").lower()
        if kind not in COLUMNS:
            parsed.errors.append(
                RowError(
                    start, "kind", f"must be one of {', '.join(KINDS)}" if kind else "is required"
                )
            )
            continue
        stray = [name for name in values if name not in COLUMNS[kind]]
        for name in stray:
            article = "an" if kind[0] in "aeiou" else "a"
            parsed.errors.append(RowError(start, name, f"does not apply to {article} {kind} row"))
        if stray:
            continue
        parsed.rows.append(Row(start, kind, values))
    if not parsed.rows and not parsed.errors:
        parsed.errors.append(RowError(2, "row", "the file has no rows to import"))
    return parsed
