"""Core writes: accounts, API tokens, the audit log's exports and checkpoints, and the stored
answers of API writes sent with an ``Idempotency-Key``."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Final

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from defector.core import audit, chain, names, queries, signing, tokens
from defector.core.access import Action
from defector.core.chain import Checkpoint
from defector.core.choices import TokenScope
from defector.core.errors import AuditChainFault, InvalidInput, NotFound
from defector.core.models import ApiToken, AuditCheckpoint, AuditEvent, IdempotencyKey

MAX_TOKEN_DAYS = 366
EXPORT_REASON_MAX_LENGTH = 500


@transaction.atomic
def create_user(
    *,
    acting_user: User | None,
    username: str,
    password: str | None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    administrator: bool = False,
) -> User:
    """Create an account after checking the name and the password validators.

    ``acting_user`` is ``None`` when an operator acts from the command line. A ``password``
    of ``None`` leaves the account without a usable one (``defector changepassword`` sets it).
    """
    user_model = get_user_model()
    errors: list[dict[str, str]] = []
    username = username.strip()
    if not username:
        errors.append({"field": "username", "message": "is required"})
    elif user_model.objects.filter(username__iexact=username).exists():
        errors.append({"field": "username", "message": "is already taken"})
    else:
        errors.extend(username_problems(username))
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        problem = names.name_problem(value)
        if problem:
            errors.append({"field": field, "message": problem})
    candidate = user_model(
        username=username, email=email, first_name=first_name, last_name=last_name
    )
    if password is not None:
        try:
            password_validation.validate_password(password, candidate)
        except ValidationError as exc:
            errors.extend({"field": "password", "message": message} for message in exc.messages)
    if errors:
        raise InvalidInput(errors)
    candidate.is_staff = administrator
    candidate.is_superuser = administrator
    if password is None:
        candidate.set_unusable_password()
    else:
        candidate.set_password(password)
    candidate.save()
    return candidate


def username_problems(username: str) -> list[dict[str, str]]:
    """What makes a new ``username`` able to pass for another account (``core.names``)."""
    problem = names.name_problem(username)
    if problem:
        return [{"field": "username", "message": problem}]
    existing = get_user_model().objects.values_list("username", flat=True).iterator()
    twin = names.lookalike(username, existing)
    if twin is not None:
        return [{"field": "username", "message": f"looks the same as the account {twin}"}]
    return []


@transaction.atomic
def create_api_token(
    *,
    acting_user: User | None,
    user: User,
    name: str,
    days: int = 90,
    scope: str = TokenScope.WRITE,
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return it with the plain token, which is shown only once.

    The faces choose the scope (the tokens page asks; ``defector token create`` defaults to
    ``read``); callers in code that give none get ``write``, as tokens had before scopes.

    ``acting_user`` is the signed-in user making a token for themself (the tokens page, after
    the second factor), or ``None`` for an operator at the command line. Recorded as
    ``core.token.create`` (never the token itself).
    """
    errors = []
    max_name = ApiToken._meta.get_field("name").max_length or 100
    if not isinstance(name, str) or not name.strip():
        errors.append({"field": "name", "message": "is required"})
    elif len(name.strip()) > max_name:
        errors.append({"field": "name", "message": f"must be at most {max_name} characters"})
    if not isinstance(days, int) or not 1 <= days <= MAX_TOKEN_DAYS:
        errors.append({"field": "days", "message": f"must be between 1 and {MAX_TOKEN_DAYS}"})
    if scope not in TokenScope.values:
        errors.append(
            {"field": "scope", "message": f"must be one of {', '.join(TokenScope.values)}"}
        )
    if errors:
        raise InvalidInput(errors)
    if acting_user is not None and acting_user.pk != user.pk:
        raise NotFound("no such account")
    plain = tokens.new_token()
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=plain[: len(tokens.TOKEN_PREFIX) + 6],
        digest=tokens.digest(plain),
        scope=scope,
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    audit.record(
        actor=acting_user,
        action="core.token.create",
        obj=token,
        after={
            "user": user.get_username(),
            "name": token.name,
            "prefix": token.prefix,
            "scope": token.scope,
            "expires_at": token.expires_at,
        },
    )
    return token, plain


@transaction.atomic
def revoke_api_token(
    *, acting_user: User | None, token_id: int, owner: User | None = None
) -> ApiToken:
    """Revoke a token: the acting user's own (administrators may revoke any).

    ``acting_user`` is ``None`` for an operator at the command line, who names the token's
    ``owner``. Anyone else's token, or one that does not exist, is :class:`NotFound` alike.
    Recorded as ``core.token.revoke`` the first time.
    """
    token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
    if acting_user is None:
        allowed = token is not None and owner is not None and token.user_id == owner.pk
    else:
        is_admin = getattr(acting_user, "is_superuser", False)
        allowed = token is not None and (token.user_id == acting_user.pk or is_admin)
    if token is None or not allowed:
        raise NotFound("no such token")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=acting_user,
            action="core.token.revoke",
            obj=token,
            after={"user": token.user.get_username(), "prefix": token.prefix},
        )
    return token


#: A token's last use is written at most this often (each write takes the write lock).
TOKEN_USE_RESOLUTION: Final = dt.timedelta(minutes=1)


def touch_api_token(token: ApiToken) -> bool:
    """Record when a token was last used (at most once a minute, to spare writes); whether
    this call wrote it. Every request that read the token before the minute was up would
    write it (each server process has one at a time): the update is conditional on the stored
    time being as old still, so the first of them writes, and the others change no row."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at <= TOKEN_USE_RESOLUTION:
        return False
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOKEN_USE_RESOLUTION)
    changed = ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
    if changed:
        token.last_used_at = now
    return bool(changed)


# --- the audit log --------------------------------------------------------------------------


@transaction.atomic
def export_audit_events(
    *, acting_user: User, filters: queries.AuditFilter, reason: str = ""
) -> AuditEvent:
    """Record that ``acting_user`` exports the events matching ``filters`` (``audit.export``).

    The export is itself an audit event, written before any row leaves: its ``after`` holds
    the filter, and the export covers the chain up to and including this event (its
    ``seq``), whatever is appended while the file streams. Auditors only; anyone else gets
    :class:`NotFound`, as if the log did not exist.
    """
    errors = filters.errors()
    if len(reason) > EXPORT_REASON_MAX_LENGTH:
        errors.append(
            {"field": "reason", "message": f"must be at most {EXPORT_REASON_MAX_LENGTH} characters"}
        )
    if errors:
        raise InvalidInput(errors)
    if not queries.may_read_audit(acting_user, Action.EXPORT):
        raise NotFound("not found")
    return audit.record(
        actor=acting_user,
        action="audit.export",
        object_type=AuditEvent._meta.label_lower,
        after={"filter": filters.to_dict(), "format": "csv"},
        reason=reason.strip(),
    )


@transaction.atomic
def create_audit_checkpoint(*, acting_user: User | None) -> tuple[AuditCheckpoint, Checkpoint]:
    """Sign the chain's size and head hash (Ed25519) and keep the checkpoint.

    First an ``audit.checkpoint`` event is appended, holding the head; the checkpoint then
    signs the chain *including* that event, so the record of making it is itself covered and
    no event is left after the head it names. ``acting_user`` is ``None`` for an operator at
    the command line (``defector audit checkpoint``); otherwise it must be an auditor.
    """
    if acting_user is not None and not queries.may_read_audit(acting_user, Action.EXPORT):
        raise NotFound("not found")
    key = signing.signing_key()
    key_id = chain.key_id(key.public_key())
    event = audit.record(
        actor=acting_user,
        action="audit.checkpoint",
        object_type=AuditCheckpoint._meta.label_lower,
        after={"key_id": key_id},
    )
    if (
        event.seq > 1
        and not AuditEvent.objects.filter(seq=event.seq - 1, hash=event.prev_hash).exists()
    ):
        # Never sign over a gap: the head row names an event the chain no longer holds.
        raise AuditChainFault(
            f"audit chain fault: the head row names event {event.seq - 1}, which is missing "
            "or has another hash; no checkpoint is signed until an operator runs "
            "`defector audit verify`",
            data={"fault": "truncated", "head_seq": event.seq - 1},
        )
    signed = chain.sign_checkpoint(key, size=event.seq, head=event.hash, time=event.at)
    row = AuditCheckpoint.objects.create(**signed.to_dict())
    return row, signed


# --- stored answers of retried API writes (``core.idempotency``) -------------------------------


def idempotency_key_lifetime() -> dt.timedelta:
    """How long an answer is kept for retries (``IDEMPOTENCY_KEY_HOURS``, default 24)."""
    return dt.timedelta(hours=int(getattr(settings, "IDEMPOTENCY_KEY_HOURS", 24)))


def claim_idempotency_key(user_id: int, key: str) -> bool:
    """Whether this transaction may answer ``user_id``'s request with ``key``: ``False`` while
    another transaction is answering one with the same key.

    On PostgreSQL, a transaction-scoped advisory lock on the key: released at the commit or
    the rollback, and by a crash. On SQLite the request's transaction holds the database's only
    write lock from its start (immediate transactions), so no other one can be under way.
    """
    if connection.vendor != "postgresql":
        return True
    digest = hashlib.sha256(f"idempotency\x00{user_id}\x00{key}".encode()).digest()
    lock = int.from_bytes(digest[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [lock])
        row = cursor.fetchone()
    return bool(row and row[0])


def store_idempotent_answer(answer: IdempotencyKey) -> IdempotencyKey:
    """Keep ``answer`` (its body already sealed) until its time is up.

    Called only inside the transaction of the request it answers (``core.idempotency``), so
    the change and its answer are committed together or not at all. It has no audit record of
    its own: the change it answers has one. An expired answer under the same key goes first.
    """
    now = timezone.now()
    IdempotencyKey.objects.filter(
        user_id=answer.user_id, key=answer.key, expires_at__lte=now
    ).delete()
    answer.created_at = now
    answer.expires_at = now + idempotency_key_lifetime()
    answer.save(force_insert=True)
    return answer


@transaction.atomic
def purge_idempotency_keys(*, now: dt.datetime | None = None) -> int:
    """Delete the stored answers whose time is up; the number deleted (audited when any)."""
    moment = now or timezone.now()
    deleted, _ = IdempotencyKey.objects.filter(expires_at__lte=moment).delete()
    if deleted:
        audit.record(
            actor=None,
            action="core.idempotency.purge",
            object_type="core.idempotencykey",
            after={"rows": deleted},
            reason="stored answers past their time",
        )
    return deleted
