"""Choices of the reports app."""

from __future__ import annotations

from typing import Final

from django.db import models

from defector.policy.gates.reports import ReportStatus


class Status(models.TextChoices):
    """Where a status report to the IDC stands (``6d``)."""

    DRAFTED = ReportStatus.DRAFTED.value, "Drafted"
    SENT = ReportStatus.SENT.value, "Sent to the IDC"
    ACKNOWLEDGED = ReportStatus.ACKNOWLEDGED.value, "Acknowledged by the IDC"


#: The statuses of a report Washington has received.
RECEIVED: Final[tuple[str, ...]] = (Status.SENT, Status.ACKNOWLEDGED)

#: Who sends a post's reports: the committee's chair, who speaks for the committee (``6d``, as
#: ``6a``'s minutes are forwarded by it).
SENDING_ROLES: Final[tuple[str, ...]] = ("committee_chair",)
#: Who acknowledges them in Washington.
ACKNOWLEDGING_ROLES: Final[tuple[str, ...]] = ("idc_member",)
#: Who reads Washington's worldwide view: the IDC and the DCI's delegate.
WORLD_ROLES: Final[tuple[str, ...]] = ("idc_member", "dci_delegate")
#: Who reads a post's own view of its reports: its committee and senior US representative.
POST_ROLES: Final[tuple[str, ...]] = (
    "committee_member",
    "committee_chair",
    "senior_representative",
)

#: The longest post comment on a report.
COMMENT_MAX_LENGTH: Final = 4000
