"""Who may see and enter the records of Washington's powers (``1``, ``3``).

The DCI's delegate sees and changes every record; the IDC sees every record. Officials at a
post (any post role) see the records that name no case: directions and determinations about
places and nationalities are what every post must know to apply the directive. A record that
names cases stays in Washington (the case page still says where its facts came from).
Administrators and auditors see none; so does anyone else (default deny).
"""

from __future__ import annotations

from typing import Final

from django.db.models import Q

from defector.core.access import NOTHING, Action, Principal, register

#: Washington's roles that see every record.
WASHINGTON_VIEWERS: Final = ("idc_member", "dci_delegate")
#: The one role that enters and revokes records (``1``, ``3``).
ENTERING_ROLE: Final = "dci_delegate"


def power_rule(principal: Principal, action: Action) -> Q | None:
    if principal.is_administrator or principal.is_auditor or not principal.is_official:
        return NOTHING
    if action == Action.VIEW:
        if any(role in principal.roles for role in WASHINGTON_VIEWERS):
            return Q()
        if principal.post_roles:
            return Q(names_cases=False)
        return NOTHING
    if action == Action.CHANGE and ENTERING_ROLE in principal.roles:
        return Q()
    return NOTHING


register("powers.power", power_rule)
