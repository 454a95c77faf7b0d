"""The choices of the compliance app: the steps of an obligation's ladder (values mirrored
from :class:`defector.policy.gates.compliance.Step`)."""

from __future__ import annotations

from typing import Final

from django.db import models

from defector.policy.gates.compliance import Step


class LadderStep(models.TextChoices):
    """A step of an obligation's reminder and escalation ladder."""

    DUE_SOON = Step.DUE_SOON.value, "Reminder to the owner: due soon"
    CHAIR = Step.CHAIR.value, "Overdue: told the committee chair"
    SENIOR = Step.SENIOR.value, "Overdue: told the senior US representative"
    IDC = Step.IDC.value, "Overdue: told the Interagency Defector Committee"


#: The tables of the compliance views, each downloadable as CSV: slug → title.
TABLES: Final[dict[str, str]] = {
    "by-clause": "Open and overdue obligations by clause",
    "by-post": "Open and overdue obligations by post",
    "overdue": "Overdue obligations",
    "bona-fides": "Time to bona fides",
    "dissemination": "Time to dissemination",
    "meetings": "Meetings held by quarter",
    "unacknowledged": "Threat reports not yet acknowledged",
}
