"""Core models: API tokens for programs, the audit chain, and stored answers of retried API
writes."""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection
from typing import Any, Final, Self

from django.conf import settings
from django.db import models
from django.utils import timezone

from defector.core.choices import TokenScope


class ApiToken(models.Model):
    """A bearer token with which a program calls the API as a user.

    Only the SHA-256 digest of the token is stored; the token itself is shown once, when it is
    created. A token is usable until it expires or is revoked, and only for what its scope
    allows (``core.choices.TokenScope``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        max_length=100,
        help_text="What the token is for, e.g. the program that uses it.",
    )
    prefix = models.CharField(
        max_length=12,
        help_text="The token's first characters, to recognise it in lists.",
    )
    digest = models.CharField(
        max_length=64,
        unique=True,
        help_text="SHA-256 of the token, hex.",
    )
    scope = models.CharField(
        max_length=10,
        choices=TokenScope.choices,
        default=TokenScope.READ,
        help_text="What the token may do: read only, read and assess, or read and write.",
    )
    created_at = models.DateTimeField(
        default=timezone.now,
    )
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(
        null=True,
        blank=True,
    )
    last_used_at = models.DateTimeField(
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="%(app_label)s_%(class)s_expires_after_creation",
                violation_error_message="A token must expire after it is created.",
            ),
            models.CheckConstraint(
                condition=models.Q(scope__in=TokenScope.values),
                name="%(app_label)s_%(class)s_known_scope",
                violation_error_message="A token's scope must be read, assess or write.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class AuditEvent(models.Model):
    """One entry of the append-only, hash-chained audit log.

    Written by every action in the same transaction as its change (``core.audit.record``).
    ``hash`` is the SHA-256 of the event's canonical encoding, which includes ``prev_hash``,
    the hash of the event before it (``core.chain``). The actor is kept as an id and a copy of
    their name, not a foreign key, so that the log outlives accounts and nothing ever needs to
    update a row. Sealed values never appear here in clear.
    """

    seq = models.PositiveBigIntegerField(
        unique=True,
        help_text="Position in the chain, from 1, without gaps.",
    )
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="The acting account's id; empty for the system or an operator's command.",
    )
    actor_name = models.CharField(
        max_length=200,
        help_text="A copy of the actor's name at the time.",
    )
    action = models.CharField(
        max_length=100,
        help_text="What was done, as app.object.verb (e.g. directory.post.create).",
    )
    object_type = models.CharField(
        max_length=100,
        blank=True,
    )
    object_id = models.CharField(
        max_length=64,
        blank=True,
    )
    cryptonym = models.CharField(
        max_length=64,
        blank=True,
    )
    before = models.JSONField(
        null=True,
        blank=True,
    )
    after = models.JSONField(
        null=True,
        blank=True,
    )
    decision = models.JSONField(
        null=True,
        blank=True,
        help_text="The policy decision, with its clause keys and reason, when one applied.",
    )
    policy_version = models.CharField(
        max_length=64,
        blank=True,
    )
    reason = models.TextField(
        blank=True,
        help_text="The reason the actor stated (reveals, exports, reopenings).",
    )
    request_id = models.CharField(
        max_length=64,
        blank=True,
    )
    prev_hash = models.CharField(
        max_length=64,
    )
    hash = models.CharField(
        max_length=64,
    )
    body = models.BinaryField(
        null=True,
        blank=True,
        editable=False,
        help_text="The bytes the hash covers (core.chain.event_body), for events appended "
        "since the chain's format 2; empty for the events before it (format 1).",
    )

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx"),
            models.Index(fields=["actor_id", "at"], name="core_audit_actor_idx"),
            models.Index(fields=["at"], name="core_audit_at_idx"),
            # The audit search's action prefix (``action__startswith``: LIKE 'x%'). On
            # PostgreSQL only a pattern index serves it; on SQLite (whose LIKE ignores case) it
            # is the narrow index the count is read from (core/migrations/0010).
            models.Index(
                fields=["action"],
                opclasses=["varchar_pattern_ops"],
                name="core_audit_action_idx",
            ),
        ]
        constraints = [
            # Unique as ever (the chain's backstop: docs/audit.md), as a constraint rather than
            # ``unique=True``, which on PostgreSQL also made a pattern index nothing reads.
            models.UniqueConstraint(fields=["hash"], name="%(app_label)s_%(class)s_hash_unique"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} by {self.actor_name}"

    @classmethod
    def from_db(cls, db: str | None, field_names: Collection[str], values: Collection[Any]) -> Self:
        """An event as loaded, its empty JSON columns read from its bytes: a format-2 event
        stores ``before``, ``after`` and ``decision`` only in ``body`` (``core.heads``), and
        nothing filters on them; a column that holds a value is left as stored (``audit verify
        --deep`` compares it with the bytes)."""
        event = super().from_db(db, field_names, values)
        loaded = event.__dict__
        body = loaded.get("body")
        if body is None or all(loaded.get(name, True) is not None for name in BODY_ONLY_FIELDS):
            return event
        try:
            data = json.loads(bytes(body))
        except ValueError:  # unreadable bytes: verify says so; the columns stay empty
            return event
        if isinstance(data, dict):
            for name in BODY_ONLY_FIELDS:
                if name in loaded and loaded[name] is None:
                    loaded[name] = data.get(name)
        return event


#: The columns a format-2 event leaves empty (NULL): its bytes hold them (``core.heads``).
BODY_ONLY_FIELDS: Final = ("before", "after", "decision")


class AuditHead(models.Model):
    """The chain's last position and hash: one row, locked by each append.

    Appends lock this row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's writes are
    serialised by its immediate transactions), so concurrent writers take turns and the chain
    stays linear; the unique ``seq`` of :class:`AuditEvent` is the backstop.
    """

    seq = models.PositiveBigIntegerField(
        default=0,
    )
    hash = models.CharField(
        max_length=64,
    )

    def __str__(self) -> str:
        return f"head #{self.seq}"


class AuditCheckpoint(models.Model):
    """A signed statement of the chain's size and head hash at a time (Ed25519)."""

    size = models.PositiveBigIntegerField()
    head = models.CharField(
        max_length=64,
    )
    time = models.CharField(
        max_length=40,
        help_text="The signed time, as written in the checkpoint (UTC, ISO 8601).",
    )
    key_id = models.CharField(
        max_length=16,
    )
    signature = models.CharField(
        max_length=100,
    )

    class Meta:
        ordering = ["size"]

    def __str__(self) -> str:
        return f"checkpoint of {self.size} events"


class IdempotencyKey(models.Model):
    """The answer to an API write that carried an ``Idempotency-Key``, kept for a while so that
    a retry with the same key gets the same answer instead of doing the work twice.

    Written in the same transaction as the change the request made (``core.idempotency``), so
    a crash keeps both or neither. A key belongs to one user. The request is kept only as a
    keyed digest of its input (it may hold a true name); the answer's body is sealed with the
    keyring (it may hold a statement's text), bound to this row by ``seal_uid``.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
    )
    key = models.CharField(
        max_length=255,
        help_text="The client's key, as sent (1 to 255 printable ASCII characters).",
    )
    method = models.CharField(
        max_length=10,
    )
    path = models.CharField(
        max_length=2000,
    )
    fingerprint = models.CharField(
        max_length=64,
        help_text="HMAC-SHA256 of the request's method, path and validated input, hex.",
    )
    status_code = models.PositiveSmallIntegerField()
    headers = models.JSONField(
        default=dict,
        blank=True,
        help_text="The answer's headers that a replay repeats (Content-Type, ETag, …).",
    )
    body = models.TextField(
        blank=True,
        help_text="The answer's body, sealed (v1.<key id>.<nonce>.<ciphertext>); empty if none.",
    )
    seal_uid = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Binds the sealed body to this row.",
    )
    created_at = models.DateTimeField(
        default=timezone.now,
    )
    expires_at = models.DateTimeField(
        db_index=True,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                name="%(app_label)s_%(class)s_one_answer_per_user_and_key",
                violation_error_message="A user's idempotency key answers one request only.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"


class WorkerHeartbeat(models.Model):
    """The last sign of life of one worker process (``defector worker``), written at every
    turn of its loop; readiness checks read the latest (``core.sweeps.last_heartbeat``)."""

    worker = models.CharField(
        max_length=200,
        unique=True,
        help_text="The worker's name: host and process id.",
    )
    started_at = models.DateTimeField(
        default=timezone.now,
    )
    beat_at = models.DateTimeField(
        default=timezone.now,
        db_index=True,
    )

    def __str__(self) -> str:
        return f"{self.worker} at {self.beat_at:%Y-%m-%d %H:%M:%S} UTC"


class SweepLease(models.Model):
    """When a periodic sweep (``core.sweeps``) runs next, and which worker holds it now.

    A worker takes a sweep by a conditional update (due, and not held by a live lease), so two
    workers never run the same sweep's turn at once; a lease that outlives its worker (killed)
    expires and the next worker takes the sweep again. Sweeps still claim each item they act
    on: this row saves the double work, the items' claims make it safe."""

    name = models.CharField(
        max_length=100,
        unique=True,
        help_text="The sweep's registered name (app.what).",
    )
    next_run_at = models.DateTimeField(
        default=timezone.now,
    )
    leased_by = models.CharField(
        max_length=200,
        blank=True,
        help_text="The worker running it now (empty when none is).",
    )
    lease_until = models.DateTimeField(
        null=True,
        blank=True,
    )
    last_started_at = models.DateTimeField(
        null=True,
        blank=True,
    )
    last_finished_at = models.DateTimeField(
        null=True,
        blank=True,
    )
    last_count = models.IntegerField(
        default=0,
        help_text="How many things its last run did.",
    )

    def __str__(self) -> str:
        return f"sweep {self.name}"
