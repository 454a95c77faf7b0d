"""The demo's records of Washington's powers (``1``, ``3``): one of each kind, entered by the
demo DCI delegate through the powers app's actions (so audited). Fictional references."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from defector.powers import actions as powers
from defector.powers.models import Power


@dataclass(frozen=True)
class DemoPower:
    kind: str
    reference: str
    countries: tuple[str, ...]
    starts_on: str
    ends_on: str | None
    text: str


POWERS = (
    DemoPower(
        "war_theater",
        "NSC determination 82-17 (demo)",
        ("LB",),
        "1982-08-25",
        "1984-02-26",
        "US forces engaged with the Multinational Force in Lebanon.",
    ),
    DemoPower(
        "presidential_direction",
        "Presidential direction 83-4 (demo)",
        ("GD",),
        "1983-10-25",
        "1983-12-15",
        "The directive does not apply in Grenada during the operation.",
    ),
    DemoPower(
        "dci_determination",
        "DCI determination 80-2 (demo)",
        ("AF", "IR"),
        "1980-01-15",
        None,
        "The directive applies in whole to nationals of Afghanistan and Iran.",
    ),
)


def load_powers() -> None:
    """Enter the demo's records that are missing (told apart by their reference)."""
    delegate = get_user_model().objects.get(username="dci.delegate")
    for demo in POWERS:
        if Power.objects.filter(reference=demo.reference).exists():
            continue
        powers.record_power(
            acting_user=delegate,
            kind=demo.kind,
            reference=demo.reference,
            countries=list(demo.countries),
            starts_on=demo.starts_on,
            ends_on=demo.ends_on,
            text=demo.text,
        )
