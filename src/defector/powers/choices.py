"""Choices of the powers app: the kinds of record (``1``, ``3``), from the pure gate."""

from __future__ import annotations

from django.db import models

from defector.policy.gates.powers import PowerKind as GateKind


class PowerKind(models.TextChoices):
    """What the record is: a power of ``1`` or of ``3``."""

    WAR_THEATER = GateKind.WAR_THEATER.value, "Active theater of war where US forces are engaged"
    PRESIDENTIAL_DIRECTION = (
        GateKind.PRESIDENTIAL_DIRECTION.value,
        "Presidential direction that the directive not apply",
    )
    DCI_DETERMINATION = (
        GateKind.DCI_DETERMINATION.value,
        "DCI determination extending the directive to other nationals",
    )
