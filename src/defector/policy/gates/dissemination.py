"""Priority dissemination of threat information (``6b(3)(a)``), as pure rules.

Plain Python: no Django, no clock, no I/O. ``6b(3)(a)``: information on the imminence of
hostilities or on threats to the security of US personnel or installations is disseminated
"as a matter of immediate priority". Nothing else on the case stands in its way: neither the
case's stage nor its bona fides. :func:`may_issue` says whether a report may go out;
:func:`steps_due` which steps of an escalation ladder have fallen due while a report waits
for acknowledgement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Final

from defector.policy.citations import cite
from defector.policy.decisions import Decision

CLAUSE: Final = cite("6b(3)(a)")

#: The precedences of a threat report, most urgent first, with their labels.
FLASH: Final = "flash"
IMMEDIATE: Final = "immediate"
PRIORITY: Final = "priority"
PRECEDENCES: Final[dict[str, str]] = {
    FLASH: "FLASH",
    IMMEDIATE: "IMMEDIATE",
    PRIORITY: "PRIORITY",
}

#: Who a ladder's step reaches: the recipients who have not acknowledged (again), the post's
#: committee chair, its senior US representative, the IDC in Washington.
RECIPIENTS: Final = "recipients"
COMMITTEE_CHAIR: Final = "committee_chair"
SENIOR_REPRESENTATIVE: Final = "senior_representative"
IDC: Final = "idc"
TARGETS: Final[dict[str, str]] = {
    RECIPIENTS: "The recipients who have not acknowledged, again",
    COMMITTEE_CHAIR: "The committee chair",
    SENIOR_REPRESENTATIVE: "The senior US representative",
    IDC: "The IDC duty officer",
}

#: One step of a ladder: after this many minutes without acknowledgement, reach this target.
Step = tuple[int, str]


def may_issue(*, threat_information: bool, may_work_case: bool) -> Decision:
    """Whether a threat report may be issued from a case: it holds threat information and the
    official may work the case. Nothing else (stage, bona fides) is asked (``6b(3)(a)``)."""
    if not may_work_case:
        return Decision.deny(
            CLAUSE,
            reason="only the officials who work the case (its assigned officers, the post's "
            "committee and senior US representative) issue its threat reports",
        )
    if not threat_information:
        return Decision.deny(
            CLAUSE,
            reason="the case holds no threat information: no assessment found information on "
            "imminent hostilities or threats to US personnel or installations",
        )
    return Decision.allow(
        CLAUSE, reason="threat information is disseminated as a matter of immediate priority"
    )


def check_ladder(ladder: Sequence[Step]) -> list[str]:
    """What is wrong with a ladder (empty when nothing is): minutes positive and rising,
    targets known."""
    problems: list[str] = []
    previous = 0
    for index, (minutes, target) in enumerate(ladder, start=1):
        if target not in TARGETS:
            problems.append(f"step {index}: unknown target {target!r}")
        if not isinstance(minutes, int) or minutes <= previous:
            problems.append(f"step {index}: minutes must be whole and rise ({minutes!r})")
        else:
            previous = minutes
    return problems


def steps_due(ladder: Sequence[Step], elapsed: dt.timedelta) -> tuple[int, ...]:
    """The steps (numbered from 1) whose minutes have passed ``elapsed`` after issue."""
    return tuple(
        index
        for index, (minutes, _) in enumerate(ladder, start=1)
        if elapsed >= dt.timedelta(minutes=minutes)
    )
