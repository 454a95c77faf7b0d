"""Small checks of the handling actions' input: row ids, dates, moments, choices, officials."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Final

from django.utils import timezone

from defector.cases import clocks
from defector.cases.choices import ObligationStatus, Stage
from defector.cases.models import Assessment, Case, Obligation
from defector.cases.validation import Errors, as_id
from defector.cases.validation import error as add_error
from defector.core.access import Action, can
from defector.core.errors import InvalidInput
from defector.directory.models import Official

#: The largest id a database row may have (a bigger number is "no such row", not an error).
MAX_ROW_ID: Final = 2**63 - 1


def _row_id(value: object) -> int | None:
    number = as_id(value)
    return number if number is not None and 1 <= number <= MAX_ROW_ID else None


def _date(errors: Errors, field: str, value: object, *, required: str = "") -> dt.date | None:
    """A date (``date`` or ``YYYY-MM-DD``), or ``None`` with an error."""
    if value is None or value == "":
        if required:
            add_error(errors, field, required)
        return None
    if isinstance(value, dt.datetime):
        add_error(errors, field, "must be a date (YYYY-MM-DD), not a date and time")
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    add_error(errors, field, "must be a date as YYYY-MM-DD")
    return None


def _moment(errors: Errors, field: str, value: object, *, required: str) -> dt.datetime | None:
    """A timezone-aware date and time (or ISO 8601 text with its offset)."""
    if value is None or value == "":
        add_error(errors, field, required)
        return None
    moment: dt.datetime | None = None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            moment = None
    if moment is None:
        add_error(errors, field, "must be a date and time (ISO 8601)")
        return None
    if timezone.is_naive(moment):
        add_error(errors, field, "must be a date and time with its time zone")
        return None
    return moment


def _choice(errors: Errors, field: str, value: object, choices: Iterable[str]) -> str:
    known = list(choices)
    text = value.strip() if isinstance(value, str) else ""
    if text not in known:
        add_error(errors, field, f"must be one of {', '.join(known)}")
        return ""
    return text


def _must_be_open_case(case: Case, field: str, what: str) -> None:
    if case.stage == Stage.CLOSED:
        raise InvalidInput(
            [{"field": field, "message": f"the case is closed: reopen it to {what}"}]
        )


def _visible_official(
    errors: Errors, field: str, value: object, case: Case, *, required: str
) -> Official | None:
    """An active official who may see the case."""
    if value is None or value == "":
        add_error(errors, field, required)
        return None
    number = _row_id(value)
    official = (
        Official.objects.select_related("user").filter(pk=number).first()
        if number is not None
        else None
    )
    if official is None:
        add_error(errors, field, f"there is no official {value}")
        return None
    if not official.user.is_active:
        add_error(errors, field, f"{official} may no longer sign in")
        return None
    if not can(official.user, Action.VIEW, case):
        add_error(errors, field, f"{official} may not see this case")
        return None
    return official


def _reopen(
    case: Case,
    identifier: str,
    *,
    discharged_by: str,
    record_id: int | None = None,
    why: str,
    at: dt.datetime,
) -> Obligation | None:
    """Open the case's obligation ``identifier`` again when a record of kind
    ``discharged_by`` (of id ``record_id``, if given) discharged it and what it rested on no
    longer holds — as long as the latest assessment still raises it and none is open."""
    done = Obligation.objects.filter(
        case=case,
        identifier=identifier,
        status=ObligationStatus.DONE,
        evidence_label=discharged_by,
    )
    if record_id is not None:
        done = done.filter(evidence_id=str(record_id))
    previous = done.order_by("-closed_at", "-pk").first()
    if previous is None:
        return None
    if Obligation.objects.filter(
        case=case, identifier=identifier, status=ObligationStatus.OPEN
    ).exists():
        return None
    latest = Assessment.objects.filter(case=case).order_by("-number").first()
    if latest is None or identifier not in (latest.obligations or []):
        return None
    return Obligation.objects.create(
        case=case,
        identifier=identifier,
        clause=previous.clause,
        title=previous.title,
        owner=previous.owner,
        arose_at=at,
        assessment=latest,
        due_at=clocks.clocks_for(case.post).due(
            identifier, received_at=case.received_at, arose_at=at
        ),
        note=why[:2000],
    )
