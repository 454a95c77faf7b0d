"""Checking what comes in: a watch list's CSV file and a trace's query (``contracts/traces.md``).

The one validator behind the command line, the API and the pages. Dates of birth are checked
as the cases app checks a subject's (``cases.validation.birth_date_problem``: ``YYYY-MM-DD``,
``YYYY-MM`` or ``YYYY``), and country codes as the assessment contract's
(``policy.countries``: current ISO 3166-1 codes and the historical ones, ``SU``, ``CS``, ``DD``,
``YU`` …).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Final

from django.utils import timezone

from defector.cases.validation import birth_date_problem
from defector.core.inputs import text_problem
from defector.policy import countries
from defector.traces.choices import (
    MAX_ALIASES,
    NAME_MAX_LENGTH,
    REFERENCE_MAX_LENGTH,
    SOURCE_NAME_MAX_LENGTH,
)
from defector.traces.matching import Identity

#: The columns of a watch list, in the contract's order; the first two are required.
COLUMNS: Final = ("reference", "name", "aliases", "date_of_birth", "nationality")
REQUIRED_COLUMNS: Final = ("reference", "name")
#: The largest watch-list file taken (the page and the API: larger ones go by the command).
MAX_FILE_BYTES: Final = 20 * 1024 * 1024
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ALIAS_SEPARATORS: Final = re.compile(r"[;\n\r]")


def dob_problem(value: str) -> str:
    """What is wrong with a (partial) date of birth, or ``""``."""
    return birth_date_problem(value, timezone.localdate())


def nationality_problem(code: str) -> str:
    """What is wrong with a country code, or ``""`` (as the assessment contract words it)."""
    if countries.is_known(code):
        return ""
    hint = ""
    if countries.is_known(code.upper()):
        hint = f" (country codes are upper-case: {code.upper()!r})"
    return f"unknown country code {code!r}{hint}; use ISO 3166-1 alpha-2"


def name_problem(value: str, *, limit: int = NAME_MAX_LENGTH) -> str:
    if not value.strip():
        return "is required"
    if len(value) > limit:
        return f"must be at most {limit} characters"
    if _CONTROL.search(value):
        return "contains control characters"
    return text_problem(value) or ""


def split_aliases(text: str) -> list[str]:
    """Aliases separated by ``;`` (the watch list's column) or one a line (the intake form)."""
    seen: dict[str, None] = {}
    for part in _ALIAS_SEPARATORS.split(text):
        if part.strip():
            seen[" ".join(part.split())] = None
    return list(seen)


def source_name_problem(name: str) -> str:
    return name_problem(name, limit=SOURCE_NAME_MAX_LENGTH)


# --- a trace's query ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueryProblem:
    field: str
    message: str


def check_query(name: str, dob: str | None, nationality: str | None) -> list[QueryProblem]:
    """The problems of a trace's query: a name, and optionally a date of birth and a country."""
    problems: list[QueryProblem] = []
    problem = name_problem(name or "")
    if problem:
        problems.append(QueryProblem("name", problem))
    if dob and dob_problem(dob):
        problems.append(QueryProblem("dob", dob_problem(dob)))
    if nationality and nationality_problem(nationality):
        problems.append(QueryProblem("nationality", nationality_problem(nationality)))
    return problems


def query_identity(names: list[str], dob: str | None, nationality: str | None) -> Identity:
    return Identity(
        names=tuple(" ".join(name.split()) for name in names if name.strip()),
        dob=dob or None,
        nationality=nationality or None,
    )


# --- a watch list's file -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem of the file: its line (1 is the header), the column, what is wrong."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


class WatchlistInvalid(ValueError):
    """The file is refused as a whole: every problem, each with its line and column."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(error) for error in errors[:5]))


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    line: int
    reference: str
    name: str
    aliases: tuple[str, ...]
    date_of_birth: str
    nationality: str


def _column(index: int, header: str) -> str:
    return f"{index + 1} ({header})"


def parse_watchlist(data: bytes) -> list[ParsedEntry]:
    """The entries of a watch list's CSV file, or :class:`WatchlistInvalid` naming every bad
    row by its line and column. UTF-8 (a byte-order mark is allowed), a header row, RFC 4180."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise WatchlistInvalid([RowError(line, "", "the file is not UTF-8")]) from None
    if "\x00" in text:
        raise WatchlistInvalid([RowError(text[: text.index("\x00")].count("\n") + 1, "", "NUL")])
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    errors: list[RowError] = []
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise WatchlistInvalid([RowError(1, "", f"malformed CSV: {exc}")]) from None
    if not header:
        raise WatchlistInvalid([RowError(1, "", "the file is empty: a header row is required")])
    header = [cell.strip() for cell in header]
    for index, cell in enumerate(header):
        if cell not in COLUMNS:
            errors.append(
                RowError(1, _column(index, cell), f"unknown column; the columns are {COLUMNS}")
            )
        elif header.index(cell) != index:
            errors.append(RowError(1, _column(index, cell), "the column appears twice"))
    for required in REQUIRED_COLUMNS:
        if required not in header:
            errors.append(RowError(1, "", f"the column {required!r} is required"))
    if errors:
        raise WatchlistInvalid(errors)
    entries: list[ParsedEntry] = []
    seen: dict[str, int] = {}
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(RowError(line, "", f"malformed CSV: {exc}"))
            break
        start, line = line, reader.line_num + 1
        if not row or row == [""]:
            continue
        if len(row) != len(header):
            errors.append(
                RowError(start, "", f"has {len(row)} fields; the header has {len(header)}")
            )
            continue
        entry = _entry(start, dict(zip(header, row, strict=True)), header, errors, seen)
        if entry is not None:
            entries.append(entry)
    if not entries and not errors:
        errors.append(RowError(1, "", "the file holds no entries"))
    if errors:
        raise WatchlistInvalid(errors)
    return entries


def _entry(
    line: int,
    values: dict[str, str],
    header: list[str],
    errors: list[RowError],
    seen: dict[str, int],
) -> ParsedEntry | None:
    before = len(errors)

    def bad(column: str, message: str) -> None:
        errors.append(RowError(line, _column(header.index(column), column), message))

    reference = values["reference"].strip()
    problem = name_problem(reference, limit=REFERENCE_MAX_LENGTH)
    if problem:
        bad("reference", problem)
    elif reference in seen:
        bad("reference", f"{reference!r} appears already on line {seen[reference]}")
    else:
        seen[reference] = line
    name = " ".join(values["name"].split())
    problem = name_problem(name)
    if problem:
        bad("name", problem)
    aliases = split_aliases(values.get("aliases", ""))
    if len(aliases) > MAX_ALIASES:
        bad("aliases", f"at most {MAX_ALIASES} aliases")
    for alias in aliases:
        problem = name_problem(alias)
        if problem:
            bad("aliases", f"an alias {problem}")
            break
    dob = values.get("date_of_birth", "").strip()
    if dob and dob_problem(dob):
        bad("date_of_birth", dob_problem(dob))
    nationality = values.get("nationality", "").strip()
    if nationality and nationality_problem(nationality):
        bad("nationality", nationality_problem(nationality))
    if len(errors) > before:
        return None
    return ParsedEntry(line, reference, name, tuple(aliases), dob, nationality)
