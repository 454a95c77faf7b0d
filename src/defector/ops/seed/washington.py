"""Washington's records in the seed: the catalogue of intelligence requirements (``4a``) and the
powers records (``1``, ``3``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Final

from defector.core import audit
from defector.directory.choices import Role
from defector.directory.models import Agency, Official, RoleAssignment
from defector.exploitation.choices import Priority, RequirementKind
from defector.exploitation.models import (
    Requirement,
)
from defector.ops.seed.ledger import Ledger
from defector.powers.models import Power

if TYPE_CHECKING:
    pass

CATALOGUE: Final = (
    ("DCI-1976-01", "CIA", 1, "Strategic weapons programmes and their command"),
    ("DCI-1976-02", "CIA", 1, "Leadership intentions and succession"),
    ("DCI-1976-03", "CIA", 2, "Intelligence services' organisation and officers abroad"),
    ("DIA-S-112", "DIA", 1, "Order of battle of the ground forces"),
    ("DIA-S-140", "DIA", 2, "Air defence radars and their coverage"),
    ("USIA-R-05", "USIA", 3, "Audiences of Western broadcasts and their attitudes"),
    ("STATE-P-07", "STATE", 2, "Foreign ministry's negotiating positions"),
    ("STATE-P-12", "STATE", 3, "Émigré communities and their contacts"),
    ("FBI-CI-03", "FBI", 1, "Hostile agents in the United States"),
    ("CIA-E-44", "CIA", 3, "Economic planning and shortages"),
)


def seed_catalogue(ledger: Ledger, *, at: dt.datetime) -> list[Requirement]:
    """Washington's catalogue (inside the caller's transaction), each new requirement with
    its ``exploitation.requirement.create`` event."""
    agencies = {a.code: a for a in Agency.objects.all()}
    made = []
    for code, issuer, priority, title in CATALOGUE:
        found = Requirement.objects.filter(code=code).first()
        if found is None:
            found = Requirement.objects.create(
                code=code,
                title=title,
                kind=RequirementKind.DCI_OBJECTIVE
                if code.startswith("DCI")
                else RequirementKind.DEPARTMENTAL,
                issuing_agency=agencies[issuer],
                priority=Priority(priority),
                active_from=(at - dt.timedelta(days=365)).date(),
            )
            ledger.add(
                at=at,
                actor=None,
                action="exploitation.requirement.create",
                object_type="exploitation.requirement",
                object_id=found.pk,
                after=audit.snapshot(
                    found,
                    [
                        "code",
                        "title",
                        "description",
                        "kind",
                        "issuing_agency",
                        "priority",
                        "active_from",
                        "active_until",
                    ],
                ),
            )
        made.append(found)
    return made


def catalogue_events() -> int:
    """The events :func:`seed_catalogue` will write."""
    codes = [code for code, *_ in CATALOGUE]
    return len(codes) - Requirement.objects.filter(code__in=codes).count()


POWERS: Final = (
    (
        "war_theater",
        "The President",
        "Presidential memorandum 1968-14",
        ["VN"],
        "US forces engaged: the directive does not apply to persons located there.",
    ),
    (
        "dci_determination",
        "The Director of Central Intelligence",
        "DCI determination 1971-3",
        ["CU"],
        "The directive extended to Cuban nationals for the period.",
    ),
    (
        "presidential_direction",
        "The President",
        "NSC direction 1972-08",
        ["KP"],
        "The directive not to apply during the negotiations.",
    ),
)
POWERS_EVENTS: Final = len(POWERS)


def seed_powers(ledger: Ledger, *, before: dt.datetime) -> None:
    """Washington's powers records, entered by the DCI's delegate (inside the caller's
    transaction), each with its ``powers.power.record`` event; all ended before ``before``."""
    held = RoleAssignment.objects.filter(role=Role.DCI_DELEGATE, post__isnull=True)
    delegate = (
        Official.objects.filter(pk__in=held.values("official_id")).select_related("user").first()
    )
    if delegate is None:
        raise RuntimeError("the seed's directory has no DCI delegate")
    for number, (kind, authority, reference, countries, text) in enumerate(POWERS):
        starts = (before - dt.timedelta(days=900 - 200 * number)).date()
        entered = before - dt.timedelta(days=910 - 200 * number)
        power = Power.objects.create(
            kind=kind,
            authority=authority,
            reference=reference,
            text=text,
            countries=sorted(countries),
            starts_on=starts,
            ends_on=starts + dt.timedelta(days=120),
            entered_at=entered,
            entered_by=delegate,
        )
        ledger.add(
            at=entered,
            actor=delegate.user,
            action="powers.power.record",
            object_type="powers.power",
            object_id=power.pk,
            after=audit.snapshot(
                power,
                [
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
                ],
            ),
        )
