"""Checks of the input of the cases app's actions: plain functions that name the field and
say what is wrong — never quoting a sealed value. They collect errors in a list, so that an
action can report every bad field at once (``InvalidInput``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Final

from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from defector.core.inputs import text_problem

#: The longest texts an official may give, in characters.
MAX_PLACE_LENGTH: Final = 300
MAX_NOTE_LENGTH: Final = 10_000
MAX_REASON_LENGTH: Final = 2000
#: The shortest evidence, reason for a waiver, a reopening or a step back.
MIN_STATED_LENGTH: Final = 10
#: How far in the future a reception time may lie (clocks of different machines disagree).
CLOCK_SKEW: Final = dt.timedelta(minutes=5)
#: The longest value each sealed field takes, in characters.
IDENTITY_MAX_LENGTHS: Final[dict[str, int]] = {
    "true_name": 300,
    "aliases": 2000,
    "birth_date": 10,
    "birth_place": 300,
    "identity_documents": 4000,
}
#: A date of birth as far as it is known: a year, a year and month, or a full date.
BIRTH_DATE: Final = re.compile(r"(?P<year>[0-9]{4})(-(?P<month>[0-9]{2})(-(?P<day>[0-9]{2}))?)?")
#: Control characters other than tab, line feed and carriage return.
CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
Errors = list[dict[str, str]]


def error(errors: Errors, field: str, message: str) -> None:
    errors.append({"field": field, "message": message})


def as_id(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def birth_date_problem(value: str, today: dt.date) -> str:
    """What is wrong with a date of birth (never quoting it: it is sealed), or ``""``."""
    match = BIRTH_DATE.fullmatch(value)
    if match is None:
        return "must be a date as YYYY-MM-DD, or YYYY-MM or YYYY when only that is known"
    year = int(match["year"])
    month = int(match["month"] or 1)
    day = int(match["day"] or 1)
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return "is not a real date"
    if born > today:
        return "is in the future"
    if year < 1850:
        return "is before 1850"
    return ""


@sensitive_variables("identity", "value")
def clean_identity(identity: dict[str, object], errors: Errors) -> dict[str, str]:
    """The sealed fields stripped and checked; errors name the field, never the value."""
    cleaned: dict[str, str] = {}
    today = timezone.localdate()
    for name, value in identity.items():
        if not isinstance(value, str):
            error(errors, name, "must be text")
            continue
        value = value.strip()
        limit = IDENTITY_MAX_LENGTHS[name]
        problem = ""
        if name == "birth_date" and value:
            problem = birth_date_problem(value, today)
        elif len(value) > limit:
            problem = f"must be at most {limit} characters"
        elif CONTROL.search(value):
            problem = "contains control characters"
        elif text_problem(value):
            problem = text_problem(value)
        if problem:
            error(errors, name, problem)
        cleaned[name] = value
    return cleaned


def clean_codes(values: Iterable[object] | str) -> list[str] | None:
    if isinstance(values, str):
        return None
    codes: dict[str, None] = {}
    for value in values:
        if not isinstance(value, str) or not value.strip():
            return None
        codes[value.strip()] = None
    return list(codes)


def moment_of(at: dt.datetime | None) -> dt.datetime:
    """``at``, or now; a naive time is a programming error (times are always aware)."""
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise ValueError("at must be timezone-aware")
    return at


def clean_text(
    errors: Errors,
    field: str,
    value: object,
    *,
    limit: int,
    required: str = "",
    minimum: int = 0,
    multiline: bool = True,
) -> str:
    """A stripped text, or ``""`` with an error: ``required`` is the message when it is
    empty (empty allowed when not given); ``minimum`` the shortest text accepted."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        error(errors, field, "must be text")
        return ""
    text = value.strip()
    if not text:
        if required:
            error(errors, field, required)
        return ""
    if len(text) > limit:
        error(errors, field, f"must be at most {limit} characters")
    elif CONTROL.search(text) or (not multiline and ("\n" in text or "\r" in text)):
        error(
            errors,
            field,
            "contains control characters" if CONTROL.search(text) else "must be one line",
        )
    elif len(text) < minimum:
        error(errors, field, f"must be at least {minimum} characters")
    return text


def as_version(errors: Errors, value: object) -> int:
    """The version of the case the official read (``expected_version``)."""
    number = as_id(value)
    if number is None or number < 1:
        error(
            errors,
            "version",
            "is required: send the version of the case you read (a positive whole number)",
        )
        return 0
    return number
