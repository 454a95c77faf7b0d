"""What else waits for the official's acknowledgement, from the apps above notifications.

The What's new page lists, under "To acknowledge", the procedures and guidance of the
committees and whatever the registered providers answer: an app above this one (a threat
report's recipients, ``6b(3)(a)``) calls :func:`register_pending_provider` in its
``AppConfig.ready()`` with ``provider(user) -> list of PendingItem``. A provider is a read
that applies access control itself; its titles name cases by cryptonym only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from defector.core.users import AnyUser


@dataclass(frozen=True, slots=True)
class PendingItem:
    """One thing the official has still to acknowledge, and where to do it."""

    title: str
    clause: str
    link: str
    since: dt.datetime | None = None


PendingProvider = Callable[[AnyUser], Sequence[PendingItem]]
_PROVIDERS: list[PendingProvider] = []


def register_pending_provider(provider: PendingProvider) -> None:
    """Add a provider of pending items; registering the same function twice has no effect."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def pending_items(user: AnyUser) -> list[PendingItem]:
    """Every provider's items for ``user``, in the providers' order."""
    return [item for provider in _PROVIDERS for item in provider(user)]
