"""Reads of the notifications app, with access control applied (``core.access``).

:func:`whats_new` is the *What's new* page and ``GET /notifications/whats-new``: the notices
since the official's last visit, and the earlier ones. :func:`pending_acknowledgements` lists
the procedure versions and guidance the official has still to acknowledge (``6e``), read from
the committees app; :func:`chair_follow_ups` links a chair to the documents' pages, where the
committees app lists who has not yet acknowledged them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

from django.db.models import Count, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from defector.committees.choices import ProceduresStatus
from defector.committees.models import Committee, GuidanceVersion, ProceduresVersion
from defector.committees.queries import awaiting_acknowledgement
from defector.core.access import Action, principal_for, restrict
from defector.core.users import AnyUser
from defector.directory.choices import Role
from defector.notifications.choices import EARLIER_SHOWN, KIND_CLAUSES, EmailStatus, NoticeKind
from defector.notifications.models import LastVisit, Notice, OutboundEmail

#: The kinds of document a member acknowledges.
PROCEDURES: Final = "procedures"
GUIDANCE: Final = "guidance"


@dataclass(frozen=True, slots=True)
class NoticeFilters:
    """The filters of the notice list (``GET /notifications/notices``)."""

    unread: bool = False
    kind: str = ""
    since: dt.datetime | None = None


def notices_for(user: AnyUser, filters: NoticeFilters | None = None) -> QuerySet[Notice]:
    """The user's own notices, newest first."""
    filters = filters or NoticeFilters()
    notices = restrict(user, Action.VIEW, Notice.objects.select_related("post"))
    if filters.unread:
        notices = notices.filter(read_at__isnull=True)
    if filters.kind:
        notices = notices.filter(kind=filters.kind)
    if filters.since is not None:
        notices = notices.filter(created_at__gt=filters.since)
    return notices.order_by("-created_at", "-pk")


def last_visit(user: AnyUser) -> dt.datetime | None:
    """When the user last opened their What's new page (``None``: never)."""
    marker = restrict(user, Action.VIEW, LastVisit.objects.all()).first()
    return marker.visited_at if marker is not None else None


def unread_count(user: AnyUser) -> int:
    return notices_for(user, NoticeFilters(unread=True)).count()


def is_kept_informed(user: AnyUser) -> bool:
    """Officials who may hold case matters have a feed (administrators and auditors do not)."""
    principal = principal_for(user)
    return principal.is_official and not (principal.is_administrator or principal.is_auditor)


@dataclass(frozen=True, slots=True)
class NoticeView:
    """A notice as the page and the API show it."""

    id: int
    kind: str
    kind_label: str
    clause: str
    summary: str
    link: str
    post: str | None
    created_at: dt.datetime
    read_at: dt.datetime | None
    new: bool


def _view(notice: Notice, since: dt.datetime | None) -> NoticeView:
    return NoticeView(
        id=notice.pk,
        kind=notice.kind,
        kind_label=NoticeKind(notice.kind).label,
        clause=KIND_CLAUSES[notice.kind],
        summary=notice.summary,
        link=notice.link,
        post=notice.post.code if notice.post is not None else None,
        created_at=notice.created_at,
        read_at=notice.read_at,
        new=since is None or notice.created_at > since,
    )


def describe(notice: Notice) -> NoticeView:
    return _view(notice, None)


@dataclass(frozen=True, slots=True)
class WhatsNew:
    """What changed since the official's last visit, and what they were told before."""

    #: The last visit before this one (``None``: the first visit).
    last_visit: dt.datetime | None
    #: The moment this was read: the visit marker moves here when the page is shown.
    taken_at: dt.datetime
    new: list[NoticeView]
    earlier: list[NoticeView]
    unread: int

    @property
    def shown_ids(self) -> list[int]:
        return [notice.id for notice in (*self.new, *self.earlier)]


def whats_new(user: AnyUser, *, earlier: int = EARLIER_SHOWN) -> WhatsNew:
    """The notices since the user's last visit (all of them on a first visit), and up to
    ``earlier`` of those before it."""
    taken_at = timezone.now()
    since = last_visit(user)
    mine = notices_for(user).filter(created_at__lte=taken_at)
    if since is None:
        new = list(mine)
        before: list[Notice] = []
    else:
        new = list(mine.filter(created_at__gt=since))
        before = list(mine.filter(created_at__lte=since)[:earlier])
    return WhatsNew(
        last_visit=since,
        taken_at=taken_at,
        new=[_view(notice, since) for notice in new],
        earlier=[_view(notice, since) for notice in before],
        unread=sum(1 for notice in (*new, *before) if notice.read_at is None),
    )


# --- acknowledgements (6e), from the committees app -------------------------------------------


@dataclass(frozen=True, slots=True)
class PendingAcknowledgement:
    """A version of the procedures or of guidance the official has still to acknowledge."""

    kind: str
    #: The version's id (``procedures_version_id`` or ``guidance_version_id`` of the action).
    id: int
    post: str
    committee_id: int
    label: str
    clause: str
    since: dt.datetime | None
    #: Where to read it.
    link: str


def _reverse_first(*candidates: tuple[str, list[Any]]) -> str:
    for name, args in candidates:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return ""


def pending_acknowledgements(user: AnyUser) -> list[PendingAcknowledgement]:
    """The effective procedure versions and issued guidance the user has not yet acknowledged
    (``committees.queries.awaiting_acknowledgement``), oldest first."""
    pending: list[PendingAcknowledgement] = []
    for version in awaiting_acknowledgement(user):
        if isinstance(version, ProceduresVersion):
            committee = version.committee
            pending.append(
                PendingAcknowledgement(
                    kind=PROCEDURES,
                    id=version.pk,
                    post=committee.post.code,
                    committee_id=committee.pk,
                    label=f"Local operating procedures of {committee.post.code}, "
                    f"version {version.number}",
                    clause="6b",
                    since=getattr(version, "effective_at", None),
                    link=_reverse_first(
                        ("committees:procedures-version", [version.pk]),
                        ("committees:detail", [committee.pk]),
                    ),
                )
            )
        elif isinstance(version, GuidanceVersion):
            committee = version.document.committee
            pending.append(
                PendingAcknowledgement(
                    kind=GUIDANCE,
                    id=version.pk,
                    post=committee.post.code,
                    committee_id=committee.pk,
                    label=f"Policy guidance: {version.title} (version {version.number})",
                    clause="7c",
                    since=version.issued_at,
                    link=_reverse_first(
                        ("committees:guidance", [version.pk]),
                        ("committees:detail", [committee.pk]),
                    ),
                )
            )
    far_past = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(pending, key=lambda item: (item.since or far_past, item.kind, item.id))


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A document a chair follows: its page lists who has not yet acknowledged it."""

    post: str
    label: str
    link: str


def chair_follow_ups(user: AnyUser) -> list[FollowUp]:
    """For each committee the user chairs, the procedures in effect and the latest version of
    each guidance document, linked to their pages on the committees app, where the chair sees
    who has not yet acknowledged (shown there, not repeated here)."""
    principal = principal_for(user)
    posts = sorted(principal.posts_with(Role.COMMITTEE_CHAIR))
    if not posts:
        return []
    committees = restrict(user, Action.VIEW, Committee.objects.filter(post_id__in=posts))
    follow: list[FollowUp] = []
    for committee in committees.select_related("post").order_by("post__code"):
        code = committee.post.code
        effective = (
            ProceduresVersion.objects.filter(committee=committee, status=ProceduresStatus.EFFECTIVE)
            .order_by("-number")
            .first()
        )
        if effective is not None:
            follow.append(
                FollowUp(
                    code,
                    f"Local operating procedures of {code}, version {effective.number}",
                    _reverse_first(
                        ("committees:procedures-version", [effective.pk]),
                        ("committees:detail", [committee.pk]),
                    ),
                )
            )
        latest: dict[int, GuidanceVersion] = {}
        for version in GuidanceVersion.objects.filter(document__committee=committee).order_by(
            "document_id", "-number"
        ):
            latest.setdefault(version.document_id, version)
        for version in latest.values():
            follow.append(
                FollowUp(
                    code,
                    f"Policy guidance: {version.title} (version {version.number})",
                    _reverse_first(
                        ("committees:guidance", [version.pk]),
                        ("committees:detail", [committee.pk]),
                    ),
                )
            )
    return follow


def outbox_depth() -> dict[tuple[str, ...], float]:
    """How many e-mails of the outbox wait to be sent, are being sent, or were given up, by
    status: the ``defector_outbox_emails`` gauge of ``/metrics`` (``docs/operations.md``)."""
    counts = dict(
        OutboundEmail.objects.exclude(status=EmailStatus.SENT)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {
        (status,): float(counts.get(status, 0))
        for status in (EmailStatus.PENDING, EmailStatus.SENDING, EmailStatus.FAILED)
    }
