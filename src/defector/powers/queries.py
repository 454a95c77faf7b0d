"""Reads of Washington's powers (``1``, ``3``): the list for the page and the API (access
applied), and the records as plain values for the case system to fill the scope facts from.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import Any, Final

from django.db import router
from django.db.models import QuerySet

from defector.core.access import Action, can, get_for, principal_for, restrict
from defector.core.prepared import Prepared
from defector.core.users import AnyUser
from defector.policy import countries
from defector.policy.gates import powers as gate
from defector.powers.access import ENTERING_ROLE
from defector.powers.choices import PowerKind
from defector.powers.models import Power


@dataclass(frozen=True, slots=True)
class PowerView:
    """One record as the page and the API show it."""

    id: int
    kind: str
    kind_label: str
    clause: str
    authority: str
    reference: str
    text: str
    countries: list[str]
    country_names: list[str]
    cases: list[str]
    starts_on: dt.date
    ends_on: dt.date | None
    entered_at: dt.datetime
    entered_by: str
    revoked: bool
    revoked_at: dt.datetime | None
    revoked_by: str
    revoked_from: dt.date | None
    revocation_reason: str
    in_force: bool
    version: int
    label: str
    can_revoke: bool


def label_of(power: Power) -> str:
    """How a case's facts name the record: its kind, reference and first day."""
    kind = {
        PowerKind.WAR_THEATER: "determination of an active theater of war",
        PowerKind.PRESIDENTIAL_DIRECTION: "presidential direction",
        PowerKind.DCI_DETERMINATION: "DCI determination",
    }.get(PowerKind(power.kind), "record")
    return f"{kind} {power.reference} of {power.starts_on.isoformat()}"


def _view(power: Power, *, today: dt.date, may_revoke: bool) -> PowerView:
    value = as_value(power)
    return PowerView(
        id=power.pk,
        kind=power.kind,
        kind_label=power.get_kind_display(),
        clause=gate.CLAUSE_OF[gate.PowerKind(power.kind)],
        authority=power.authority,
        reference=power.reference,
        text=power.text,
        countries=list(power.countries),
        country_names=[f"{countries.name_of(c)} ({c})" for c in power.countries],
        cases=list(power.case_cryptonyms),
        starts_on=power.starts_on,
        ends_on=power.ends_on,
        entered_at=power.entered_at,
        entered_by=str(power.entered_by),
        revoked=power.revoked_at is not None,
        revoked_at=power.revoked_at,
        revoked_by=str(power.revoked_by) if power.revoked_by_id else "",
        revoked_from=power.revoked_from,
        revocation_reason=power.revocation_reason,
        in_force=value.in_force_on(today),
        version=power.version,
        label=label_of(power),
        can_revoke=may_revoke and power.revoked_at is None,
    )


def _visible(user: AnyUser) -> QuerySet[Power]:
    return restrict(
        user,
        Action.VIEW,
        Power.objects.select_related("entered_by__user", "revoked_by__user"),
    )


def may_record(user: AnyUser) -> bool:
    """Whether ``user`` enters and revokes records (the DCI's delegate)."""
    return ENTERING_ROLE in principal_for(user).roles


def powers_for(user: AnyUser, *, state: str = "") -> QuerySet[Power]:
    """The records ``user`` may see, newest first; ``state`` ``"current"`` keeps those not
    revoked, ``"revoked"`` the revoked ones."""
    found = _visible(user)
    if state == "current":
        found = found.filter(revoked_at__isnull=True)
    elif state == "revoked":
        found = found.filter(revoked_at__isnull=False)
    return found.order_by("-starts_on", "-id")


def rows(user: AnyUser, found: list[Power], *, today: dt.date) -> list[PowerView]:
    """The page's rows of a list."""
    revoker = may_record(user)
    return [_view(p, today=today, may_revoke=revoker) for p in found]


def power_detail(user: AnyUser, power_id: int | str, *, today: dt.date) -> PowerView:
    power = get_for(user, Action.VIEW, Power.objects.all(), power_id, what="record")
    return _view(power, today=today, may_revoke=can(user, Action.CHANGE, power))


def as_value(power: Power) -> gate.Power:
    """The record as the pure gate reads it."""
    return gate.Power(
        kind=gate.PowerKind(power.kind),
        label=label_of(power),
        starts=power.starts_on,
        ends=power.ends_on,
        countries=tuple(power.countries),
        case_ids=tuple(int(i) for i in power.case_ids),
        revoked_from=power.revoked_from,
        ident=power.pk,
    )


def every_record() -> list[gate.Power]:
    """Every record, revoked ones included (the gate decides what is in force on a day), as
    plain values. Not for display: the case system's actions fill a case's scope facts from
    it, whoever acts (the facts of ``1`` and ``3`` follow Washington's records, not the
    acting official's view)."""
    alias = router.db_for_read(Power)
    names = _POWER_COLUMNS
    read = [tuple(row[name] for name in names) for row in _EVERY_RECORD.rows(using=alias)]
    # The values are a function of the rows alone (:func:`as_value`): made again only when
    # the rows differ from the last ones read (a record entered, changed or revoked).
    last: tuple[str, list[tuple[Any, ...]], tuple[gate.Power, ...]] | None = getattr(
        _LAST, "made", None
    )
    if last is not None and last[0] == alias and last[1] == read:
        return list(last[2])
    made = [as_value(Power.from_db(alias, names, list(values))) for values in read]
    _LAST.made = (alias, read, tuple(made))
    return made


#: The rows :func:`every_record` last read, in this thread, with the values made of them
#: (immutable: ``gate.Power`` is frozen).
_LAST: Final = threading.local()


#: The columns of a record, and every record in the order :func:`every_record` gives them: a
#: prepared read (``core.prepared``), compiled once.
_POWER_COLUMNS: Final = [field.attname for field in Power._meta.concrete_fields]
_EVERY_RECORD: Final = Prepared(
    lambda: Power.objects.order_by("starts_on", "id").values(*_POWER_COLUMNS)
)


def summary(user: AnyUser, *, today: dt.date) -> dict[str, Any]:
    """Counts for a home page: records in force and revoked, that ``user`` may see."""
    found = list(_visible(user))
    current = sum(1 for p in found if as_value(p).in_force_on(today))
    return {"in_force": current, "total": len(found)}
