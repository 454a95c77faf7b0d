"""Demo data for ``make demo``: accounts now; posts, officials and cases as their apps land.

Idempotent: running it again changes nothing that is already there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from defector.core import actions

#: Shared by every demo account; shown on the console and never used outside demo mode.
DEMO_PASSWORD = "dcid-4-21-demo"  # noqa: S105 (public demo password)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    description: str
    administrator: bool = False


ACCOUNTS = (
    DemoAccount("duty.officer", "Dana", "Reyes", "case officer, Vienna (duty officer)"),
    DemoAccount("committee.chair", "Martin", "Hale", "Defector Committee chair, Vienna"),
    DemoAccount("senior.rep", "Ruth", "Castillo", "Senior US Representative, Vienna"),
    DemoAccount("idc.analyst", "Owen", "Park", "Interagency Defector Committee, Washington"),
    DemoAccount("auditor", "Iris", "Novak", "auditor (audit log only)"),
    DemoAccount("admin", "Adam", "Byrne", "administrator (accounts only)", administrator=True),
)


@transaction.atomic
def load() -> tuple[DemoAccount, ...]:
    """Create whatever demo data is missing; return the demo accounts."""
    existing = set(
        get_user_model()
        .objects.filter(username__in=[a.username for a in ACCOUNTS])
        .values_list("username", flat=True)
    )
    for account in ACCOUNTS:
        if account.username in existing:
            continue
        actions.create_user(
            acting_user=None,
            username=account.username,
            password=DEMO_PASSWORD,
            first_name=account.first_name,
            last_name=account.last_name,
            email=f"{account.username}@demo.invalid",
            administrator=account.administrator,
        )
    return ACCOUNTS
