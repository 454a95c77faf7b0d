"""Who may see the steps of the ladder sent for an obligation: whoever may see its case."""

from __future__ import annotations

from typing import Final

from defector.cases.access import case_content
from defector.core.access import register

#: Who sees a post's compliance views (its committee, ``6``, ``6e``) and who sees the world's
#: (the IDC, kept informed, ``6d``).
COMPLIANCE_POST_ROLES: Final = ("committee_member", "committee_chair", "senior_representative")
COMPLIANCE_WORLD_ROLES: Final = ("idc_member",)

register(
    "compliance.ladderstepsent",
    case_content("obligation__case__"),
    compartments="obligation__case__compartments",
)
