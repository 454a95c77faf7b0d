"""The only writers of Washington's powers (``1``, ``3``): entering and revoking a record.

Each is one transaction with its audit record; only the DCI's delegate may (the gate
:func:`defector.policy.gates.powers.may_record`, refused with ``1`` and ``3``). Inside the same
transaction ``signals.power_changed`` is sent: the case system assesses again the open cases
the record reaches, so the record and its consequences commit together.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any, Final

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from defector.core import audit
from defector.core.access import Action, can, get_for, principal_for
from defector.core.errors import Conflict, InvalidInput, PermissionDenied
from defector.core.inputs import text_problem
from defector.core.users import AnyUser
from defector.directory.queries import acting_official
from defector.policy.gates import powers as gate
from defector.powers import lookup, signals
from defector.powers.choices import PowerKind
from defector.powers.models import Power

Errors = list[dict[str, str]]

#: The fields an audit record of a power shows.
AUDIT_FIELDS: Final = (
    "kind",
    "authority",
    "reference",
    "countries",
    "case_cryptonyms",
    "starts_on",
    "ends_on",
    "revoked_at",
    "revoked_from",
    "revocation_reason",
    "version",
)
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
REFERENCE_MAX: Final = 300
TEXT_MAX: Final = 4000


def _text(errors: Errors, field: str, value: object, *, limit: int, required: str = "") -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.append({"field": field, "message": "must be text"})
        return ""
    text = value.strip()
    problem = ""
    if not text and required:
        problem = required
    elif len(text) > limit:
        problem = f"must be at most {limit} characters"
    elif _CONTROL.search(text) or text_problem(text):
        problem = "contains control characters"
    if problem:
        errors.append({"field": field, "message": problem})
    return text


def _date(errors: Errors, field: str, value: object, *, required: bool) -> dt.date | None:
    if value in (None, ""):
        if required:
            errors.append({"field": field, "message": "is required (YYYY-MM-DD)"})
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    errors.append({"field": field, "message": "must be a date (YYYY-MM-DD)"})
    return None


def _codes(errors: Errors, field: str, values: Iterable[object] | str) -> list[str]:
    if isinstance(values, str):
        errors.append({"field": field, "message": "must be a list"})
        return []
    out: set[str] = set()
    for value in values:
        if not isinstance(value, str) or not value.strip():
            errors.append({"field": field, "message": "must be a list of codes"})
            return []
        out.add(value.strip())
    return sorted(out)


def check_may_record(acting_user: AnyUser) -> None:
    """Refused (403, ``1`` and ``3``) unless the acting user is the DCI's delegate."""
    decision = gate.may_record(is_dci_delegate="dci_delegate" in principal_for(acting_user).roles)
    if not decision.allowed:
        raise PermissionDenied(decision.reason, clauses=decision.clauses)


def _audit_state(power: Power) -> dict[str, Any]:
    return {name: getattr(power, name) for name in AUDIT_FIELDS}


def record_power(
    *,
    acting_user: AnyUser,
    kind: str,
    reference: str,
    starts_on: object,
    ends_on: object = None,
    countries: Iterable[object] | str = (),
    cryptonyms: Iterable[object] | str = (),
    authority: str = "",
    text: str = "",
    at: dt.datetime | None = None,
) -> Power:
    """Enter a presidential direction or theater of war (``1``) or a DCI determination
    (``3``), with its scope; the open cases it reaches are assessed again."""
    moment = at or timezone.now()
    check_may_record(acting_user)
    with transaction.atomic():
        errors: Errors = []
        if kind not in PowerKind.values:
            errors.append(
                {"field": "kind", "message": f"must be one of {', '.join(PowerKind.values)}"}
            )
        reference = _text(
            errors, "reference", reference, limit=REFERENCE_MAX, required="is required: cite it"
        )
        authority = _text(errors, "authority", authority, limit=200)
        text = _text(errors, "text", text, limit=TEXT_MAX)
        starts = _date(errors, "starts_on", starts_on, required=True)
        ends = _date(errors, "ends_on", ends_on, required=False)
        codes = _codes(errors, "countries", countries)
        names = _codes(errors, "cases", cryptonyms)
        if errors or starts is None:
            raise InvalidInput(errors)
        gate_kind = gate.PowerKind(kind)
        errors += [
            {"field": field, "message": message}
            for field, message in gate.check_scope(
                gate_kind, countries_given=codes, case_count=len(names), starts=starts, ends=ends
            )
        ]
        found, problems = lookup.find_cases(
            acting_user, names, {"reference": reference, "text": text}
        )
        errors += problems
        if errors:
            raise InvalidInput(errors)
        official = acting_official(acting_user)
        if official is None:  # the gate asked for the role: this cannot happen
            raise PermissionDenied("you are not an official", clauses=("1", "3"))
        power = Power.objects.create(
            kind=kind,
            authority=authority or gate.AUTHORITY_OF[gate_kind],
            reference=reference,
            text=text,
            countries=codes,
            case_ids=sorted(found.values()),
            case_cryptonyms=sorted(found),
            names_cases=bool(found),
            starts_on=starts,
            ends_on=ends,
            entered_at=moment,
            entered_by=official,
        )
        audit.record(
            actor=acting_user,
            action="powers.power.record",
            obj=power,
            after=_audit_state(power),
            decision=gate.may_record(is_dci_delegate=True),
        )
        signals.power_changed.send(
            sender=Power, power=power, change="recorded", acting_user=acting_user, at=moment
        )
    return power


def revoke_power(
    *,
    acting_user: AnyUser,
    power_id: int | str,
    expected_version: int | str | None,
    reason: str,
    revoked_from: object = None,
    at: dt.datetime | None = None,
) -> Power:
    """Revoke a record from a day on (default: today); it is kept, marked revoked, and the
    open cases it reached are assessed again."""
    moment = at or timezone.now()
    check_may_record(acting_user)
    with transaction.atomic():
        power = get_for(acting_user, Action.VIEW, Power.objects.all(), power_id, what="record")
        if not can(acting_user, Action.CHANGE, power):
            raise PermissionDenied("only the DCI's delegate revokes it", clauses=("1", "3"))
        errors: Errors = []
        version = _version(errors, expected_version)
        stated = _text(errors, "reason", reason, limit=TEXT_MAX, required="is required: say why")
        first = _date(errors, "revoked_from", revoked_from, required=False) or timezone.localdate(
            moment
        )
        if errors:
            raise InvalidInput(errors)
        if power.version != version:
            raise _stale(power, version)
        if power.revoked_at is not None:
            raise InvalidInput([{"field": "power", "message": "it is revoked already"}])
        before = _audit_state(power)
        official = acting_official(acting_user)
        changed = Power.objects.filter(pk=power.pk, version=version).update(
            version=F("version") + 1,
            revoked_at=moment,
            revoked_by=official,
            revoked_from=first,
            revocation_reason=stated,
        )
        if not changed:
            raise _stale(Power.objects.get(pk=power.pk), version)
        power.refresh_from_db()
        audit.record(
            actor=acting_user,
            action="powers.power.revoke",
            obj=power,
            before=before,
            after=_audit_state(power),
            reason=stated,
            decision=gate.may_record(is_dci_delegate=True),
        )
        signals.power_changed.send(
            sender=Power, power=power, change="revoked", acting_user=acting_user, at=moment
        )
    return power


def _stale(current: Power, version: int) -> Conflict:
    return Conflict(
        f"This record was changed since you opened it (it is at version {current.version}; "
        f"you had version {version}); reload to see the changes.",
        data={"version": current.version},
    )


def _version(errors: Errors, value: object) -> int:
    if isinstance(value, bool):
        value = None
    try:
        number = int(str(value).strip()) if value is not None else 0
    except ValueError:
        number = 0
    if number < 1:
        errors.append({"field": "version", "message": "is required: send the version you read"})
    return number
