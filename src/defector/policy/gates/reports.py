"""The rules of the status reports to the Interagency Defector Committee (``6d``).

Pure: plain values in, a :class:`~defector.policy.decisions.Decision` citing its clause out.

``6d`` puts the duty on the local Defector Committee ("keep the Interagency Defector Committee,
Washington, informed concerning each defector, including the status of exploitation"), as
``6a`` does with the minutes it forwards. So a report is *drafted* by whoever works the case
(its case officer, a committee member, the chair), *reviewed and sent* by the committee's
chair, who speaks for the committee, and *acknowledged* by a member of the IDC. Four eyes:
the chair does not send a report whose contents they prepared themselves (drafted or last
regenerated), so every report is read by a second official before it leaves the post.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from defector.policy.citations import cite
from defector.policy.decisions import Decision

CLAUSE: Final = cite("6d")


class ReportStatus(StrEnum):
    """Where a status report stands."""

    DRAFTED = "drafted"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"


def may_draft(*, may_work_case: bool, case_closed: bool) -> Decision:
    """A report is drafted from an open case by an official who works it."""
    if not may_work_case:
        return Decision.deny(
            CLAUSE,
            reason="only those who work the case (its case officers, the post's committee) "
            "draft its reports to the IDC",
        )
    if case_closed:
        return Decision.deny(CLAUSE, reason="the case is closed: no further report is owed")
    return Decision.allow(CLAUSE, reason="the committee keeps the IDC informed of the case")


def may_regenerate(*, status: str, may_work_case: bool) -> Decision:
    """Only a draft is regenerated from the case, by whoever may draft."""
    if not may_work_case:
        return Decision.deny(CLAUSE, reason="only those who work the case regenerate its report")
    if status != ReportStatus.DRAFTED:
        return Decision.deny(
            CLAUSE, reason="the report was sent: what was sent stays as it was sent"
        )
    return Decision.allow(CLAUSE, reason="a draft follows the case until it is sent")


def may_send(*, status: str, is_chair: bool, prepared_it: bool, contents_current: bool) -> Decision:
    """The committee's chair sends a draft prepared by another official, as it stands in the
    case today."""
    if not is_chair:
        return Decision.deny(
            CLAUSE, reason="only the committee's chair sends the committee's reports to the IDC"
        )
    if status != ReportStatus.DRAFTED:
        return Decision.deny(CLAUSE, reason="the report has been sent already")
    if prepared_it:
        return Decision.deny(
            CLAUSE,
            reason="four eyes: the chair sends a report prepared by another official, not "
            "one they drafted or regenerated themselves",
        )
    if not contents_current:
        return Decision.deny(
            CLAUSE,
            reason="the case has changed since the report was drafted: regenerate it, read "
            "it again, then send it",
        )
    return Decision.allow(CLAUSE, reason="the chair sends the committee's report to the IDC")


def may_acknowledge(*, status: str, is_idc: bool) -> Decision:
    """A member of the IDC acknowledges a sent report, once."""
    if not is_idc:
        return Decision.deny(CLAUSE, reason="only a member of the IDC acknowledges a report")
    if status == ReportStatus.DRAFTED:
        return Decision.deny(CLAUSE, reason="the report has not been sent yet")
    if status == ReportStatus.ACKNOWLEDGED:
        return Decision.deny(CLAUSE, reason="the report has been acknowledged already")
    return Decision.allow(CLAUSE, reason="the IDC acknowledges the committee's report")
