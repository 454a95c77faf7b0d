"""Checks of input at the edge, shared by every face: strict JSON, text, and moments.

- :func:`load_json` parses JSON strictly: no ``NaN`` or ``Infinity``, no key given twice in
  one object (a silently dropped duplicate could change a decision), and no lone surrogate
  (``"\\ud800"`` decodes to a string that cannot be encoded, sealed or stored). Its error
  names where the input is wrong (``facts.nationalities[0]``).
- :func:`text_problem` says what is wrong with a text that no encoder could write.
- :func:`moment_problem` says what is wrong with a time that the database, the sealing of
  records or the arithmetic of deadlines cannot hold: one whose conversion to UTC leaves the
  years Python represents, or comes within a year of their ends.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, Final

#: A UTF-16 surrogate alone: what ``"\ud800"`` in JSON decodes to; no encoder writes it.
LONE_SURROGATE: Final = re.compile(r"[\ud800-\udfff]")
#: The earliest and the latest moment accepted (UTC): a year inside the representable range,
#: so that a deadline counted from it, or a day's bounds around it, stay representable.
EARLIEST: Final = dt.datetime(dt.MINYEAR + 1, 1, 1, tzinfo=dt.UTC)
LATEST: Final = dt.datetime(dt.MAXYEAR - 1, 12, 31, 23, 59, 59, 999_999, tzinfo=dt.UTC)


class JsonInputError(ValueError):
    """JSON that is refused; ``field`` names where (``""`` for the text as a whole)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class _Pairs(list[tuple[str, Any]]):
    """An object's members in order, as decoded, before duplicates are looked for."""


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def _at(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _checked(value: Any, path: str) -> Any:
    if isinstance(value, _Pairs):
        members: dict[str, Any] = {}
        for key, item in value:
            if text_problem(key):  # named by its object: the key itself cannot be written
                raise JsonInputError(f"a key {text_problem(key)}", path)
            where = _at(path, key)
            if key in members:
                raise JsonInputError(f"the key {key!r} is given twice in one object", where)
            members[key] = _checked(item, where)
        return members
    if isinstance(value, list):
        return [_checked(item, _at(path, index)) for index, item in enumerate(value)]
    if isinstance(value, str) and text_problem(value):
        raise JsonInputError(text_problem(value), path)
    return value


class _Repeated(Exception):
    """A key given twice in one object, met by :func:`_plain_object`."""


def _plain_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members = dict(pairs)
    if len(members) != len(pairs):
        raise _Repeated
    return members


def load_json(text: str | bytes) -> Any:
    """Parse JSON strictly: no NaN or Infinity, no key given twice in one object, no lone
    surrogate in a string.

    Raises :class:`JsonInputError` (a ``ValueError``) with a message that says what is wrong
    and a ``field`` that says where.

    A text of ASCII characters without a ``\\u`` escape cannot hold a surrogate: it is
    parsed in one pass that builds each object at once and only counts its keys; a key given
    twice (or any other text) is parsed again as below, which names where.
    """
    escaped = "\\u" in text if isinstance(text, str) else b"\\u" in text
    if text.isascii() and not escaped:
        try:
            return json.loads(
                text, object_pairs_hook=_plain_object, parse_constant=_reject_constant
            )
        except (_Repeated, ValueError):
            pass  # named below (a JSONDecodeError, NaN: the same error again)
    try:
        decoded = json.loads(text, object_pairs_hook=_Pairs, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise JsonInputError(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except UnicodeDecodeError:
        raise JsonInputError("not valid JSON: the text is not UTF-8") from None
    except ValueError as exc:
        raise JsonInputError(str(exc)) from None
    return _checked(decoded, "")


def text_problem(value: str) -> str:
    """What is wrong with a text that no encoder could write (a lone surrogate), or ``""``."""
    if LONE_SURROGATE.search(value):
        return "contains a lone surrogate (\\ud800-\\udfff), which is not a character"
    return ""


def moment_problem(moment: dt.datetime) -> str:
    """What is wrong with a time this system cannot hold, or ``""``.

    A time without an offset is read as UTC. One whose conversion to UTC leaves the years
    Python represents (``0001-01-01T00:00:00+14:00``, ``9999-12-31T23:59:59-14:00``), or
    comes within a year of their ends, is refused.
    """
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    try:
        utc = aware.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return _RANGE
    if utc < EARLIEST or utc > LATEST:
        return _RANGE
    return ""


_RANGE: Final = (
    f"is out of range: give a time between {EARLIEST.year:04d}-01-01 and "
    f"{LATEST.year:04d}-12-31 (UTC)"
)
