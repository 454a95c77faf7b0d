"""The export kit: CSV written row by row, and the audit record every export leaves.

An export is an audited action (who exported what, with which filter, how many rows), so an
app's export action calls :func:`record_export` inside its transaction (or lets
:func:`audited` open one), then hands its rows to :func:`csv_lines` (or :func:`csv_text` for a
small file); the face answers with :func:`csv_response` (streamed) or :func:`file_response`.

Cells are written as text a spreadsheet will not run: one that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is prefixed with an apostrophe (CSV injection), and a
number stays a number. Nothing here knows what a row holds: an export carries no true name
because the rows an app gives it are built from cryptonyms and codes, never from a sealed
field.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Final

from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse

from defector.core import audit
from defector.core.users import AnyUser

#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A cell as text no spreadsheet runs; numbers, booleans and empty cells as they are."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _Line:
    """A file-like that hands back what the csv writer wrote, one line at a time."""

    def write(self, value: str) -> str:
        return value


def csv_lines(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The header, then each row, as CSV lines (``\\n``-terminated), made as they are read."""
    writer = csv.writer(_Line(), lineterminator="\n")
    yield writer.writerow([safe_cell(column) for column in columns])
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The whole CSV file as one text (a small export)."""
    out = io.StringIO()
    for line in csv_lines(columns, rows):
        out.write(line)
    return out.getvalue()


def record_export(
    *,
    acting_user: AnyUser,
    what: str,
    fmt: str,
    filters: Mapping[str, Any] | None = None,
    rows: int | None = None,
    obj: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    cryptonym: str = "",
) -> None:
    """The audit record of one export (action ``<what>.export``), inside the caller's
    transaction: the format, the filter as given and the number of rows."""
    after: dict[str, Any] = {"format": fmt, "filters": dict(filters or {})}
    if rows is not None:
        after["rows"] = rows
    audit.record(
        actor=acting_user,
        action=f"{what}.export",
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        cryptonym=cryptonym,
        after=after,
    )


def audited(**kwargs: Any) -> None:
    """:func:`record_export` in a transaction of its own (an export that changes nothing
    else)."""
    with transaction.atomic():
        record_export(**kwargs)


def csv_response(name: str, lines: Iterable[str]) -> StreamingHttpResponse:
    """A CSV download, streamed as its lines are made."""
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def file_response(name: str, content: bytes | str, content_type: str) -> HttpResponse:
    """A small download made whole (a PDF, a one-report CSV)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
