"""``defector purge-idempotency-keys``: forget the stored answers whose time is up."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from defector.core import actions


class Command(BaseCommand):
    help = (
        "Delete the answers kept for API retries (Idempotency-Key) older than "
        "IDEMPOTENCY_KEY_HOURS; run it daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = actions.purge_idempotency_keys()
        self.stdout.write(f"deleted {deleted} expired idempotency key(s)")
