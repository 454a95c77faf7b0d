"""The writers of the dissemination app (``6b(3)(a)``): issuing and acknowledging threat
reports, the escalation ladder's sweep, and a post's distribution."""

from defector.dissemination.actions.distribution import set_distribution
from defector.dissemination.actions.ladder import sweep_ladders, take_step
from defector.dissemination.actions.reports import (
    acknowledge_report,
    check_issue,
    do_issue,
    issue_report,
)

__all__ = [
    "acknowledge_report",
    "check_issue",
    "do_issue",
    "issue_report",
    "set_distribution",
    "sweep_ladders",
    "take_step",
]
