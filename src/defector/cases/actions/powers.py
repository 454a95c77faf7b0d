"""Cases follow Washington's powers (``1``, ``3``): when the DCI's delegate records or revokes
a direction or determination, the open cases it reaches are assessed again.

:func:`reassess_for_power` is the receiver of ``powers.signals.power_changed`` (connected in
``CasesConfig.ready``). The signal is sent inside the powers action's transaction, so each
reassessment — its assessment, obligations, timeline lines and audit record — commits with the
record, or not at all. A case is assessed again only when the three facts the records give it
on its facts' day change. Cases the acting delegate may not change are assessed all the same:
the facts of ``1`` and ``3`` follow Washington's records, not the acting official's view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from defector import policy
from defector.cases.actions.common import record_event
from defector.cases.actions.facts import _assess
from defector.cases.actions.free_text import refuse_names_of_cases
from defector.cases.choices import OPEN_STAGES
from defector.cases.models import Assessment, Case
from defector.cases.validation import Errors, error
from defector.core.access import Action, restrict
from defector.core.users import AnyUser
from defector.policy.gates import powers as gate
from defector.powers import queries as powers_queries
from defector.powers.models import Power

#: What the timeline says the record did.
CHANGES = {"recorded": "recorded", "revoked": "revoked"}


def _latest_facts() -> Any:
    """(case id, facts) of the latest assessment of every open case."""
    latest = (
        Assessment.objects.filter(case=OuterRef("case")).order_by("-number").values("number")[:1]
    )
    return (
        Assessment.objects.filter(case__stage__in=OPEN_STAGES, number=Subquery(latest))
        .order_by("case_id")
        .values_list("case_id", "facts")
    )


def reassess_for_power(
    sender: Any,
    *,
    power: Power,
    change: str,
    acting_user: AnyUser,
    at: dt.datetime,
    **kwargs: Any,
) -> list[int]:
    """Assess again every open case that ``power`` reaches whose facts of ``1`` and ``3``
    change; answer their ids. In the caller's transaction."""
    changed = powers_queries.as_value(power)
    records = powers_queries.every_record()
    done: list[int] = []
    for case_id, facts in _latest_facts().iterator():
        location = str(facts.get("location", ""))
        nationalities = [str(n) for n in facts.get("nationalities", [])]
        if not changed.reaches(location=location, nationalities=nationalities, case_id=case_id):
            continue
        found = gate.scope_facts(
            records,
            location=location,
            nationalities=nationalities,
            as_of=dt.date.fromisoformat(facts["as_of"]),
            case_id=case_id,
        )
        if all(facts.get(name) == holds for name, holds in gate.as_facts(found).items()):
            continue
        _reassess(case_id, facts, power, change, acting_user=acting_user, at=at)
        done.append(case_id)
    return done


def _reassess(
    case_id: int,
    facts: dict[str, Any],
    power: Power,
    change: str,
    *,
    acting_user: AnyUser,
    at: dt.datetime,
) -> None:
    Case.objects.filter(pk=case_id).update(version=F("version") + 1, changed_at=at)
    case = Case.objects.select_related("post").get(pk=case_id)
    parsed = policy.parse_facts(facts, today=timezone.localdate(at))
    assessed = _assess(case, parsed, official=None, at=at)
    clause = gate.CLAUSE_OF[gate.PowerKind(power.kind)]
    label = powers_queries.label_of(power)
    record_event(
        case,
        acting_user=acting_user,
        action="cases.case.reassess",
        summary=(
            f"Assessed again (assessment {assessed.assessment.number}): Washington's "
            f"{label} {CHANGES.get(change, change)} by the DCI's delegate ({clause})"
        ),
        at=at,
        obj=assessed.assessment,
        before={"facts": facts, "categories": list(assessed.before)},
        after={"facts": assessed.assessment.facts, "power": power.pk, **assessed.audit()},
        also=assessed.entries(),
    )


def find_cases_for_power(
    user: AnyUser, cryptonyms: Sequence[str], texts: Mapping[str, str]
) -> tuple[dict[str, int], list[dict[str, str]]]:
    """The cases a record names, by cryptonym, among those ``user`` may see; an error for
    each unknown (or hidden) cryptonym, and for a text naming one of their subjects.
    Registered with ``powers.lookup`` in ``CasesConfig.ready``."""
    errors: Errors = []
    wanted = [c.strip().upper() for c in cryptonyms if c.strip()]
    found = dict(
        restrict(user, Action.VIEW, Case.objects.filter(cryptonym__in=wanted)).values_list(
            "cryptonym", "pk"
        )
    )
    for name in wanted:
        if name not in found:
            error(errors, "cases", f"there is no case {name} that you may see")
    if found:
        refuse_names_of_cases(errors, list(found.values()), dict(texts))
    return found, errors
