"""What the notifications app listens to, in other apps (``6e``).

Each receiver turns another app's signal — sent after its change committed — into notices for
the officials concerned. ``NotificationsConfig.ready()`` connects them (:func:`connect`):

- ``defector.committees.signals``: ``procedures_effective(committee, version, actor)``,
  ``guidance_issued(committee, version, actor)``, ``minutes_forwarded(committee, minutes,
  actor)``;
- ``defector.committees.signals``: ``meeting_changed(committee, meeting, change, actor)``;
- ``defector.cases.signals``: ``case_changed(case, change, actor)``, where ``change`` says what
  happened in a few words, naming the case by cryptonym only; ``task_changed(task, change,
  actor)`` (``6b(3)(d)``: a task assigned or declined); ``case_invitation(case,
  official, invited, actor)``: a representative invited to a case, or the invitation
  withdrawn (``6``); ``case_transfer(transfer, change, actor)``: a move of a case to
  another post or to Washington proposed (the receiving side is told) or accepted, declined
  or cancelled (both sides are told).

``case_changed`` is sent inside the case action's transaction, so that a case's change and
its notices commit together and take the audit chain's head once; the other signals are sent
after their change committed. Either way a receiver never raises into the sender: it writes
its notices in a savepoint of its own, and a notice that could not be written is rolled back
to that savepoint and logged, leaving the sender's change whole.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any, Final

from django.db import DatabaseError, transaction
from django.dispatch import Signal
from django.urls import NoReverseMatch

from defector.cases import signals as case_signals
from defector.committees import signals as committee_signals
from defector.core import audit
from defector.core.access import principal_for
from defector.core.errors import DomainError
from defector.core.reversing import reverse
from defector.core.users import AnyUser
from defector.notifications import actions
from defector.notifications.choices import NoticeKind

logger = logging.getLogger(__name__)

#: The dispatch uid prefix, so that connecting twice connects once.
UID: Final = "defector.notifications."


def connect() -> list[str]:
    """Connect every receiver to its signal; the dotted names of the signals connected."""
    connections: tuple[tuple[str, Signal, Callable[..., Any]], ...] = (
        ("committees", committee_signals.procedures_effective, on_procedures_effective),
        ("committees", committee_signals.guidance_issued, on_guidance_issued),
        ("committees", committee_signals.minutes_forwarded, on_minutes_forwarded),
        ("committees", committee_signals.meeting_changed, on_meeting_changed),
        ("cases", case_signals.case_changed, on_case_changed),
        ("cases", case_signals.task_changed, on_task_changed),
        ("cases", case_signals.case_invitation, on_case_invitation),
        ("cases", case_signals.case_transfer, on_case_transfer),
    )
    connected = []
    for app, signal, receiver in connections:
        name = receiver.__name__.removeprefix("on_")
        signal.connect(receiver, dispatch_uid=UID + name, weak=False)
        connected.append(f"defector.{app}.signals.{name}")
    return connected


def _official_id(actor: AnyUser | None) -> int | None:
    """The id of the official who made the change (not told of it), from their principal:
    no query."""
    return principal_for(actor).official_id


def _guarded(receiver: Callable[..., Any]) -> Callable[..., Any]:
    def run(sender: Any, **kwargs: Any) -> Any:
        try:
            with transaction.atomic():
                return receiver(sender, **kwargs)
        except (DomainError, DatabaseError, AttributeError, TypeError, ValueError):
            logger.exception("could not write the notices of %s", receiver.__name__)
            return None

    run.__name__ = receiver.__name__
    run.__doc__ = receiver.__doc__
    return run


def _link(*candidates: tuple[str, Any]) -> str:
    """The first of ``(URL name, object)`` that reverses with the object's id (no link when
    none does: the page may not exist yet). Reversed by ``core.reversing`` (Django's
    ``reverse``, answered from a shape reversed once)."""
    for name, obj in candidates:
        pk = getattr(obj, "pk", None)
        if pk is None:
            continue
        try:
            return reverse(name, args=[pk])
        except NoReverseMatch:
            continue
    return ""


def _number(version: Any) -> str:
    number = getattr(version, "number", None)
    return f"version {number}" if number is not None else "a new version"


@_guarded
def on_procedures_effective(
    sender: Any, committee: Any = None, version: Any = None, actor: Any = None, **kwargs: Any
) -> None:
    """A version of the local operating procedures became effective (``6b``): every member
    is told, and asked to acknowledge it."""
    post = committee.post
    actions.notify_post_members(
        post,
        NoticeKind.PROCEDURES,
        f"Local operating procedures of {post.code}: {_number(version)} is effective; "
        "acknowledge it.",
        _link(("committees:procedures-version", version), ("committees:detail", committee)),
        exclude=_official_id(actor),
        acting_user=actor,
    )


@_guarded
def on_guidance_issued(
    sender: Any, committee: Any = None, version: Any = None, actor: Any = None, **kwargs: Any
) -> None:
    """The senior US representative issued policy guidance (``7c``): every member is told, and
    asked to acknowledge it."""
    version = version if version is not None else kwargs.get("document")
    post = committee.post
    actions.notify_post_members(
        post,
        NoticeKind.GUIDANCE,
        f"Policy guidance of the senior US representative at {post.code}: {_number(version)} "
        "issued; acknowledge it.",
        _link(("committees:guidance", version), ("committees:detail", committee)),
        exclude=_official_id(actor),
        acting_user=actor,
    )


@_guarded
def on_minutes_forwarded(
    sender: Any, committee: Any = None, minutes: Any = None, actor: Any = None, **kwargs: Any
) -> None:
    """Minutes were forwarded to the IDC (``6a``): the post's members and the IDC are told."""
    post = committee.post
    meeting = getattr(minutes, "meeting", None)
    starts = getattr(meeting, "starts_at", None)
    when = f" of the meeting of {starts:%Y-%m-%d}" if starts is not None else ""
    summary = f"Minutes{when} of the {post.code} committee forwarded to the IDC."
    link = _link(("committees:meeting", meeting), ("committees:detail", committee))
    actor_official = _official_id(actor)
    actions.notify_post_members(
        post, NoticeKind.MINUTES, summary, link, exclude=actor_official, acting_user=actor
    )
    actions.notify_idc(
        NoticeKind.MINUTES,
        summary,
        link,
        post=post,
        exclude=actor_official,
        acting_user=actor,
    )


def on_case_changed(
    sender: Any, case: Any = None, change: str = "", actor: Any = None, **kwargs: Any
) -> list[audit.Event] | None:
    """A case changed: the post's committee and the case's assigned officers who may see it
    are told (``6e``), by cryptonym. The notices' audit record is handed back to the case
    action, which appends it after its own (``cases.signals.case_changed``): the audit head is
    then taken once these reads are done.

    Guarded as every receiver (:func:`_guarded`), but on SQLite without e-mail in no savepoint:
    there the one write is the notices' insert, made last, and a statement SQLite refuses (a
    constraint) is undone alone, the transaction whole. A database error after which SQLite
    holds no transaction (it rolled the whole of it back: an I/O error, a full disk) is raised
    into the sender, which must write nothing more, as the savepoint's failed rollback would
    have made the sender's next query fail."""
    connection = transaction.get_connection()
    alone = connection.vendor == "sqlite" and not actions.email_enabled()
    try:
        with contextlib.nullcontext() if alone else transaction.atomic():
            return _case_notices(case, change, actor)
    except DatabaseError:
        if alone and not connection.connection.in_transaction:
            raise
        logger.exception("could not write the notices of on_case_changed")
    except (DomainError, AttributeError, TypeError, ValueError):
        logger.exception("could not write the notices of on_case_changed")
    return None


def _case_notices(case: Any, change: str, actor: Any) -> list[audit.Event]:
    post = case.post
    what = " ".join(str(change).split()) or "changed"
    officials = actions.post_officials(post, assigned_to=case)
    return actions.notify_officials_unrecorded(
        officials,
        NoticeKind.CASE,
        f"Case {case.cryptonym} at {post.code}: {what}.",
        _link(("cases:detail", case)),
        post=post,
        about=[case],
        exclude=_official_id(actor),
        acting_user=actor,
    )


#: What a meeting's notice says happened, by the signal's ``change``.
MEETING_CHANGES: Final[dict[str, str]] = {
    "scheduled": "scheduled for",
    "rescheduled": "moved to",
    "cancelled": "cancelled; it was to be held",
}


@_guarded
def on_meeting_changed(
    sender: Any,
    committee: Any = None,
    meeting: Any = None,
    change: str = "",
    actor: Any = None,
    **kwargs: Any,
) -> None:
    """A meeting was scheduled, moved or cancelled (``6a``): the committee's members are
    told, with the meeting's page. (The place is words a person typed: not in the notice.)"""
    post = committee.post
    what = MEETING_CHANGES.get(change, "changed; it is")
    actions.notify_post_members(
        post,
        NoticeKind.MEETING,
        f"Meeting of the {post.code} committee {what} {meeting.starts_at:%Y-%m-%d %H:%M} UTC.",
        _link(("committees:meeting", meeting), ("committees:detail", committee)),
        exclude=_official_id(actor),
        acting_user=actor,
    )


@_guarded
def on_task_changed(
    sender: Any, task: Any = None, change: str = "", actor: Any = None, **kwargs: Any
) -> None:
    """A task (``6b(3)(d)``) was assigned — its assignee is told (an agency's: its officials
    who may see the case) — or declined — the official who assigned it is told."""
    case = task.case
    post = case.post
    if change == "assigned":
        officials = actions.task_assignees(task)
        summary = (
            f"Task {task.pk} on case {case.cryptonym} at {post.code} assigned to "
            f"{task.agency.code if task.agency_id else 'you'}, due {task.due_on.isoformat()}."
        )
    elif change == "declined":
        officials = [task.created_by] if task.created_by_id else []
        who = task.agency.code if task.agency_id else "its assignee"
        summary = f"Task {task.pk} on case {case.cryptonym} at {post.code} declined by {who}."
    else:
        return
    actions.notify_officials(
        officials,
        NoticeKind.TASK,
        summary,
        actions.task_link(task),
        post=post,
        about=[case],
        exclude=_official_id(actor),
        acting_user=actor,
    )


@_guarded
def on_case_invitation(
    sender: Any,
    case: Any = None,
    official: Any = None,
    invited: bool = True,
    actor: Any = None,
    **kwargs: Any,
) -> None:
    """A representative was invited to a case, or the invitation withdrawn (``6``): the
    official is told, by the case's cryptonym."""
    post = case.post
    if invited:
        summary = (
            f"You are invited to take part in case {case.cryptonym} at {post.code} (6); "
            "tasks to your agency may follow."
        )
        link = _link(("cases:detail", case))
        about = [case]
    else:
        summary = f"Your invitation to case {case.cryptonym} at {post.code} was withdrawn."
        link, about = "", []
    actions.notify_officials(
        [official],
        NoticeKind.CASE,
        summary,
        link,
        post=post,
        about=about,
        exclude=_official_id(actor),
        acting_user=actor,
    )


def _side(post: Any, kind: str, summary: str, link: str, about: list[Any], actor: Any) -> None:
    """Tell one side of a move: a post's committee, or (no post) the IDC."""
    if post is not None:
        actions.notify_post_members(
            post,
            kind,
            summary,
            link,
            exclude=_official_id(actor),
            about=about,
            acting_user=actor,
        )
    else:
        actions.notify_idc(
            kind, summary, link, about=about, exclude=_official_id(actor), acting_user=actor
        )


@_guarded
def on_case_transfer(
    sender: Any, transfer: Any = None, change: str = "", actor: Any = None, **kwargs: Any
) -> None:
    """A move of a case: proposed — the receiving side (its post's committee, or the IDC) is
    asked to accept or decline it; accepted, declined or cancelled — both sides are told, by
    cryptonym. The sending side no longer sees a case that moved: its notice links nowhere."""
    case = transfer.case
    source = transfer.from_post.code if transfer.from_post_id else "Washington"
    target = transfer.to_post.code if transfer.to_post_id else "Washington"
    move = f"Case {case.cryptonym}: move from {source} to {target}"
    link = _link(("cases:transfer", transfer))
    if change == "proposed":
        _side(
            transfer.to_post,
            NoticeKind.CASE,
            f"{move} proposed; accept or decline it.",
            link,
            [transfer],
            actor,
        )
        return
    summary = f"{move} {change}."
    _side(transfer.to_post, NoticeKind.CASE, summary, link, [transfer], actor)
    if change == "accepted":
        _side(transfer.from_post, NoticeKind.CASE, summary, "", [], actor)
    else:
        _side(transfer.from_post, NoticeKind.CASE, summary, link, [transfer], actor)
