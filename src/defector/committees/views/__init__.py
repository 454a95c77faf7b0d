"""Pages of the committees app (``/committees/``).

Thin: each page reads through ``queries``; each form posts to its page with an ``op`` naming
the action, and the page calls that one action, then redirects with a message, or shows the
page again with the form's errors in an error summary. What the user may not see answers 404,
exactly as what does not exist.
"""

from __future__ import annotations

from defector.committees.views.committees import (
    CalendarAuth,
    CalendarFeedView,
    CommitteePage,
    CommitteeView,
    Done,
    IndexView,
    refusal,
)
from defector.committees.views.guidance import GuidanceView, SeniorView
from defector.committees.views.meetings import MeetingIcsView, MeetingView
from defector.committees.views.minutes import MinutesReceivedView
from defector.committees.views.procedures import (
    ProceduresDiffView,
    ProceduresVersionView,
    ProceduresView,
)

__all__ = [
    "CalendarAuth",
    "CalendarFeedView",
    "CommitteePage",
    "CommitteeView",
    "Done",
    "GuidanceView",
    "IndexView",
    "MeetingIcsView",
    "MeetingView",
    "MinutesReceivedView",
    "ProceduresDiffView",
    "ProceduresVersionView",
    "ProceduresView",
    "SeniorView",
    "refusal",
]
