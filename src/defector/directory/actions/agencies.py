"""Creating and changing agencies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from django.db import transaction

from defector.core import audit
from defector.core.users import AnyUser
from defector.directory.actions.common import (
    Check,
    managed,
    only_fields,
    record,
    require_administrator,
    save_changes,
)
from defector.directory.choices import AgencyKind
from defector.directory.models import Agency

AGENCY_FIELDS: Final = ("code", "name", "kind", "active")


def _agency_values(
    check: Check, values: Mapping[str, Any], instance: Agency | None
) -> dict[str, Any]:
    return {
        "code": check.code(values, Agency, instance=instance),
        "name": check.text(values, "name", Agency),
        "kind": check.choice(values, "kind", AgencyKind.values),
        "active": check.flag(values, "active", True),
    }


@transaction.atomic
def create_agency(
    *,
    acting_user: AnyUser | None,
    code: str,
    name: str,
    kind: str = AgencyKind.AGENCY,
    active: bool = True,
) -> Agency:
    """Add a participating department, agency or military command to the managed list."""
    require_administrator(acting_user)
    check = Check()
    values = _agency_values(
        check, {"code": code, "name": name, "kind": kind, "active": active}, None
    )
    check.raise_if_any()
    agency = Agency.objects.create(**values)
    record(acting_user, "directory.agency.create", agency, after=audit.snapshot(agency))
    return agency


@transaction.atomic
def update_agency(
    *, acting_user: AnyUser | None, agency_id: int, changes: Mapping[str, Any]
) -> Agency:
    """Change an agency's ``code``, ``name``, ``kind`` or ``active``."""
    agency = managed(acting_user, Agency.objects.all(), agency_id, "agency")
    check = Check()
    only_fields(changes, AGENCY_FIELDS, check)
    current = {name: getattr(agency, name) for name in AGENCY_FIELDS}
    values = _agency_values(check, {**current, **changes}, agency)
    check.raise_if_any()
    return save_changes(acting_user, "directory.agency.update", agency, values)
