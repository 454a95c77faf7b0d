"""Core reads: API tokens."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from defector.core import tokens
from defector.core.models import ApiToken


def active_token(plain: str) -> ApiToken | None:
    """The active token whose digest matches ``plain``, with its user, or ``None``."""
    if not plain.startswith(tokens.TOKEN_PREFIX):
        return None
    return (
        ApiToken.objects.select_related("user")
        .filter(
            digest=tokens.digest(plain),
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=user.pk)


def user_named(username: str) -> User | None:
    """The account with this sign-in name, or ``None``."""
    return get_user_model().objects.filter(username=username).first()
