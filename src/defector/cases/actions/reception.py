"""The reception of a person at intake (``6b(1)``): when and where they presented themselves or
were reported, what else they asked for, the first note; its day checked against the
directive's (``1``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from defector.cases import validation
from defector.cases.validation import Errors, clean_text
from defector.cases.validation import error as add_error
from defector.core.inputs import moment_problem
from defector.policy.gates import cases as policy_gates


@dataclass(frozen=True, slots=True)
class Reception:
    """When and where the person presented themselves, what else they asked, the first note."""

    received: dt.datetime
    where: str
    other: str
    first_note: str


def check_reception(
    errors: Errors,
    moment: dt.datetime,
    received_at: dt.datetime | None,
    received_where: str,
    request_other: str,
    note: str,
    *,
    confirmed: bool = False,
) -> Reception:
    received = moment if received_at is None else received_at
    if not isinstance(received, dt.datetime) or timezone.is_naive(received):
        add_error(errors, "received_at", "must be a date and time with its time zone")
        received = moment
    elif moment_problem(received):
        add_error(errors, "received_at", moment_problem(received))
        received = moment
    elif received > moment + validation.CLOCK_SKEW:
        add_error(errors, "received_at", "is in the future")
    else:
        check_day(errors, "received_at", timezone.localdate(received), moment, confirmed)
    place = validation.MAX_PLACE_LENGTH
    return Reception(
        received=received,
        where=clean_text(errors, "received_where", received_where, limit=place, multiline=False),
        other=clean_text(errors, "request_other", request_other, limit=place, multiline=False),
        first_note=clean_text(errors, "note", note, limit=validation.MAX_NOTE_LENGTH),
    )


def check_day(
    errors: Errors, field: str, day: dt.date, moment: dt.datetime, confirmed: bool
) -> None:
    """The day of an intake: not in the future, before the directive only when confirmed
    (``1``)."""
    today = timezone.localdate(moment + validation.CLOCK_SKEW)
    decision = policy_gates.intake_date_gate(day, today=today, confirmed=confirmed)
    if not decision.allowed:
        add_error(errors, field, f"{decision.reason} ({', '.join(decision.clauses)})")
