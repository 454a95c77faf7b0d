"""Washington's powers (``1``, ``3``) as a table: which of the three scope facts a case gets
from the records in force (countries, days, cases named, revocations)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from defector.policy.gates import powers as gate
from defector.policy.gates.powers import Power, PowerKind

D = dt.date.fromisoformat
THEATER = Power(PowerKind.WAR_THEATER, "theater VN", D("1976-06-01"), countries=("VN", "LA"))
ENDED = Power(
    PowerKind.WAR_THEATER, "theater KH", D("1976-06-01"), D("1977-12-31"), countries=("KH",)
)
DIRECTION = Power(
    PowerKind.PRESIDENTIAL_DIRECTION, "direction AT", D("1980-01-01"), countries=("AT",)
)
PERSONAL = Power(
    PowerKind.PRESIDENTIAL_DIRECTION, "direction case 7", D("1980-01-01"), case_ids=(7,)
)
BOTH = Power(
    PowerKind.PRESIDENTIAL_DIRECTION,
    "direction DE case 8",
    D("1980-01-01"),
    countries=("DE",),
    case_ids=(8,),
)
EXTENSION = Power(PowerKind.DCI_DETERMINATION, "extension IR", D("1979-11-04"), countries=("IR",))
REVOKED = Power(
    PowerKind.DCI_DETERMINATION,
    "extension AF",
    D("1979-12-27"),
    countries=("AF",),
    revoked_from=D("1981-01-20"),
)
RECORDS = (THEATER, ENDED, DIRECTION, PERSONAL, BOTH, EXTENSION, REVOKED)

# name: (location, nationalities, as_of, case id, expected (theater, exclusion, extension))
ROWS: dict[str, tuple[str, tuple[str, ...], str, int | None, tuple[bool, bool, bool]]] = {
    "a Soviet in Austria before any record: none holds": (
        "AT",
        ("SU",),
        "1979-06-01",
        1,
        (False, False, False),
    ),
    "in Vietnam while the theater stands: war theater": (
        "VN",
        ("SU",),
        "1977-01-01",
        1,
        (True, False, False),
    ),
    "in Laos, the theater's other country: war theater": (
        "LA",
        ("CN",),
        "1977-01-01",
        1,
        (True, False, False),
    ),
    "a national of Vietnam elsewhere: the theater is a place, not a nationality": (
        "TH",
        ("VN",),
        "1977-01-01",
        1,
        (False, False, False),
    ),
    "in Vietnam before the theater's first day: no": (
        "VN",
        ("SU",),
        "1976-05-31",
        1,
        (False, False, False),
    ),
    "in Cambodia on the theater's last day: yes": (
        "KH",
        ("SU",),
        "1977-12-31",
        1,
        (True, False, False),
    ),
    "in Cambodia the day after its last day: no": (
        "KH",
        ("SU",),
        "1978-01-01",
        1,
        (False, False, False),
    ),
    "in Austria under the direction: excluded": (
        "AT",
        ("SU",),
        "1980-01-01",
        1,
        (False, True, False),
    ),
    "the case the direction names, anywhere: excluded": (
        "FR",
        ("PL",),
        "1980-02-01",
        7,
        (False, True, False),
    ),
    "another case, not named: not excluded": (
        "FR",
        ("PL",),
        "1980-02-01",
        6,
        (False, False, False),
    ),
    "countries and a case: the named case in Germany is excluded": (
        "DE",
        ("PL",),
        "1980-02-01",
        8,
        (False, True, False),
    ),
    "countries and a case: another case in Germany is not": (
        "DE",
        ("PL",),
        "1980-02-01",
        9,
        (False, False, False),
    ),
    "countries and a case: the named case elsewhere is not": (
        "FR",
        ("PL",),
        "1980-02-01",
        8,
        (False, False, False),
    ),
    "an Iranian national under the determination: extended": (
        "TR",
        ("IR",),
        "1980-01-01",
        1,
        (False, False, True),
    ),
    "a dual national, one nationality named: extended": (
        "TR",
        ("IQ", "IR"),
        "1980-01-01",
        1,
        (False, False, True),
    ),
    "in Iran but of another nationality: the extension is by nationality": (
        "IR",
        ("TR",),
        "1980-01-01",
        1,
        (False, False, False),
    ),
    "an Afghan before the revocation: extended": (
        "PK",
        ("AF",),
        "1981-01-19",
        1,
        (False, False, True),
    ),
    "an Afghan from the revocation's first day: not extended": (
        "PK",
        ("AF",),
        "1981-01-20",
        1,
        (False, False, False),
    ),
    "a new case (no id yet) is not reached by a direction naming cases": (
        "FR",
        ("PL",),
        "1980-02-01",
        None,
        (False, False, False),
    ),
}


@pytest.mark.parametrize(
    ("location", "nationalities", "as_of", "case_id", "expected"), ROWS.values(), ids=ROWS.keys()
)
def test_the_records_in_force_give_the_three_scope_facts(
    location: str,
    nationalities: tuple[str, ...],
    as_of: str,
    case_id: int | None,
    expected: tuple[bool, bool, bool],
) -> None:
    found = gate.scope_facts(
        RECORDS, location=location, nationalities=nationalities, as_of=D(as_of), case_id=case_id
    )
    assert tuple(f.fact for f in found) == gate.POWER_FACTS
    assert tuple(f.holds for f in found) == expected
    assert [f.clause for f in found] == ["1", "1", "3"]


def test_a_fact_that_holds_names_the_records_behind_it() -> None:
    found = gate.scope_facts(RECORDS, location="VN", nationalities=("SU",), as_of=D("1977-01-01"))
    theater = found[0]
    assert theater.records == (THEATER,)
    assert "theater VN" in theater.because
    assert "active theater of war" in theater.because
    assert theater.to_dict()["records"] == [{"id": None, "label": "theater VN"}]
    assert found[2].because.startswith("no record in force on 1977-01-01")


SCOPE_ROWS: dict[str, tuple[PowerKind, tuple[str, ...], int, str | None, list[str]]] = {
    "a theater with its countries is sound": (PowerKind.WAR_THEATER, ("VN",), 0, None, []),
    "a theater without a country is refused": (PowerKind.WAR_THEATER, (), 0, None, ["countries"]),
    "a theater naming persons is refused": (PowerKind.WAR_THEATER, ("VN",), 2, None, ["cases"]),
    "a direction naming only cases is sound": (PowerKind.PRESIDENTIAL_DIRECTION, (), 1, None, []),
    "a direction naming nothing is refused": (
        PowerKind.PRESIDENTIAL_DIRECTION,
        (),
        0,
        None,
        ["countries"],
    ),
    "an extension to a 2a country is refused": (
        PowerKind.DCI_DETERMINATION,
        ("SU", "IR"),
        0,
        None,
        ["countries"],
    ),
    "an extension to another country is sound": (PowerKind.DCI_DETERMINATION, ("IR",), 0, None, []),
    "an unknown country is refused": (PowerKind.DCI_DETERMINATION, ("XX",), 0, None, ["countries"]),
    "a last day before the first is refused": (
        PowerKind.DCI_DETERMINATION,
        ("IR",),
        0,
        "1979-01-01",
        ["ends"],
    ),
}


@pytest.mark.parametrize(
    ("kind", "codes", "cases", "ends", "fields"), SCOPE_ROWS.values(), ids=SCOPE_ROWS.keys()
)
def test_a_records_scope_is_checked(
    kind: PowerKind, codes: tuple[str, ...], cases: int, ends: str | None, fields: list[str]
) -> None:
    errors = gate.check_scope(
        kind,
        countries_given=codes,
        case_count=cases,
        starts=D("1980-01-01"),
        ends=D(ends) if ends else None,
    )
    assert [field for field, _ in errors] == fields


MAY_ROWS: dict[str, Any] = {
    "the DCI's delegate may record": (True, True),
    "anyone else may not": (False, False),
}


@pytest.mark.parametrize(("delegate", "allowed"), MAY_ROWS.values(), ids=MAY_ROWS.keys())
def test_only_the_dci_delegate_records_a_power(delegate: bool, allowed: bool) -> None:
    decision = gate.may_record(is_dci_delegate=delegate)
    assert decision.allowed is allowed
    assert decision.clauses == ("1", "3")
