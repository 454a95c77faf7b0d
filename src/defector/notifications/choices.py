"""Choices of the notifications app: the kinds of notice (``6e``)."""

from __future__ import annotations

from typing import Final

from django.db import models


class NoticeKind(models.TextChoices):
    """What a notice is about; the summary says what happened."""

    CASE = "case", "Case"
    PROBLEM = "problem", "Mutual problem"
    PROCEDURES = "procedures", "Local operating procedures"
    GUIDANCE = "guidance", "Policy guidance"
    MINUTES = "minutes", "Minutes"
    MEETING = "meeting", "Meeting"
    THREAT_REPORT = "threat_report", "Threat report"
    TASK = "task", "Task"
    OBLIGATION = "obligation", "Obligation"
    REPORT = "report", "Report to the IDC"
    TRACE = "trace", "Name trace"
    PUBLICITY = "publicity", "Publicity proposal"


#: The clause behind each kind of notice, shown next to it.
KIND_CLAUSES: Final[dict[str, str]] = {
    NoticeKind.CASE: "6e",
    NoticeKind.PROBLEM: "6c",
    NoticeKind.PROCEDURES: "6b",
    NoticeKind.GUIDANCE: "7c",
    NoticeKind.MINUTES: "6a",
    NoticeKind.MEETING: "6a",
    NoticeKind.THREAT_REPORT: "6b(3)(a)",
    NoticeKind.TASK: "6b(3)(d)",
    NoticeKind.OBLIGATION: "6b",
    NoticeKind.REPORT: "6d",
    NoticeKind.TRACE: "6b(3)(b)",
    NoticeKind.PUBLICITY: "6f",
}

#: The longest summary of a notice, and the longest link.
SUMMARY_MAX_LENGTH: Final = 500
LINK_MAX_LENGTH: Final = 500
#: How many earlier (already seen) notices the What's new page lists under the new ones.
EARLIER_SHOWN: Final = 50


class EmailStatus(models.TextChoices):
    """Where an e-mail of the outbox stands: waiting (to be sent, or sent again after a
    failure), being sent by a worker that holds its lease, sent, or given up."""

    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Given up"


#: How many times an e-mail is tried before it is given up (then it stays, marked, for an
#: operator; the notice is in the recipient's feed either way).
EMAIL_MAX_ATTEMPTS: Final = 10
#: The wait after the first failed try; it doubles at each one after, up to the longest wait.
EMAIL_FIRST_RETRY_SECONDS: Final = 30
EMAIL_LONGEST_RETRY_SECONDS: Final = 3600
#: How many e-mails one delivery run sends at most (the next run sends the rest).
EMAIL_BATCH: Final = 100
