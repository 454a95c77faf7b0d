"""Choices of the accounts app."""

from __future__ import annotations

from django.db import models


class SignInStage(models.TextChoices):
    """Which step of signing in failed."""

    PASSWORD = "password", "Password"
    CODE = "code", "Second factor"


class LockScope(models.TextChoices):
    """What a sign-in lock holds back: one account, or one client address."""

    ACCOUNT = "account", "Account"
    ADDRESS = "address", "Client address"
