"""Who may see and act on publicity proposals (``6f``, ``5a(6)``).

A proposal is case content: whoever sees its case sees it (``cases.access.case_content``).
"""

from __future__ import annotations

from defector.cases.access import case_content
from defector.core.access import register

register("publicity.proposal", case_content("case__"), compartments="case__compartments")
register(
    "publicity.signoff",
    case_content("proposal__case__"),
    compartments="proposal__case__compartments",
)
