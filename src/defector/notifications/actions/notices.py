"""Writes of the notifications app: telling officials what changed (``6e``), and their visits.

Other apps call :func:`notify_post_members` or :func:`notify_officials` **after their change has
committed** — ``transaction.on_commit(lambda: notify_post_members(...))`` — so nobody is told of
a change that was rolled back. Each call writes the notices, one audit record (who was told
what, when: the evidence that members are kept currently informed) and — when
``DEFECTOR_EMAIL_NOTICES`` is on — one outbox e-mail per recipient with an address, in one
transaction; the worker sends the e-mails (:mod:`defector.notifications.actions.outbox`).

A notice goes only to officials who may see what it is about: pass the objects (``about=``) and
each recipient must be allowed to view every one of them under ``core.access`` (a case at a
sensitivity above a member's clearance is not announced to that member). Summaries and e-mails
carry cryptonyms and codes only, never a true name or free text a person typed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from defector.committees import actions as committees
from defector.core import audit
from defector.core.access import (
    Action,
    get_for,
    principal_for,
    principals_for,
    restrict,
    who_can_each,
)
from defector.core.errors import InvalidInput, NotFound
from defector.core.inserts import Insert, new
from defector.core.known import decisions
from defector.core.users import AnyUser
from defector.directory.models import Official, Post
from defector.notifications.actions import outbox
from defector.notifications.actions.outbox import email_enabled
from defector.notifications.actions.roster import POST_MEMBER_ROLES, idc_members, post_officials
from defector.notifications.choices import LINK_MAX_LENGTH, SUMMARY_MAX_LENGTH, NoticeKind
from defector.notifications.models import LastVisit, Notice

logger = logging.getLogger(__name__)

Errors = list[dict[str, str]]
#: Who is not told (the official who made the change): officials or their ids.
Excluded = Iterable[Official | int | None] | Official | int | None


#: The kinds of notice (``NoticeKind.values``, listed once).
_KINDS: Final = frozenset(NoticeKind.values)


def _clean_notice(kind: str, summary: str, link: str) -> tuple[str, str]:
    errors: Errors = []
    if kind not in _KINDS:
        errors.append({"field": "kind", "message": f"must be one of {', '.join(NoticeKind)}"})
    summary = " ".join(summary.split()) if isinstance(summary, str) else ""
    if not summary:
        errors.append({"field": "summary", "message": "is required"})
    elif len(summary) > SUMMARY_MAX_LENGTH:
        errors.append(
            {"field": "summary", "message": f"must be at most {SUMMARY_MAX_LENGTH} characters"}
        )
    link = link.strip() if isinstance(link, str) else ""
    if link and (not link.startswith("/") or link.startswith("//") or len(link) > LINK_MAX_LENGTH):
        errors.append({"field": "link", "message": "must be a path of this site, like /cases/1/"})
    if errors:
        raise InvalidInput(errors)
    return summary, link


def _may_be_told(officials: Sequence[Official], about: Sequence[Model]) -> list[Official]:
    """Those of ``officials`` who are active, may hold case matters and may see everything
    the notice is about: decided for all of them at once (``core.access.who_can_each``)."""
    return _may_see_each(_may_hold_matters(officials), [about])[0]


def _may_hold_matters(officials: Sequence[Official]) -> list[Official]:
    """Those of ``officials`` who are active and may hold case matters (not administrators or
    auditors as such)."""
    active = [official for official in officials if official.user.is_active]
    return [
        official
        for official, principal in zip(
            active, principals_for([official.user for official in active]), strict=True
        )
        if not (principal.is_administrator or principal.is_auditor)
    ]


def notify_officials(
    officials: Iterable[Official],
    kind: str,
    summary: str,
    link: str = "",
    *,
    post: Post | None = None,
    about: Sequence[Model] = (),
    exclude: Excluded = None,
    acting_user: AnyUser | None = None,
) -> list[Notice]:
    """Tell each of ``officials`` (once each) about something: one notice each, one audit
    record for all. Those excluded, inactive, or not allowed to see what it is ``about`` are
    skipped. Call it after the change it reports has committed."""
    summary, link = _clean_notice(kind, summary, link)
    chosen = _may_be_told(_candidates(officials, exclude), about)
    return write_decided(kind, [(summary, link, chosen)], post=post, acting_user=acting_user)


def notify_officials_unrecorded(
    officials: Iterable[Official],
    kind: str,
    summary: str,
    link: str = "",
    *,
    post: Post | None = None,
    about: Sequence[Model] = (),
    exclude: Excluded = None,
    acting_user: AnyUser | None = None,
) -> list[audit.Event]:
    """:func:`notify_officials`, but its audit record is handed back, not appended: the caller
    appends it in the same transaction (``cases.signals.case_changed``'s sender appends it
    with the change's own record, in one move of the audit head)."""
    summary, link = _clean_notice(kind, summary, link)
    chosen = _may_be_told(_candidates(officials, exclude), about)
    return _insert(kind, [(summary, link, chosen)], post=post, acting_user=acting_user)[1]


def notify_post_members(
    post: Post,
    kind: str,
    summary: str,
    link: str = "",
    exclude: Excluded = None,
    *,
    about: Sequence[Model] = (),
    roles: Sequence[str] = POST_MEMBER_ROLES,
    acting_user: AnyUser | None = None,
) -> list[Notice]:
    """Tell the post's committee — its members, chair and senior US representative (or the
    holders of ``roles`` there) — about something at the post (``6e``)."""
    return notify_officials(
        post_officials(post, roles),
        kind,
        summary,
        link,
        post=post,
        about=about,
        exclude=exclude,
        acting_user=acting_user,
    )


def notify_idc(
    kind: str,
    summary: str,
    link: str = "",
    *,
    post: Post | None = None,
    about: Sequence[Model] = (),
    exclude: Excluded = None,
    acting_user: AnyUser | None = None,
) -> list[Notice]:
    """Tell the members of the Interagency Defector Committee in Washington."""
    return notify_officials(
        idc_members(),
        kind,
        summary,
        link,
        post=post,
        about=about,
        exclude=exclude,
        acting_user=acting_user,
    )


@dataclass(frozen=True, slots=True)
class Tidings:
    """One of several notices told at once (:func:`notify_officials_each`): its summary, its
    link and what it is about (objects of one model)."""

    summary: str
    link: str = ""
    about: Sequence[Model] = ()


def notify_officials_each(
    officials: Iterable[Official],
    kind: str,
    items: Sequence[Tidings],
    *,
    post: Post | None = None,
    exclude: Excluded = None,
    acting_user: AnyUser | None = None,
) -> list[Notice]:
    """:func:`notify_officials` for each of ``items`` — the same notices, one audit record per
    item — written together: whom each item may go to is decided in one query for every
    official and every item's objects (the same rule as ``who_can``), and every notice is
    inserted at once, in one transaction (:func:`write_decided`)."""
    return write_decided(
        kind,
        decide_each(officials, kind, items, exclude=exclude),
        post=post,
        acting_user=acting_user,
    )


#: Notices decided and not written yet: for each item, its summary, link and recipients.
Decided = list[tuple[str, str, Sequence[Official]]]


def decide_each(
    officials: Iterable[Official],
    kind: str,
    items: Sequence[Tidings],
    *,
    exclude: Excluded = None,
) -> Decided:
    """Whom each of ``items`` goes to, as :func:`notify_officials_each` decides it, without
    writing anything (reads only: an action may decide before its transaction begins, and
    write with :func:`write_decided` in it)."""
    cleaned = [_clean_notice(kind, item.summary, item.link) for item in items]
    candidates = _may_hold_matters(_candidates(officials, exclude))
    allowed = _may_see_each(candidates, [item.about for item in items])
    return [(summary, link, told) for (summary, link), told in zip(cleaned, allowed, strict=True)]


def _may_see_each(
    officials: Sequence[Official], abouts: Sequence[Sequence[Model]]
) -> list[list[Official]]:
    """For each of ``abouts``, those of ``officials`` who may see every object in it: one
    decision for every official and every object of a model at once
    (``core.access.who_can_each``)."""
    by_model: dict[type[Model], dict[Any, Model]] = {}
    for about in abouts:
        for obj in about:
            by_model.setdefault(type(obj), {})[obj.pk] = obj
    users = [official.user for official in officials]
    seeing: dict[tuple[type[Model], Any], set[int]] = {}
    for model, objects in by_model.items():
        # Decided already in this action (``core.known``: an intake's owners of obligations,
        # with the post's committee), or now.
        known = [decisions(users, Action.VIEW, obj) for obj in objects.values()]
        decided = (
            [found for found in known if found is not None]
            if all(found is not None for found in known)
            else who_can_each(users, Action.VIEW, list(objects.values()))
        )
        for pk, allowed in zip(objects, decided, strict=True):
            seeing[(model, pk)] = {user.pk for user in allowed}
    return [
        [
            official
            for official in officials
            if all(official.user_id in seeing[(type(obj), obj.pk)] for obj in about)
        ]
        for about in abouts
    ]


def write_decided(
    kind: str,
    rows: Sequence[tuple[str, str, Sequence[Official]]],
    *,
    post: Post | None,
    acting_user: AnyUser | None,
) -> list[Notice]:
    """The one writer of notices: for each ``(summary, link, recipients)`` of ``rows``, one
    notice per recipient and one audit record (who was told what), every notice inserted at
    once in one transaction, the records appended together (one move of the audit head), with
    their e-mails queued; nothing for a row without recipients."""
    with transaction.atomic():
        notices, events = _insert(kind, rows, post=post, acting_user=acting_user)
        audit.record_many(events)
    return notices


def _insert(
    kind: str,
    rows: Sequence[tuple[str, str, Sequence[Official]]],
    *,
    post: Post | None,
    acting_user: AnyUser | None,
) -> tuple[list[Notice], list[audit.Event]]:
    """The notices of ``rows`` inserted (in the caller's transaction), their e-mails queued,
    and their audit records, one per row, to append."""
    rows = [row for row in rows if row[2]]
    if not rows:
        return [], []
    now = timezone.now()
    # Everything is made before the first write; without e-mail, the notices' insert is the
    # only write (``notifications.receivers.on_case_changed`` counts on it).
    made = [
        new(
            Notice,
            recipient=official,
            kind=kind,
            summary=summary,
            link=link,
            post=post,
            created_at=now,
        )
        for summary, link, chosen in rows
        for official in chosen
    ]
    events = [
        audit.Event(
            actor=acting_user,
            action="notifications.notice.create",
            object_type="notifications.notice",
            after={
                "kind": kind,
                "summary": summary,
                "link": link,
                "post": post.code if post is not None else None,
                "recipients": sorted(official.pk for official in chosen),
            },
        )
        for summary, link, chosen in rows
    ]
    notices: list[Notice] = _NOTICES.save(made)  # type: ignore[assignment]
    if email_enabled():
        outbox.queue(notices, [official for _, _, chosen in rows for official in chosen])
    return notices, events


#: The notices' insert, built once (``core.inserts``): the rows ``bulk_create`` writes.
_NOTICES: Final = Insert(Notice)


def notify_idc_each(
    kind: str,
    items: Sequence[Tidings],
    *,
    post: Post | None = None,
    exclude: Excluded = None,
    acting_user: AnyUser | None = None,
) -> list[Notice]:
    """:func:`notify_idc` for each of ``items``, written together
    (:func:`notify_officials_each`)."""
    return notify_officials_each(
        idc_members(), kind, items, post=post, exclude=exclude, acting_user=acting_user
    )


def decide_idc_each(kind: str, items: Sequence[Tidings], *, exclude: Excluded = None) -> Decided:
    """Whom each of ``items`` to the IDC goes to (:func:`decide_each`), written later with
    :func:`write_decided`."""
    return decide_each(idc_members(), kind, items, exclude=exclude)


def _candidates(officials: Iterable[Official], exclude: Excluded) -> list[Official]:
    """``officials`` once each, in order, less those excluded."""
    excluded = _ids(exclude)
    candidates: dict[int, Official] = {}
    for official in officials:
        if official.pk not in excluded:
            candidates.setdefault(official.pk, official)
    return list(candidates.values())


def _ids(exclude: Excluded) -> set[int]:
    if exclude is None:
        return set()
    if isinstance(exclude, Official | int):
        exclude = [exclude]
    return {
        official if isinstance(official, int) else official.pk
        for official in exclude
        if official is not None
    }


# --- visits and reading ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Visit:
    """The result of a visit: the marker before and after, and how many notices were read."""

    previous: dt.datetime | None
    visited_at: dt.datetime
    marked_read: int


def _official_of(user: AnyUser) -> Official:
    principal = principal_for(user)
    if principal.official_id is None:
        raise NotFound("you have no notices: only officials are kept informed")
    return Official.objects.get(pk=principal.official_id)


def record_visit(
    *,
    acting_user: AnyUser,
    seen_until: dt.datetime | None = None,
    notice_ids: Iterable[int] | None = None,
) -> Visit:
    """Record that the official has seen their notices up to ``seen_until`` (default: now):
    the last-visit marker moves there, and the notices shown (``notice_ids``; default: every
    notice up to then) are marked read."""
    official = _official_of(acting_user)
    now = timezone.now()
    if seen_until is None:
        seen_until = now
    if seen_until.tzinfo is None:
        raise InvalidInput([{"field": "seen_until", "message": "must have a time zone"}])
    if seen_until > now:
        raise InvalidInput([{"field": "seen_until", "message": "is in the future"}])
    with transaction.atomic():
        marker = LastVisit.objects.select_for_update().filter(official=official).first()
        previous = marker.visited_at if marker is not None else None
        if marker is None:
            marker = LastVisit(official=official, visited_at=seen_until)
        elif seen_until > marker.visited_at:
            marker.visited_at = seen_until
        marker.save()
        unread = restrict(acting_user, Action.CHANGE, Notice.objects.all()).filter(
            read_at__isnull=True, created_at__lte=seen_until
        )
        if notice_ids is not None:
            unread = unread.filter(pk__in=list(notice_ids))
        marked = unread.update(read_at=now)
        audit.record(
            actor=acting_user,
            action="notifications.visit.record",
            obj=marker,
            before={"visited_at": previous},
            after={"visited_at": marker.visited_at, "marked_read": marked},
        )
    return Visit(previous=previous, visited_at=marker.visited_at, marked_read=marked)


def mark_read(*, acting_user: AnyUser, notice_id: int) -> Notice:
    """Mark one of the official's notices read (a notice of someone else's is 404)."""
    with transaction.atomic():
        notice = get_for(acting_user, Action.CHANGE, Notice.objects.all(), notice_id, what="notice")
        now = timezone.now()
        if Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=now):
            notice.read_at = now
            audit.record(
                actor=acting_user,
                action="notifications.notice.read",
                obj=notice,
                after={"read_at": now},
            )
        else:
            notice.refresh_from_db(fields=["read_at"])
    return notice


# --- acknowledgements (6e) ---------------------------------------------------------------------

#: The kinds of document a member acknowledges, and the committees action's argument for each.
ACKNOWLEDGED: Final[dict[str, str]] = {
    "procedures": "procedures_version_id",
    "guidance": "guidance_version_id",
}


def acknowledge(*, acting_user: AnyUser, kind: str, version_id: int | str) -> Any:
    """Acknowledge a version of the local operating procedures or of policy guidance (``6e``),
    through the committees app's action (``committees.actions.acknowledge``), which checks
    the member's seat, records the acknowledgement and audits it."""
    argument = ACKNOWLEDGED.get(kind)
    if argument is None:
        raise InvalidInput(
            [{"field": "kind", "message": f"must be one of {', '.join(ACKNOWLEDGED)}"}]
        )
    return committees.acknowledge(acting_user=acting_user, **{argument: version_id})
