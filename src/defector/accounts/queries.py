"""Reads of the accounts app: locks, an account's second-factor devices, its API tokens.

Everything here is about the acting user's own account; nobody reads another's.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from defector.accounts.choices import LockScope
from defector.accounts.models import RecoveryCodeDevice, SignInLock
from defector.core import queries as core_queries
from defector.core.models import ApiToken
from defector.core.users import AnyUser


def name_key(username: object) -> str:
    """How failures and locks key an account name: as typed, trimmed and case-folded."""
    return username.strip().casefold()[:150] if isinstance(username, str) else ""


def active_lock(username: str, address: str | None) -> SignInLock | None:
    """The lock that holds back this account name or this address now, if any."""
    key = name_key(username)
    held = Q(pk__in=[])
    if key:
        held |= Q(scope=LockScope.ACCOUNT, key=key)
    if address:
        held |= Q(scope=LockScope.ADDRESS, key=address)
    return SignInLock.objects.filter(held, until__gt=timezone.now()).order_by("-until").first()


def totp_devices(user: AnyUser) -> QuerySet[TOTPDevice]:
    """The account's confirmed authenticator apps."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True)


def has_authenticator(user: AnyUser) -> bool:
    return bool(user.is_authenticated) and totp_devices(user).exists()


def recovery_device(user: AnyUser) -> RecoveryCodeDevice | None:
    return RecoveryCodeDevice.objects.filter(user_id=user.pk, confirmed=True).first()


def recovery_codes_left(device: object) -> int | None:
    """How many unused codes a recovery-code device has; ``None`` for any other device."""
    return device.remaining() if isinstance(device, RecoveryCodeDevice) else None


@dataclass(frozen=True, slots=True)
class SecondFactorStatus:
    """What the account page shows about the second factor."""

    enrolled: bool
    enrolled_at: object
    recovery_codes_left: int


def second_factor_status(user: AnyUser) -> SecondFactorStatus:
    device = totp_devices(user).first()
    recovery = recovery_device(user)
    return SecondFactorStatus(
        enrolled=device is not None,
        enrolled_at=getattr(device, "created_at", None) if device is not None else None,
        recovery_codes_left=recovery.remaining() if recovery is not None else 0,
    )


def tokens_of(user: AnyUser) -> QuerySet[ApiToken]:
    """The account's API tokens, newest first (``core.queries.tokens_of``)."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return core_queries.tokens_of(user)
