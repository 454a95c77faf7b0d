"""Creating and changing compartments."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
from defector.directory.models import Compartment


@transaction.atomic
def create_compartment(*, acting_user: AnyUser | None, code: str, name: str) -> Compartment:
    """Add a need-to-know compartment that cases and officials can be placed in."""
    require_administrator(acting_user)
    check = Check()
    values = {
        "code": check.code({"code": code}, Compartment, instance=None),
        "name": check.text({"name": name}, "name", Compartment),
    }
    check.raise_if_any()
    compartment = Compartment.objects.create(**values)
    record(
        acting_user, "directory.compartment.create", compartment, after=audit.snapshot(compartment)
    )
    return compartment


@transaction.atomic
def update_compartment(
    *, acting_user: AnyUser | None, compartment_id: int, changes: Mapping[str, Any]
) -> Compartment:
    """Rename a compartment (its ``code`` or ``name``)."""
    compartment = managed(acting_user, Compartment.objects.all(), compartment_id, "compartment")
    check = Check()
    only_fields(changes, ("code", "name"), check)
    merged = {"code": compartment.code, "name": compartment.name, **changes}
    values = {
        "code": check.code(merged, Compartment, instance=compartment),
        "name": check.text(merged, "name", Compartment),
    }
    check.raise_if_any()
    return save_changes(acting_user, "directory.compartment.update", compartment, values)
