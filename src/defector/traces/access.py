"""Who may see and work on name traces (``6b(3)(b)``).

- Watch lists (sources and entries): the IDC in Washington sees and manages them; nobody else
  reads them directly (traces search them for whoever may run a trace).
- A trace and its hits follow their case exactly (``cases.access.case_content``): seen by those
  who see the case, run and marked by those who may change it. A hit on another case's subject
  is further shown only to those who may see that case (``traces.queries``).
- The blind index is read by the traces' search only: no rule gives anyone its rows.
"""

from __future__ import annotations

from django.db.models import Q

from defector.cases.access import case_content
from defector.core.access import EVERYTHING, NOTHING, Action, Principal, register

#: The Washington role that manages watch lists.
WATCHLIST_ROLE = "idc_member"


def watchlists(principal: Principal, action: Action) -> Q | None:
    """Watch lists: the IDC views and manages them; administrators and auditors see nothing."""
    if principal.is_administrator or principal.is_auditor or not principal.is_official:
        return NOTHING
    if WATCHLIST_ROLE in principal.roles and action in (Action.VIEW, Action.MANAGE):
        return EVERYTHING
    return NOTHING


def nobody(principal: Principal, action: Action) -> Q | None:
    """The blind index: read only by the search, shown to no one."""
    return NOTHING


register("traces.watchlistsource", watchlists)
register("traces.watchlistentry", watchlists)
register("traces.indexterm", nobody)
register("traces.trace", case_content("case__"), compartments="case__compartments")
register("traces.hit", case_content("trace__case__"), compartments="trace__case__compartments")
