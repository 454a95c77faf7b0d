"""Washington's powers (``1``, ``3``): which of the three scope facts hold for a case.

The directive does not apply in active theaters of war where US forces are engaged, or where
the President so directs (``1``); the DCI may extend it to nationals of other countries
(``3``). Those are not facts a case officer asserts: they are records made by the authority
that holds the power and entered by the DCI's delegate. Given the records (plain values) and
a case's facts (location, nationalities, the day, the case), :func:`scope_facts` answers the
three facts of the assessment contract (``active_war_theater``, ``presidential_exclusion``,
``dci_extension``) with the clause and the records behind each. Pure: no Django, no clock.

A record's scope: the countries it names (for ``1``, where the person is; for ``3``, a
nationality of the person) and/or the cases it names; the days it runs (``starts`` to
``ends``, both included; no end: open); a revocation ends it from its effective day on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from defector.policy import countries
from defector.policy.citations import cite
from defector.policy.decisions import Decision


class PowerKind(StrEnum):
    """The three records of Washington's powers."""

    WAR_THEATER = "war_theater"
    PRESIDENTIAL_DIRECTION = "presidential_direction"
    DCI_DETERMINATION = "dci_determination"


#: The contract's fact each kind fills in.
FACT_OF: Final[dict[PowerKind, str]] = {
    PowerKind.WAR_THEATER: "active_war_theater",
    PowerKind.PRESIDENTIAL_DIRECTION: "presidential_exclusion",
    PowerKind.DCI_DETERMINATION: "dci_extension",
}
#: The clause behind each kind.
CLAUSE_OF: Final[dict[PowerKind, str]] = {
    PowerKind.WAR_THEATER: cite("1"),
    PowerKind.PRESIDENTIAL_DIRECTION: cite("1"),
    PowerKind.DCI_DETERMINATION: cite("3"),
}
#: Who holds each power, as the record names it by default.
AUTHORITY_OF: Final[dict[PowerKind, str]] = {
    PowerKind.WAR_THEATER: "The President (determination of hostilities involving US forces)",
    PowerKind.PRESIDENTIAL_DIRECTION: "The President",
    PowerKind.DCI_DETERMINATION: "The Director of Central Intelligence",
}
#: What each kind says, as a sentence's subject.
WORDS_OF: Final[dict[PowerKind, str]] = {
    PowerKind.WAR_THEATER: "an active theater of war where US forces are engaged",
    PowerKind.PRESIDENTIAL_DIRECTION: "the President has directed that the directive not apply",
    PowerKind.DCI_DETERMINATION: "the DCI has determined that the directive extends to them",
}
#: The three facts, in the contract's order.
POWER_FACTS: Final = ("active_war_theater", "presidential_exclusion", "dci_extension")


@dataclass(frozen=True, slots=True)
class Power:
    """One record of a power, as plain values."""

    kind: PowerKind
    label: str
    starts: dt.date
    ends: dt.date | None = None
    countries: tuple[str, ...] = ()
    case_ids: tuple[int, ...] = ()
    #: The first day on which a revocation takes it away (``None``: not revoked).
    revoked_from: dt.date | None = None
    ident: int | None = None

    def in_force_on(self, day: dt.date) -> bool:
        """Whether the record has effect on ``day``."""
        if day < self.starts or (self.ends is not None and day > self.ends):
            return False
        return self.revoked_from is None or day < self.revoked_from

    def reaches(self, *, location: str, nationalities: Iterable[str], case_id: int | None) -> bool:
        """Whether the record's scope (countries and cases; dates aside) takes in the case."""
        if self.case_ids and (case_id is None or case_id not in self.case_ids):
            return False
        if not self.countries:
            return bool(self.case_ids)
        if self.kind == PowerKind.DCI_DETERMINATION:
            return bool(set(self.countries) & set(nationalities))
        return location in self.countries


@dataclass(frozen=True, slots=True)
class PowerFact:
    """One of the three facts, whether it holds, why, and the records behind it."""

    fact: str
    clause: str
    holds: bool
    because: str
    records: tuple[Power, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, object]:
        return {
            "fact": self.fact,
            "clause": self.clause,
            "holds": self.holds,
            "because": self.because,
            "records": [{"id": p.ident, "label": p.label} for p in self.records],
        }


def scope_facts(
    powers: Iterable[Power],
    *,
    location: str,
    nationalities: Iterable[str],
    as_of: dt.date,
    case_id: int | None = None,
) -> tuple[PowerFact, ...]:
    """The three facts of ``1`` and ``3`` for one case on ``as_of``, in the contract's order."""
    held = tuple(nationalities)
    matching: dict[PowerKind, list[Power]] = {kind: [] for kind in PowerKind}
    for power in powers:
        if power.in_force_on(as_of) and power.reaches(
            location=location, nationalities=held, case_id=case_id
        ):
            matching[power.kind].append(power)
    out = []
    for kind in PowerKind:
        found = tuple(sorted(matching[kind], key=lambda p: (p.starts, p.label)))
        if found:
            because = f"{WORDS_OF[kind]} ({', '.join(p.label for p in found)})"
        else:
            because = f"no record in force on {as_of.isoformat()} that {_none_says(kind)}"
        out.append(PowerFact(FACT_OF[kind], CLAUSE_OF[kind], bool(found), because, found))
    order = {name: i for i, name in enumerate(POWER_FACTS)}
    return tuple(sorted(out, key=lambda f: order[f.fact]))


def _none_says(kind: PowerKind) -> str:
    return {
        PowerKind.WAR_THEATER: "makes this place an active theater of war",
        PowerKind.PRESIDENTIAL_DIRECTION: "excludes this place or person",
        PowerKind.DCI_DETERMINATION: "extends the directive to this person",
    }[kind]


def as_facts(found: Iterable[PowerFact]) -> dict[str, bool]:
    """The three facts as the contract's fields."""
    return {f.fact: f.holds for f in found}


def check_scope(
    kind: PowerKind,
    *,
    countries_given: Iterable[str],
    case_count: int,
    starts: dt.date,
    ends: dt.date | None,
) -> list[tuple[str, str]]:
    """What is wrong with a record's scope, as (field, message) pairs (none: it is sound).

    A theater of war is a place: it names countries, never persons. A direction names
    countries, cases, or both. A ``3`` determination reaches nationals of countries *other*
    than those named in ``2a`` (those are covered already), or named cases.
    """
    codes = list(countries_given)
    errors: list[tuple[str, str]] = []
    for code in codes:
        if not countries.is_known(code):
            errors.append(("countries", f"unknown country code {code!r}"))
    if kind == PowerKind.WAR_THEATER:
        if not codes:
            errors.append(("countries", "a theater of war is a place: name its countries (1)"))
        if case_count:
            errors.append(("cases", "a theater of war names places, not persons (1)"))
    elif not codes and not case_count:
        errors.append(("countries", "name the countries, the cases, or both"))
    if kind == PowerKind.DCI_DETERMINATION:
        named = [c for c in codes if countries.is_known(c) and countries.is_2a_country(c)]
        if named:
            errors.append(
                (
                    "countries",
                    f"{', '.join(named)} already named in 2a: a determination under 3 "
                    "reaches nationals of other countries",
                )
            )
    if ends is not None and ends < starts:
        errors.append(("ends", "must be on or after the first day"))
    return errors


def may_record(*, is_dci_delegate: bool) -> Decision:
    """Only the DCI's delegate enters Washington's records of ``1`` and ``3``."""
    if is_dci_delegate:
        return Decision.allow(
            "1", "3", reason="the DCI's delegate enters the records of Washington's powers"
        )
    return Decision.deny(
        "1",
        "3",
        reason=(
            "only the DCI's delegate records a presidential direction, an active theater of "
            "war (1) or a DCI determination (3)"
        ),
    )
