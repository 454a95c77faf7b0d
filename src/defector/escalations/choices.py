"""Choices of the escalations app: the statuses of a mutual problem (``6c``) and who takes part.

The statuses are those of the pure transition table (:mod:`defector.policy.gates.escalations`); this
module gives them to Django as ``TextChoices``.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from django.db import models

from defector.directory.choices import Role
from defector.policy.gates import escalations as gate


class ProblemStatus(models.TextChoices):
    """Where a mutual problem stands at the post (``6c``)."""

    RAISED = gate.RAISED, gate.STATUSES[gate.RAISED]
    REFERRAL_REQUESTED = gate.REFERRAL_REQUESTED, gate.STATUSES[gate.REFERRAL_REQUESTED]
    REFERRED = gate.REFERRED, gate.STATUSES[gate.REFERRED]
    AWAITING_SENIOR_REP = gate.AWAITING_SENIOR_REP, gate.STATUSES[gate.AWAITING_SENIOR_REP]
    DECIDED_BY_SENIOR_REP = (
        gate.DECIDED_BY_SENIOR_REP,
        gate.STATUSES[gate.DECIDED_BY_SENIOR_REP],
    )
    DECIDED_BY_IDC = gate.DECIDED_BY_IDC, gate.STATUSES[gate.DECIDED_BY_IDC]
    RESOLVED_LOCALLY = gate.RESOLVED_LOCALLY, gate.STATUSES[gate.RESOLVED_LOCALLY]


#: The post's committee: who sees its problems and takes the committee's steps (``6``, ``6c``).
MEMBER_ROLES: Final[tuple[str, ...]] = (
    Role.COMMITTEE_MEMBER,
    Role.COMMITTEE_CHAIR,
    Role.SENIOR_REPRESENTATIVE,
)
#: Who may raise a problem at a post: its members and its invited representatives (``6``).
RAISING_ROLES: Final[tuple[str, ...]] = (*MEMBER_ROLES, Role.INVITED_REPRESENTATIVE)
#: The roles whose holder from the CIA routes referrals "through CIA channels" (``6c``).
CIA_MEMBER_ROLES: Final[tuple[str, ...]] = (Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIR)
#: The agency whose channels carry referrals to the IDC (``6c``).
CIA_AGENCY_CODE: Final = "CIA"

#: A problem raised without a due date is due this long after it is raised.
DEFAULT_DUE: Final = dt.timedelta(days=14)

#: The longest title, and the longest text of a description, a resolution, a reason, a
#: summary or a decision.
TITLE_MAX_LENGTH: Final = 200
TEXT_MAX_LENGTH: Final = 10_000
#: The most cases one problem may concern.
MAX_CASES: Final = 50
