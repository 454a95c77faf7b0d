"""Writes of the accounts app: signing in (with its lockout), the second factor, sessions.

Every action is one transaction with its audit record. A refusal to sign in says the same
whether or not the account exists; failures count against the name typed and the client
address, and too many lock them for a while (``SIGN_IN_*`` settings).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_otp.plugins.otp_totp.models import TOTPDevice

from defector.accounts import mfa, queries
from defector.accounts.choices import LockScope, SignInStage
from defector.accounts.models import (
    RecoveryCode,
    RecoveryCodeDevice,
    SignInFailure,
    SignInLock,
    TrackedSession,
)
from defector.core import audit
from defector.core.errors import Conflict, DomainError, InvalidInput
from defector.core.users import AnyUser

#: The one answer to a wrong name, a wrong password, or an account that may not sign in.
WRONG_CREDENTIALS: Final = (
    "The username or password is not right, or the account may not sign in. Check them and "
    "try again."
)
WRONG_CODE: Final = "The code is not right. Enter the current code from your authenticator app."
#: Failures are kept this long for the record of locks (the window itself is shorter).
FAILURE_RETENTION: Final = dt.timedelta(days=1)


class SignInLocked(DomainError):
    """Sign-in is paused for this account name or client address after repeated failures."""

    code = "sign_in_locked"
    status = 429


def locked_message() -> str:
    minutes = max(1, settings.SIGN_IN_LOCKOUT_SECONDS // 60)
    return (
        "Too many failed attempts: signing in is paused for this account or from this network "
        f"address. Try again in {minutes} minutes."
    )


def _known_user(username: str) -> User | None:
    return get_user_model().objects.filter(username=username).first() if username else None


# --- signing in ---------------------------------------------------------------------------


def check_password(*, username: str, password: str, address: str | None) -> User:
    """The active account with this name and password, or a refusal.

    Refused with :class:`SignInLocked` while the name or the address is locked (the password
    is not even tried), otherwise with :class:`InvalidInput` and :data:`WRONG_CREDENTIALS`
    after recording the failure — which may lock the name or address, and then the answer
    is :class:`SignInLocked`. Inactive accounts fail like wrong passwords.
    """
    username = username if isinstance(username, str) else ""
    password = password if isinstance(password, str) else ""
    if queries.active_lock(username, address) is not None:
        raise SignInLocked(locked_message())
    user = authenticate(None, username=username, password=password)
    if user is not None:
        return user
    lock = record_sign_in_failure(
        acting_user=None, username=username, address=address, stage=SignInStage.PASSWORD
    )
    if lock is not None:
        raise SignInLocked(locked_message())
    raise InvalidInput([{"field": "__all__", "message": WRONG_CREDENTIALS}], WRONG_CREDENTIALS)


@transaction.atomic
def record_sign_in_failure(
    *, acting_user: User | None, username: str, address: str | None, stage: str
) -> SignInLock | None:
    """Count one failed attempt; lock the name or the address when it reaches its limit.

    Returns the lock that now applies, if any. Recorded as ``accounts.sign_in.failed`` (and
    ``accounts.locked`` for a new lock). The name typed is kept in the audit record only when
    it is an account's (a password typed into the name field must not be logged).
    """
    now = timezone.now()
    key = queries.name_key(username)
    SignInFailure.objects.filter(at__lt=now - FAILURE_RETENTION).delete()
    SignInFailure.objects.create(username=key, address=address, stage=stage, at=now)
    account = acting_user or _known_user(username)
    audit.record(
        actor=acting_user,
        action="accounts.sign_in.failed",
        obj=account,
        object_type="" if account is not None else "auth.user",
        after={
            "username": account.get_username() if account is not None else None,
            "address": address,
            "stage": stage,
        },
    )
    since = now - dt.timedelta(seconds=settings.SIGN_IN_WINDOW_SECONDS)
    lock: SignInLock | None = None
    if key and (
        SignInFailure.objects.filter(username=key, at__gte=since).count()
        >= settings.SIGN_IN_ACCOUNT_FAILURES
    ):
        lock = _lock(acting_user, LockScope.ACCOUNT, key, now, account) or lock
    if address and (
        SignInFailure.objects.filter(address=address, at__gte=since).count()
        >= settings.SIGN_IN_ADDRESS_FAILURES
    ):
        lock = _lock(acting_user, LockScope.ADDRESS, address, now, account) or lock
    return lock or queries.active_lock(username, address)


def _lock(
    acting_user: User | None, scope: str, key: str, now: dt.datetime, account: User | None
) -> SignInLock | None:
    """Lock ``key`` unless it is locked already; the new lock, or ``None``."""
    current = SignInLock.objects.select_for_update().filter(scope=scope, key=key).first()
    if current is not None and current.until > now:
        return None
    until = now + dt.timedelta(seconds=settings.SIGN_IN_LOCKOUT_SECONDS)
    if current is None:
        current = SignInLock.objects.create(scope=scope, key=key, locked_at=now, until=until)
    else:
        current.locked_at = now
        current.until = until
        current.save(update_fields=["locked_at", "until"])
    audit.record(
        actor=acting_user,
        action="accounts.locked",
        obj=current,
        after={
            "scope": scope,
            "username": account.get_username() if scope == LockScope.ACCOUNT and account else None,
            "address": key if scope == LockScope.ADDRESS else None,
            "until": until,
        },
    )
    return current


@transaction.atomic
def record_sign_in(*, acting_user: User, address: str | None, method: str) -> None:
    """The account has signed in (every factor given): ``accounts.sign_in``; its failures
    are forgotten."""
    SignInFailure.objects.filter(username=queries.name_key(acting_user.get_username())).delete()
    audit.record(
        actor=acting_user,
        action="accounts.sign_in",
        obj=acting_user,
        after={"address": address, "method": method},
    )


# --- the second factor ----------------------------------------------------------------------


def verify_second_factor(*, acting_user: User, code: str, address: str | None) -> Any:
    """The device (authenticator app or recovery codes) that accepts ``code``.

    Refused like a sign-in: :class:`SignInLocked` while the account or address is locked,
    :class:`InvalidInput` on ``code`` after recording the failure (which may lock). A
    recovery code works once; its use is recorded (``accounts.recovery_code.use``).
    """
    username = acting_user.get_username()
    if queries.active_lock(username, address) is not None:
        raise SignInLocked(locked_message())
    text = mfa.normalise_code(code)
    device: Any = None
    if mfa.is_totp_code(text):
        with transaction.atomic():
            for candidate in queries.totp_devices(acting_user).select_for_update():
                if candidate.verify_token(text):
                    device = candidate
                    break
    elif text:
        recovery = queries.recovery_device(acting_user)
        if recovery is not None and recovery.verify_token(text):
            device = recovery
            with transaction.atomic():
                audit.record(
                    actor=acting_user,
                    action="accounts.recovery_code.use",
                    obj=recovery,
                    after={"remaining": recovery.remaining()},
                )
    if device is not None:
        return device
    lock = record_sign_in_failure(
        acting_user=acting_user, username=username, address=address, stage=SignInStage.CODE
    )
    if lock is not None:
        raise SignInLocked(locked_message())
    raise InvalidInput([{"field": "code", "message": WRONG_CODE}], WRONG_CODE)


@transaction.atomic
def enrol_totp(*, acting_user: User, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator app holding ``key`` with a ``code`` it shows; return the
    device and fresh recovery codes (shown once, stored as digests).

    Refused with :class:`Conflict` when the account already has an app (an operator resets
    it with ``defector mfa reset``). Recorded as ``accounts.mfa.enrol``.
    """
    if not mfa.is_totp_key(key):
        raise InvalidInput([{"field": "code", "message": "start again: the secret has expired"}])
    text = mfa.normalise_code(code)
    if not mfa.is_totp_code(text):
        raise InvalidInput([{"field": "code", "message": "enter the 6 digits the app shows"}])
    if queries.totp_devices(acting_user).exists():
        raise Conflict("this account already has an authenticator app")
    device = TOTPDevice(user=acting_user, name="Authenticator app", key=key, confirmed=False)
    if not device.verify_token(text):
        raise InvalidInput([{"field": "code", "message": WRONG_CODE}], WRONG_CODE)
    device.confirmed = True
    device.save()
    codes = _replace_recovery_codes(acting_user)
    audit.record(
        actor=acting_user,
        action="accounts.mfa.enrol",
        obj=device,
        after={"device": device.name, "recovery_codes": len(codes)},
    )
    return device, codes


@transaction.atomic
def renew_recovery_codes(*, acting_user: User) -> list[str]:
    """New recovery codes for the acting user; the old ones stop working
    (``accounts.recovery_codes.renew``)."""
    if not queries.totp_devices(acting_user).exists():
        raise Conflict("set up an authenticator app first")
    codes = _replace_recovery_codes(acting_user)
    audit.record(
        actor=acting_user,
        action="accounts.recovery_codes.renew",
        obj=acting_user,
        after={"recovery_codes": len(codes)},
    )
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    RecoveryCodeDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = mfa.new_recovery_codes()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, digest=mfa.recovery_digest(code) or "") for code in codes
    )
    return codes


@transaction.atomic
def reset_second_factor(*, acting_user: User | None, user: User, reason: str = "") -> int:
    """Remove an account's authenticator app and recovery codes and end its sessions, so
    that it enrols again at its next sign-in (an operator's ``defector mfa reset``).
    Returns the number of devices removed. Recorded as ``accounts.mfa.reset``."""
    removed = 0
    for model in (TOTPDevice, RecoveryCodeDevice):
        count, _ = model.objects.filter(user=user).delete()
        removed += count
    end_all_sessions(user, acting_user=acting_user, reason="second factor reset")
    audit.record(
        actor=acting_user,
        action="accounts.mfa.reset",
        obj=user,
        after={"records_removed": removed},
        reason=reason,
    )
    return removed


# --- sessions -------------------------------------------------------------------------------


@transaction.atomic
def track_session(*, acting_user: User, session_key: str, replaces: str = "") -> None:
    """Remember that ``session_key`` is one of the account's sessions (``replaces``: the key
    it had before it was renewed)."""
    if replaces and replaces != session_key:
        TrackedSession.objects.filter(session_key=replaces).delete()
    TrackedSession.objects.update_or_create(session_key=session_key, defaults={"user": acting_user})


@transaction.atomic
def forget_session(*, session_key: str) -> None:
    """The session ended on its own (sign-out of this session, or a time limit)."""
    TrackedSession.objects.filter(session_key=session_key).delete()


def _session_store() -> Any:
    return import_string(f"{settings.SESSION_ENGINE}.SessionStore")


@transaction.atomic
def end_all_sessions(user: User, *, acting_user: AnyUser | None, reason: str = "") -> int:
    """End every session of ``user`` at once (sign-out, deactivation, a reset); the number
    ended. Recorded as ``accounts.sessions.end``."""
    keys = list(
        TrackedSession.objects.select_for_update()
        .filter(user=user)
        .values_list("session_key", flat=True)
    )
    store = _session_store()
    for key in keys:
        store(session_key=key).delete()
    TrackedSession.objects.filter(user=user).delete()
    audit.record(
        actor=acting_user,
        action="accounts.sessions.end",
        obj=user,
        after={"sessions": len(keys)},
        reason=reason,
    )
    return len(keys)
