"""Choices of the dissemination app: precedences, why an official is on a report's
distribution, and the escalation ladders (``6b(3)(a)``).

The precedences and the ladder's targets are those of the pure rules
(:mod:`defector.policy.gates.dissemination`); this module gives them to Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Final

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from defector.policy.gates import dissemination as gate


class Precedence(models.TextChoices):
    """How fast a threat report must be read: FLASH first."""

    FLASH = gate.FLASH, gate.PRECEDENCES[gate.FLASH]
    IMMEDIATE = gate.IMMEDIATE, gate.PRECEDENCES[gate.IMMEDIATE]
    PRIORITY = gate.PRIORITY, gate.PRECEDENCES[gate.PRIORITY]


class Seat(models.TextChoices):
    """Why an official is on a post's threat distribution."""

    SECURITY_OFFICER = "security_officer", "Post security officer"
    AGENCY_REPRESENTATIVE = "agency_representative", "Agency representative"
    SENIOR_REPRESENTATIVE = "senior_representative", "Senior US representative"
    COMMITTEE_CHAIR = "committee_chair", "Committee chair"
    IDC = "idc", "Interagency Defector Committee"
    OTHER = "other", "Named official"


class Target(models.TextChoices):
    """Who a step of the escalation ladder reaches."""

    RECIPIENTS = gate.RECIPIENTS, gate.TARGETS[gate.RECIPIENTS]
    COMMITTEE_CHAIR = gate.COMMITTEE_CHAIR, gate.TARGETS[gate.COMMITTEE_CHAIR]
    SENIOR_REPRESENTATIVE = gate.SENIOR_REPRESENTATIVE, gate.TARGETS[gate.SENIOR_REPRESENTATIVE]
    IDC = gate.IDC, gate.TARGETS[gate.IDC]


#: The seats a named official may hold on a post's distribution (the others are roles).
NAMED_SEATS: Final = (Seat.SECURITY_OFFICER, Seat.AGENCY_REPRESENTATIVE, Seat.OTHER)

#: The setting of the escalation ladders, and its defaults: minutes after issue without every
#: acknowledgement, and who is reached then. PRIORITY does not climb.
LADDERS_SETTING: Final = "DEFECTOR_THREAT_LADDERS"
DEFAULT_LADDERS: Final[Mapping[str, tuple[gate.Step, ...]]] = {
    Precedence.FLASH: (
        (5, gate.RECIPIENTS),
        (10, gate.COMMITTEE_CHAIR),
        (15, gate.SENIOR_REPRESENTATIVE),
        (20, gate.IDC),
    ),
    Precedence.IMMEDIATE: (
        (30, gate.RECIPIENTS),
        (60, gate.COMMITTEE_CHAIR),
        (90, gate.SENIOR_REPRESENTATIVE),
        (120, gate.IDC),
    ),
    Precedence.PRIORITY: (),
}

#: How often the worker runs the ladder's sweep.
SWEEP_EVERY: Final = dt.timedelta(minutes=1)
#: How often the report's page asks for the state of its deliveries, in seconds.
POLL_SECONDS: Final = 3

#: The longest texts of a report.
SHORT_MAX_LENGTH: Final = 200
TEXT_MAX_LENGTH: Final = 4_000
#: The longest label of a seat on the distribution.
LABEL_MAX_LENGTH: Final = 120


def ladder(precedence: str) -> tuple[gate.Step, ...]:
    """The escalation ladder of ``precedence``: ``DEFECTOR_THREAT_LADDERS`` (precedence to a
    list of ``[minutes, target]``), else the defaults."""
    configured: Mapping[str, Sequence[Sequence[object]]] = getattr(settings, LADDERS_SETTING, {})
    if precedence not in configured:
        return DEFAULT_LADDERS.get(precedence, ())
    steps = tuple((int(str(step[0])), str(step[1])) for step in configured[precedence])
    problems = gate.check_ladder(steps)
    if problems:
        raise ImproperlyConfigured(f"{LADDERS_SETTING}[{precedence!r}]: {'; '.join(problems)}")
    return steps
