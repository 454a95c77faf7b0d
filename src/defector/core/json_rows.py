"""Related rows in a read's own row, on PostgreSQL: a column of a prepared read
(``core.prepared``) holding the rows of a subquery as one JSON array, so that a page reads a
row and the few rows around it (a case's officers, its obligations) in one statement, not one
statement each — each statement costs the server and the client a round of their own, more
than these rows take to read."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, Final

from django.db import models
from django.db.models import QuerySet, Subquery, TextField
from django.db.models.constants import LOOKUP_SEP


class JsonRows(Subquery):
    """A column of a prepared read on PostgreSQL: the rows of a ``.values()`` queryset (which
    may refer to the read's row by ``OuterRef``) as one JSON array of objects, ordered by
    ``order`` (some of its columns; then as the server finds them), ``NULL`` for none — the
    related rows of a read's row in the read itself, not a statement of their own.
    :meth:`rows` gives them as that queryset's own prepared read would (the same values and
    types; times in UTC: for a connection whose session time zone is UTC)."""

    def __init__(self, queryset: QuerySet[Any], order: tuple[str, ...] = ()) -> None:
        if queryset._fields is None:  # type: ignore[attr-defined]
            raise TypeError("a JSON column's rows are a .values() queryset")
        by = f" ORDER BY {', '.join(f'j.{_quoted(name)}' for name in order)}" if order else ""
        super().__init__(
            queryset.order_by(),
            output_field=TextField(),
            template=f"(SELECT json_agg(j{by}) FROM (%(subquery)s) j)",  # noqa: S608 (names quoted)
        )
        self.loaders = _json_loaders(queryset)

    def rows(self, value: Any) -> list[dict[str, Any]]:
        """The rows of a value of this column (the JSON text, or as psycopg loaded it)."""
        if value is None:
            return []
        found = json.loads(value) if isinstance(value, str) else value
        loaders = self.loaders
        for row in found:
            for name, load in loaders:
                if row[name] is not None:
                    row[name] = load(row[name])
        return list(found)


def _quoted(name: str) -> str:
    if '"' in name:
        raise ValueError(f"not a column's name: {name!r}")
    return f'"{name}"'


#: The fields whose values JSON gives as a read of the column gives them (numbers, texts,
#: truth values; and JSON fields without a decoder of their own), and those given as text in
#: ISO 8601 (times, dates).
_AS_JSON: Final = (
    models.AutoField,
    models.BigAutoField,
    models.IntegerField,
    models.BooleanField,
    models.CharField,
    models.TextField,
)
_FROM_TEXT: Final[dict[type[models.Field[Any, Any]], Callable[[str], Any]]] = {
    models.DateTimeField: dt.datetime.fromisoformat,
    models.DateField: dt.date.fromisoformat,
}


def _json_loaders(queryset: QuerySet[Any]) -> tuple[tuple[str, Callable[[str], Any]], ...]:
    """For each column of ``queryset`` (field names, through relations) whose JSON value is
    text for another type: its name and the function that reads it. Refuses a column of
    another kind (a decimal, a key of another type, an expression)."""
    loaders = []
    for name in queryset.query.values_select or ():
        field: Any = None
        model = queryset.model
        for part in name.split(LOOKUP_SEP):
            field = model._meta.get_field(part)
            if field.is_relation:
                model = field.related_model
        if field.is_relation:
            field = field.target_field
        load = next((f for kind, f in _FROM_TEXT.items() if isinstance(field, kind)), None)
        if load is not None:
            loaders.append((name, load))
        elif isinstance(field, models.JSONField) and field.decoder is None:
            # JSON within the JSON: its value as Django's ``json.loads`` of the column gives
            # it (PostgreSQL writes a ``jsonb`` in the array as it writes the column).
            continue
        elif not isinstance(field, _AS_JSON):
            raise TypeError(f"{name}: a {type(field).__name__} is not read from JSON")
    if queryset.query.annotation_select:
        raise TypeError("a JSON column's rows are fields, not expressions")
    return tuple(loaders)
