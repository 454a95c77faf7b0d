"""What every step on a publicity proposal shares: input checks, the locked proposal and its
version, the seat, the audit record, and the notices after the commit."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import partial
from typing import Any, Final

from django.db import transaction
from django.db.models import F

from defector.cases.actions import refuse_true_names
from defector.core import audit
from defector.core.errors import Conflict, PermissionDenied, PolicyRefusal
from defector.core.users import AnyUser
from defector.directory.models import Official
from defector.directory.queries import acting_official
from defector.notifications import actions as notifications
from defector.notifications.choices import NoticeKind
from defector.policy import Decision
from defector.publicity import queries
from defector.publicity.choices import SHORT_MAX_LENGTH, TEXT_MAX_LENGTH
from defector.publicity.models import Proposal

Errors = list[dict[str, str]]

#: Control characters other than tab, line feed and carriage return.
CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: The fields of a proposal that its audit records show.
AUDIT_FIELDS: Final = [
    "case",
    "status",
    "summary",
    "window_start",
    "window_end",
    "channels",
    "other_channel",
    "risks",
    "risk_determination",
    "override_reason",
    "overridden_by",
    "outcome",
    "decision_reason",
    "decided_by",
    "decided_at",
    "released_on",
    "release_channel",
    "release_summary",
    "released_by",
    "withdrawal_reason",
    "withdrawn_by",
    "version",
]


def error(errors: Errors, field: str, message: str) -> None:
    errors.append({"field": field, "message": message})


def text(
    errors: Errors, field: str, value: object, *, required: bool, limit: int = TEXT_MAX_LENGTH
) -> str:
    """Stripped text, checked for presence, length and control characters."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        error(errors, field, "must be text")
        return ""
    value = value.strip()
    if required and not value:
        error(errors, field, "is required")
    elif len(value) > limit:
        error(errors, field, f"must be at most {limit} characters")
    elif CONTROL.search(value):
        error(errors, field, "contains control characters")
    return value


def short(errors: Errors, field: str, value: object, *, required: bool) -> str:
    return text(errors, field, value, required=required, limit=SHORT_MAX_LENGTH)


def date(errors: Errors, field: str, value: object, *, required: bool) -> dt.date | None:
    """A date (a ``date`` or ``YYYY-MM-DD``); ``None`` when not given."""
    if value is None or value == "":
        if required:
            error(errors, field, "is required")
        return None
    if isinstance(value, dt.datetime):
        error(errors, field, "must be a date (YYYY-MM-DD), not a time")
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            error(errors, field, "must be a date as YYYY-MM-DD")
            return None
    if not isinstance(value, dt.date):
        error(errors, field, "must be a date as YYYY-MM-DD")
        return None
    return value


def version(errors: Errors, value: object) -> int | None:
    """The version of the proposal the user read (required)."""
    if isinstance(value, bool) or value is None or value == "":
        error(errors, "expected_version", "is required: the version of the proposal you read")
        return None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, int):
        return value
    error(errors, "expected_version", "must be a whole number")
    return None


def refuse_names(errors: Errors, proposal_case: Any, **fields: object) -> None:
    """An error on each field that names the case's subject (true names are sealed)."""
    refuse_true_names(errors, proposal_case, **{k: v for k, v in fields.items() if v})


def require_official(user: AnyUser, clause: str) -> Official:
    official = acting_official(user)
    if official is None:
        raise PermissionDenied("only officials act on publicity proposals", clauses=(clause,))
    return official


def locked(user: AnyUser, proposal_id: object) -> Proposal:
    """The proposal, if the user may see it (``NotFound`` otherwise), locked for the change."""
    visible = queries.find_proposal(user, proposal_id)
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("case__post", "proposed_by__user")
        .get(pk=visible.pk)
    )


def claim(proposal: Proposal, expected: int) -> None:
    """Raise the proposal's version from ``expected`` by one, or :class:`Conflict`."""
    if not Proposal.objects.filter(pk=proposal.pk, version=expected).update(
        version=F("version") + 1
    ):
        current = Proposal.objects.values_list("version", flat=True).get(pk=proposal.pk)
        raise Conflict(
            f"This proposal was changed since you opened it (it is at version {current}; you "
            f"had version {expected}); reload to see the changes.",
            data={"version": current},
        )
    proposal.version = expected + 1


def refuse(decision: Decision) -> None:
    """A refusal of the gate, naming its clause."""
    if not decision.allowed:
        raise PolicyRefusal(f"{decision.reason}.", clauses=decision.clauses)


def record(
    user: AnyUser,
    action: str,
    proposal: Proposal,
    decision: Decision,
    *,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None = None,
) -> None:
    audit.record(
        actor=user,
        action=action,
        obj=proposal,
        cryptonym=proposal.case.cryptonym,
        before=before,
        after=after if after is not None else audit.snapshot(proposal, AUDIT_FIELDS),
        decision=decision,
    )


def describe(proposal: Proposal) -> str:
    """How a notice names the proposal: number, cryptonym and post only."""
    return (
        f"Publicity proposal {proposal.pk} on case {proposal.case.cryptonym} at "
        f"{proposal.case.post.code}"
    )


def tell(
    proposal: Proposal,
    summary: str,
    actor: Official,
    acting_user: AnyUser,
    *,
    idc: bool = True,
    post: bool = False,
    officials: Iterable[Official] = (),
) -> None:
    """After the commit: the IDC, the post's committee and ``officials`` are told (not the
    actor), each only if they may see the case."""
    case = proposal.case
    link = proposal.get_absolute_url()
    text_ = f"{describe(proposal)}: {summary}"
    common: dict[str, Any] = {"about": [case], "acting_user": acting_user}
    if idc:
        transaction.on_commit(
            partial(
                notifications.notify_idc,
                NoticeKind.PUBLICITY,
                text_,
                link,
                post=case.post,
                exclude=actor,
                **common,
            )
        )
    if post:
        transaction.on_commit(
            partial(
                notifications.notify_post_members,
                case.post,
                NoticeKind.PUBLICITY,
                text_,
                link,
                actor,
                **common,
            )
        )
    listed = [official for official in officials if official is not None]
    if listed:
        transaction.on_commit(
            partial(
                notifications.notify_officials,
                listed,
                NoticeKind.PUBLICITY,
                text_,
                link,
                post=case.post,
                exclude=actor,
                **common,
            )
        )
