"""Who may see an official's notices and visit marker (``6e``): that official alone."""

from __future__ import annotations

from django.db.models import Q

from defector.core.access import NOTHING, Action, Principal, Rule, register


def own_notices(field: str) -> Rule:
    """An official's own notices and visit marker (``6e``): theirs alone (``field`` names the
    official). Administrators and auditors get none: notices speak of case matters."""

    def rule(principal: Principal, action: Action) -> Q | None:
        if principal.is_administrator or principal.is_auditor or not principal.is_official:
            return NOTHING
        if action in (Action.VIEW, Action.CHANGE):
            return Q(**{field: principal.official_id})
        return NOTHING

    return rule


register("notifications.notice", own_notices("recipient_id"))
register("notifications.lastvisit", own_notices("official_id"))
