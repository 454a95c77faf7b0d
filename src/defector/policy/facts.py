"""The facts about a person that the directive's definitions and scope are decided on.

``parse_facts`` turns a JSON-shaped value into :class:`Facts`, or raises :class:`FactsInvalid`
naming every offending field. It is the one validator behind the CLI, the API and the web form
(see ``contracts/assessment.md``). Pure: the caller passes today's date.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, TypeVar

from defector.policy import countries


class SpecialValue(StrEnum):
    """Grounds of special value to the US Government (``2a(1)``-``2a(3)``)."""

    INFORMATION = "information"
    OPERATIONAL = "operational"
    PSYCHOLOGICAL = "psychological"


class Request(StrEnum):
    """What a person at a US installation asked the US for (``2e``)."""

    ASYLUM = "asylum"
    ESCAPE_ASSISTANCE = "escape_assistance"


class PersecutionGround(StrEnum):
    """Grounds of a well-founded fear of persecution (``2f``)."""

    RACE = "race"
    RELIGION = "religion"
    NATIONALITY = "nationality"
    SOCIAL_GROUP = "social_group"
    POLITICAL_OPINION = "political_opinion"


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with the input, located by a path such as ``nationalities[1]``."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message

    def prefixed(self, prefix: str) -> FieldError:
        """The same error located inside ``prefix`` (for example ``[3]`` in a batch)."""
        return FieldError(f"{prefix}.{self.field}" if self.field else prefix, self.message)


class FactsInvalid(ValueError):
    """The input is not a valid facts value; ``errors`` says where and why."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        super().__init__("; ".join(str(error) for error in self.errors))


@dataclass(frozen=True, slots=True)
class Facts:
    """Facts about one person on one day (``contracts/assessment.md``).

    Lists are held as sorted tuples without repeats, so that the order in which the input gave
    them cannot change a decision. ``habitual_residence`` defaults to the first nationality
    as given.
    """

    nationalities: tuple[str, ...]
    location: str
    as_of: dt.date
    habitual_residence: str = ""
    active_war_theater: bool = False
    presidential_exclusion: bool = False
    dci_extension: bool = False
    escaped_control: bool = False
    unwilling_to_return: bool = False
    dissatisfied: bool = False
    susceptible: bool = False
    special_value: tuple[SpecialValue, ...] = ()
    willing_to_defect: bool = False
    induced: bool = False
    at_us_installation: bool = False
    requests: tuple[Request, ...] = ()
    persecution_grounds: tuple[PersecutionGround, ...] = ()
    other_citizenship: bool = False
    resident_status: bool = False
    threat_information: bool = False

    def __post_init__(self) -> None:
        errors: list[FieldError] = []
        if not self.nationalities:
            errors.append(FieldError("nationalities", "must list at least one country"))
        for index, code in enumerate(self.nationalities):
            _check_country(f"nationalities[{index}]", code, errors)
        _check_country("location", self.location, errors)
        if self.habitual_residence:
            _check_country("habitual_residence", self.habitual_residence, errors)
        if errors:
            raise FactsInvalid(errors)
        residence = self.habitual_residence or self.nationalities[0]
        object.__setattr__(self, "habitual_residence", residence)
        object.__setattr__(self, "nationalities", _canonical(self.nationalities))
        object.__setattr__(self, "special_value", _canonical(map(SpecialValue, self.special_value)))
        object.__setattr__(self, "requests", _canonical(map(Request, self.requests)))
        object.__setattr__(
            self,
            "persecution_grounds",
            _canonical(map(PersecutionGround, self.persecution_grounds)),
        )

    def to_dict(self) -> dict[str, Any]:
        """The facts as the contract's JSON object: every field, in the contract's order."""
        out: dict[str, Any] = {}
        for name in FIELD_NAMES:
            value = getattr(self, name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = [str(item) for item in value]
            out[name] = value
        return out


_T = TypeVar("_T", bound=str)


def _canonical(items: Iterable[_T]) -> tuple[_T, ...]:
    return tuple(sorted(set(items)))


def _check_country(path: str, code: object, errors: list[FieldError]) -> None:
    if not isinstance(code, str):
        errors.append(FieldError(path, f"must be a country code (string), not {_kind(code)}"))
    elif not countries.is_known(code):
        hint = ""
        if countries.is_known(code.upper()):
            hint = f" (country codes are upper-case: {code.upper()!r})"
        errors.append(
            FieldError(path, f"unknown country code {code!r}{hint}; use ISO 3166-1 alpha-2")
        )


# --- parsing JSON-shaped input -------------------------------------------------------------

_BOOL_FIELDS: Final = (
    "active_war_theater",
    "presidential_exclusion",
    "dci_extension",
    "escaped_control",
    "unwilling_to_return",
    "dissatisfied",
    "susceptible",
    "willing_to_defect",
    "induced",
    "at_us_installation",
    "other_citizenship",
    "resident_status",
    "threat_information",
)
_ENUM_LIST_FIELDS: Final[Mapping[str, type[StrEnum]]] = {
    "special_value": SpecialValue,
    "requests": Request,
    "persecution_grounds": PersecutionGround,
}
#: Every field of the contract, in the contract's order.
FIELD_NAMES: Final = (
    "as_of",
    "nationalities",
    "habitual_residence",
    "location",
    "active_war_theater",
    "presidential_exclusion",
    "dci_extension",
    "escaped_control",
    "unwilling_to_return",
    "dissatisfied",
    "susceptible",
    "special_value",
    "willing_to_defect",
    "induced",
    "at_us_installation",
    "requests",
    "persecution_grounds",
    "other_citizenship",
    "resident_status",
    "threat_information",
)
REQUIRED_FIELDS: Final = ("nationalities", "location")
_DATE_RE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _kind(value: object) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def parse_date(path: str, value: object, errors: list[FieldError]) -> dt.date | None:
    if not isinstance(value, str):
        errors.append(FieldError(path, f"must be a date YYYY-MM-DD (string), not {_kind(value)}"))
        return None
    if not _DATE_RE.fullmatch(value):
        errors.append(FieldError(path, f"{value!r} is not a date in the form YYYY-MM-DD"))
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        errors.append(FieldError(path, f"{value!r} is not a real date ({exc})"))
        return None


def parse_facts(data: object, *, today: dt.date) -> Facts:
    """Validate a JSON-shaped value and return the facts it describes.

    Raises :class:`FactsInvalid` listing every problem (unknown or missing fields, wrong
    types, unknown country codes or list values, impossible dates). ``today`` is the default
    of ``as_of``.
    """
    if not isinstance(data, Mapping):
        raise FactsInvalid([FieldError("", f"facts must be a JSON object, not {_kind(data)}")])
    errors: list[FieldError] = []
    for name in data:
        if name not in FIELD_NAMES:
            close = difflib.get_close_matches(str(name), FIELD_NAMES, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            errors.append(FieldError(str(name), f"unknown field{hint}"))
    for name in REQUIRED_FIELDS:
        if name not in data:
            errors.append(FieldError(name, "is required"))

    values: dict[str, Any] = {}
    if "as_of" in data:
        values["as_of"] = parse_date("as_of", data["as_of"], errors)
    else:
        values["as_of"] = today

    if "nationalities" in data:
        raw = data["nationalities"]
        if not isinstance(raw, list):
            errors.append(
                FieldError("nationalities", f"must be an array of country codes, not {_kind(raw)}")
            )
        elif not raw:
            errors.append(FieldError("nationalities", "must list at least one country"))
        else:
            for index, code in enumerate(raw):
                _check_country(f"nationalities[{index}]", code, errors)
            values["nationalities"] = tuple(raw)
    for name in ("location", "habitual_residence"):
        if name in data:
            _check_country(name, data[name], errors)
            values[name] = data[name]

    for name in _BOOL_FIELDS:
        if name in data:
            value = data[name]
            if isinstance(value, bool):
                values[name] = value
            else:
                errors.append(FieldError(name, f"must be true or false, not {_kind(value)}"))

    for name, enum in _ENUM_LIST_FIELDS.items():
        if name not in data:
            continue
        raw = data[name]
        allowed = [member.value for member in enum]
        if not isinstance(raw, list):
            errors.append(FieldError(name, f"must be an array, not {_kind(raw)}"))
            continue
        items = []
        for index, item in enumerate(raw):
            if isinstance(item, str) and item in allowed:
                items.append(enum(item))
            else:
                shown = repr(item) if isinstance(item, str) else _kind(item)
                errors.append(
                    FieldError(
                        f"{name}[{index}]",
                        f"unknown value {shown}; expected one of {', '.join(allowed)}",
                    )
                )
        values[name] = tuple(items)

    if errors:
        raise FactsInvalid(errors)
    return Facts(**values)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the facts object, for the API's OpenAPI document."""
    country = {
        "type": "string",
        "pattern": "^[A-Z]{2}$",
        "enum": sorted(countries.COUNTRIES),
        "description": "ISO 3166-1 alpha-2 code, or a historical code the directive needs",
    }

    def enum_list(enum: type[StrEnum], meaning: str) -> dict[str, Any]:
        return {
            "type": "array",
            "items": {"type": "string", "enum": [member.value for member in enum]},
            "default": [],
            "description": meaning,
        }

    properties: dict[str, Any] = {
        "as_of": {
            "type": "string",
            "format": "date",
            "description": "the date the facts describe (default: today)",
        },
        "nationalities": {
            "type": "array",
            "items": country,
            "minItems": 1,
            "description": "countries of nationality",
        },
        "habitual_residence": {
            **country,
            "description": "country of habitual residence (default: first nationality)",
        },
        "location": {**country, "description": "country where the person is now"},
    }
    for name in FIELD_NAMES:
        if name in properties:
            continue
        if name in _ENUM_LIST_FIELDS:
            properties[name] = enum_list(_ENUM_LIST_FIELDS[name], BOOL_MEANINGS[name])
        else:
            properties[name] = {
                "type": "boolean",
                "default": False,
                "description": BOOL_MEANINGS[name],
            }
    return {
        "title": "Facts",
        "type": "object",
        "properties": properties,
        "required": list(REQUIRED_FIELDS),
        "additionalProperties": False,
    }


#: One-line meanings of the optional fields, with their clauses (for forms and the schema).
BOOL_MEANINGS: Final[Mapping[str, str]] = {
    "active_war_theater": (
        "the location is an active theater of war where US forces are engaged (1)"
    ),
    "presidential_exclusion": "the President has directed that the directive not apply here (1)",
    "dci_extension": "a DCI determination under 3 extends the directive to this person (3)",
    "escaped_control": "has escaped from the control of their country (2a)",
    "unwilling_to_return": "is unwilling to return to their country (2a, 2f)",
    "dissatisfied": "dissatisfied or potentially estranged in allegiance (2c)",
    "susceptible": "may be susceptible to defection or recruitment in place (2c)",
    "special_value": "grounds of special value (2a(1)-2a(3))",
    "willing_to_defect": "has indicated willingness or desire to defect (2d)",
    "induced": (
        "that willingness followed an inducement (2b, 2d); recorded, no effect on categories"
    ),
    "at_us_installation": "presented themselves to a US installation (2e)",
    "requests": "what they asked the US for (2e)",
    "persecution_grounds": "grounds of a well-founded fear of persecution (2f)",
    "other_citizenship": "possesses another citizenship (2f)",
    "resident_status": "has acquired resident status in the country of present domicile (2f)",
    "threat_information": (
        "holds information on imminence of hostilities or threats to US personnel or "
        "installations (6b(3)(a))"
    ),
}

__all__ = [
    "BOOL_MEANINGS",
    "FIELD_NAMES",
    "REQUIRED_FIELDS",
    "Facts",
    "FactsInvalid",
    "FieldError",
    "PersecutionGround",
    "Request",
    "SpecialValue",
    "json_schema",
    "parse_facts",
]
