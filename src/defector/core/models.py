"""Core models: API tokens for programs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    """A bearer token with which a program calls the API as a user.

    Only the SHA-256 digest of the token is stored; the token itself is shown once, when it is
    created. A token is usable until it expires or is revoked.
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
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
