"""Core reads: API tokens, and the audit log for auditors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import connections, router
from django.db.models import QuerySet
from django.utils import timezone

from defector.core import access, audit, chain, redaction, signing, tokens
from defector.core.access import Action
from defector.core.errors import InvalidInput, NotFound
from defector.core.inputs import moment_problem
from defector.core.models import ApiToken, AuditCheckpoint, AuditEvent, IdempotencyKey
from defector.core.pagination import Mapped
from defector.core.prepared import Param, Prepared, columns, instance
from defector.core.users import AnyUser

#: The active token of a digest, with its user: a prepared read (``core.prepared``), compiled
#: once (every request with a bearer token makes it).
_ACTIVE_TOKEN: Final = Prepared(
    lambda: (
        ApiToken.objects.filter(
            digest=Param("digest"),
            revoked_at__isnull=True,
            expires_at__gt=Param("now"),
            user__is_active=True,
        )
        .order_by("pk")
        .values(*columns(ApiToken), *columns(get_user_model(), "user__"))
    )
)


def active_token(plain: str) -> ApiToken | None:
    """The active token whose digest matches ``plain``, with its user, or ``None``."""
    if not plain.startswith(tokens.TOKEN_PREFIX):
        return None
    alias = router.db_for_read(ApiToken)
    now = connections[alias].ops.adapt_datetimefield_value(timezone.now())
    found = _ACTIVE_TOKEN.slice(0, 1, using=alias, digest=tokens.digest(plain), now=now)
    if not found:
        return None
    token: ApiToken = instance(ApiToken, found[0], "", alias)
    ApiToken._meta.get_field("user").set_cached_value(
        token, instance(get_user_model(), found[0], "user__", alias)
    )
    return token


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=user.pk)


def user_named(username: str) -> User | None:
    """The account with this sign-in name, or ``None``."""
    return get_user_model().objects.filter(username=username).first()


# --- the audit log --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What an auditor narrows the log to; the page, the API and the CSV export share it.

    Text filters are ignored when empty. ``actor`` matches part of the actor's name (the copy
    kept in each event), ``action`` a prefix of the action code (``cases.`` or
    ``cases.subject.reveal``), ``cryptonym`` the whole cryptonym in any case; ``since`` and
    ``until`` bound the event's time, both inclusive.
    """

    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    cryptonym: str = ""
    action: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None

    def errors(self) -> list[dict[str, str]]:
        """What is wrong with the filter, field by field (empty when it is usable)."""
        found: list[dict[str, str]] = []
        for name in TEXT_FILTERS:
            limit = AUDIT_FILTER_MAX_LENGTH[name]
            if len(getattr(self, name)) > limit:
                found.append({"field": name, "message": f"must be at most {limit} characters"})
        comparable = True
        for name in ("since", "until"):
            moment = getattr(self, name)
            if moment is not None and timezone.is_naive(moment):
                found.append({"field": name, "message": "must name its time zone"})
                comparable = False
            elif moment is not None and moment_problem(moment):
                found.append({"field": name, "message": moment_problem(moment)})
                comparable = False
        if (
            comparable
            and self.since is not None
            and self.until is not None
            and self.since > self.until
        ):
            found.append({"field": "until", "message": "must not be before the start"})
        return found

    def to_dict(self) -> dict[str, str]:
        """The filter as the export's audit record keeps it (only what is set)."""
        out = {name: getattr(self, name).strip() for name in TEXT_FILTERS if getattr(self, name)}
        for name in ("since", "until"):
            moment = getattr(self, name)
            if moment is not None:
                out[name] = moment.isoformat()
        return out

    @property
    def is_empty(self) -> bool:
        return not self.to_dict()


TEXT_FILTERS: Final = ("actor", "object_type", "object_id", "cryptonym", "action")
AUDIT_FILTER_MAX_LENGTH: Final[dict[str, int]] = {
    "actor": 200,
    "object_type": 100,
    "object_id": 64,
    "cryptonym": 64,
    "action": 100,
}


def may_read_audit(user: AnyUser | None, action: str = Action.VIEW) -> bool:
    """Whether the audit log's access rule lets ``user`` ``action`` it at all (auditors)."""
    rule = access.RULES[AuditEvent._meta.label_lower]
    return rule(access.principal_for(user), Action(action)) is not None


def filter_audit_events(events: QuerySet[AuditEvent], filters: AuditFilter) -> QuerySet[AuditEvent]:
    if filters.actor.strip():
        events = events.filter(actor_name__icontains=filters.actor.strip())
    if filters.object_type.strip():
        events = events.filter(object_type=filters.object_type.strip().lower())
    if filters.object_id.strip():
        events = events.filter(object_id=filters.object_id.strip())
    if filters.cryptonym.strip():
        events = events.filter(cryptonym__iexact=filters.cryptonym.strip())
    if filters.action.strip():
        events = events.filter(action__startswith=filters.action.strip())
    if filters.since is not None:
        events = events.filter(at__gte=filters.since)
    if filters.until is not None:
        events = events.filter(at__lte=filters.until)
    return events


def audit_events(
    user: AnyUser | None,
    filters: AuditFilter = AuditFilter(),
    *,
    action: str = Action.VIEW,
) -> QuerySet[AuditEvent]:
    """The events ``user`` may read that match ``filters``, newest first (none for others)."""
    visible = access.restrict(user, action, AuditEvent.objects.all())
    return filter_audit_events(visible, filters).order_by("-seq")


def _stored_event(user: AnyUser | None, seq: int) -> AuditEvent:
    found = access.restrict(user, Action.VIEW, AuditEvent.objects.all()).filter(seq=seq).first()
    if found is None:
        raise NotFound("no such audit event")
    return found


def audit_event(user: AnyUser | None, seq: int) -> AuditEvent:
    """One event by its sequence number, as an auditor sees it (case content redacted,
    ``core.redaction``; an unsaved copy); :class:`NotFound` when missing or not allowed."""
    return redaction.shown(_stored_event(user, seq))


@dataclass(frozen=True, slots=True)
class EventNeighbours:
    """An event's place in the chain as its detail page shows it."""

    previous: AuditEvent | None
    following: AuditEvent | None
    #: The event's content hashes to its stored hash.
    hash_matches: bool
    #: Its previous hash is the hash of the event before it (or the genesis for the first).
    link_matches: bool


def audit_event_neighbours(user: AnyUser | None, event: AuditEvent) -> EventNeighbours:
    """The events either side of ``event``, and whether its own hash and link check out
    (on the stored event: ``event`` may be the redacted copy an auditor sees)."""
    event = _stored_event(user, event.seq)
    visible = access.restrict(user, Action.VIEW, AuditEvent.objects.all())
    previous = visible.filter(seq=event.seq - 1).first()
    following = visible.filter(seq=event.seq + 1).first()
    expected_prev = previous.hash if previous is not None else chain.GENESIS
    return EventNeighbours(
        previous=previous,
        following=following,
        hash_matches=audit.event_matches(event),
        link_matches=event.prev_hash == expected_prev and (previous is not None or event.seq == 1),
    )


def audit_checkpoints(user: AnyUser | None) -> QuerySet[AuditCheckpoint]:
    """The stored checkpoints, newest first (none for those who may not read the log)."""
    return access.restrict(user, Action.VIEW, AuditCheckpoint.objects.all()).order_by("-size")


def verify_audit_chain(
    user: AnyUser | None,
    *,
    kept: Iterable[chain.Checkpoint] = (),
    public_keys: Iterable[str] = (),
) -> audit.Verification:
    """Verify the whole stored chain for an auditor; :class:`NotFound` for anyone else."""
    if not may_read_audit(user):
        raise NotFound("not found")
    try:
        keys = signing.verification_keys(public_keys)
    except signing.SigningKeyError as exc:
        raise InvalidInput([{"field": "public_keys", "message": str(exc)}]) from None
    return audit.verify_stored(kept=kept, public_keys=keys)


def audit_export_rows(
    user: AnyUser | None, filters: AuditFilter, *, up_to: int
) -> Iterator[AuditEvent]:
    """The events of an export in chain order, up to seq ``up_to`` (the export's own record),
    as an auditor sees them (case content redacted, ``core.redaction``)."""
    events = filter_audit_events(
        access.restrict(user, Action.EXPORT, AuditEvent.objects.all()), filters
    )
    rows = events.filter(seq__lte=up_to).order_by("seq").iterator(chunk_size=audit.CHUNK_SIZE)
    return (redaction.shown(event) for event in rows)


def audit_events_shown(user: AnyUser | None, filters: AuditFilter) -> Mapped[AuditEvent]:
    """The matching events, newest first, to be paged; those of a page as an auditor sees them
    (case content redacted, ``core.redaction``)."""
    return Mapped(audit_events(user, filters), lambda page: [redaction.shown(e) for e in page])


def stored_answer(user: AnyUser, key: str) -> IdempotencyKey | None:
    """The answer kept for ``user``'s request with ``key`` (``core.idempotency``), unless its
    time is up."""
    if user.pk is None:
        return None
    return IdempotencyKey.objects.filter(
        user_id=user.pk, key=key, expires_at__gt=timezone.now()
    ).first()
