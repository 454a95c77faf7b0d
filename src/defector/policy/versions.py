"""The directive's versions, each a value with an effective date.

Stored decisions record the version that made them (``POLICY_VERSION``), so a later change of
the rules never rewrites what an earlier decision said.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class DirectiveVersion:
    """One issue of the Director of Central Intelligence's directive on defectors."""

    name: str
    effective: dt.date
    supersedes: str | None = None

    def in_force_on(self, day: dt.date) -> bool:
        return day >= self.effective


DCID_4_2: Final = DirectiveVersion(name="DCID 4/2", effective=dt.date(1959, 6, 26))
DCID_4_21: Final = DirectiveVersion(
    name="DCID 4/21", effective=dt.date(1976, 5, 18), supersedes=DCID_4_2.name
)

#: Every version the system knows, oldest first.
VERSIONS: Final = (DCID_4_2, DCID_4_21)

#: The version whose rules this policy package implements.
CURRENT: Final = DCID_4_21

#: Identifies the rules of this package; stored with every decision. Bump it whenever a rule
#: changes, so that stored decisions say which rules made them.
POLICY_VERSION: Final = "dcid-4-21/2026-11-30"


def version_on(day: dt.date) -> DirectiveVersion | None:
    """The version in force on ``day``, or ``None`` before the first one."""
    found = None
    for version in VERSIONS:
        if version.in_force_on(day):
            found = version
    return found
