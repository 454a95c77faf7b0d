"""Accounts: signed-in sessions, failed sign-ins and locks, recovery codes."""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django_otp.models import Device

from defector.accounts import mfa
from defector.accounts.choices import LockScope, SignInStage


class TrackedSession(models.Model):
    """A session in which an account is signed in, so that all of them can end at once
    (sign-out, deactivation, a reset of the second factor)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="tracked_sessions",
    )
    session_key = models.CharField(
        max_length=40,
        unique=True,
    )
    created_at = models.DateTimeField(
        default=timezone.now,
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"session of user {self.user_id} since {self.created_at:%Y-%m-%d %H:%M}"


class SignInFailure(models.Model):
    """One failed sign-in (a wrong password or a wrong code), kept for the lockout window.

    ``username`` is the name as typed, case-folded — whether or not such an account exists, so
    that a locked name says nothing about existence.
    """

    username = models.CharField(
        max_length=150,
        blank=True,
    )
    address = models.GenericIPAddressField(
        null=True,
        blank=True,
    )
    stage = models.CharField(
        max_length=10,
        choices=SignInStage.choices,
    )
    at = models.DateTimeField(
        default=timezone.now,
    )

    class Meta:
        ordering = ["at"]
        indexes = [
            models.Index(fields=["username", "at"], name="accounts_failure_user_idx"),
            models.Index(fields=["address", "at"], name="accounts_failure_addr_idx"),
            models.Index(fields=["at"], name="accounts_failure_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stage__in=SignInStage.values),
                name="%(app_label)s_%(class)s_known_stage",
                violation_error_message="A failure's stage must be password or code.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage} failure for {self.username!r} from {self.address} at {self.at}"


class SignInLock(models.Model):
    """An account name or a client address that may not sign in until ``until``."""

    scope = models.CharField(
        max_length=10,
        choices=LockScope.choices,
    )
    key = models.CharField(
        max_length=150,
        help_text="The case-folded account name, or the client address.",
    )
    locked_at = models.DateTimeField(
        default=timezone.now,
    )
    until = models.DateTimeField()

    class Meta:
        ordering = ["-until"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key"],
                name="%(app_label)s_%(class)s_one_per_key",
                violation_error_message="There is one lock per account name or address.",
            ),
            models.CheckConstraint(
                condition=models.Q(until__gt=models.F("locked_at")),
                name="%(app_label)s_%(class)s_ends_after_it_starts",
                violation_error_message="A lock must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key!r} locked until {self.until}"


class RecoveryCodeDevice(Device):
    """An account's one-time recovery codes, a second factor for when the authenticator app
    is lost (a django-otp device). Only each code's SHA-256 digest is stored: the codes carry
    120 random bits, so a fast hash cannot be reversed by search."""

    class Meta(Device.Meta):
        verbose_name = "recovery code device"

    def __str__(self) -> str:
        return f"recovery codes of user {self.user_id}"

    def remaining(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()

    def verify_token(self, token: object) -> bool:
        digest = mfa.recovery_digest(token)
        if digest is None:
            return False
        with transaction.atomic():
            code = (
                self.codes.select_for_update().filter(digest=digest, used_at__isnull=True).first()
            )
            if code is None:
                return False
            code.used_at = timezone.now()
            code.save(update_fields=["used_at"])
        return True


class RecoveryCode(models.Model):
    """One recovery code (its SHA-256 digest); usable once."""

    device = models.ForeignKey(
        RecoveryCodeDevice,
        on_delete=models.CASCADE,
        related_name="codes",
    )
    digest = models.CharField(
        max_length=64,
        unique=True,
    )
    used_at = models.DateTimeField(
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"recovery code {self.digest[:8]}… ({'used' if self.used_at else 'unused'})"
