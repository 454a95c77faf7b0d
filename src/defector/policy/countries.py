"""Countries the directive names, and every country code the policy accepts.

Codes are upper-case ISO 3166-1 alpha-2, plus the historical codes the directive needs
(``SU``, ``CS``, ``DD``, ``YU``, ``PZ``, ``PC``). Pure data: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

#: The countries whose nationals the directive covers (``2a``), in the directive's order.
SECTION_2A_COUNTRIES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "SU": "Union of Soviet Socialist Republics",
        "CN": "People's Republic of China",
        "AL": "Albania",
        "BG": "Bulgaria",
        "KH": "Cambodia",
        "CU": "Cuba",
        "CS": "Czechoslovakia",
        "DD": "East Germany (German Democratic Republic)",
        "HU": "Hungary",
        "LA": "Laos",
        "KP": "North Korea",
        "MN": "Mongolia",
        "PL": "Poland",
        "RO": "Romania",
        "VN": "Vietnam",
        "YU": "Yugoslavia",
    }
)


@dataclass(frozen=True, slots=True)
class UsArea:
    """The United States, or one of its territories or possessions (``1``)."""

    code: str
    name: str
    #: First and last day on which the area was US territory; ``None`` means open-ended.
    since: dt.date | None = None
    until: dt.date | None = None

    def is_us_on(self, day: dt.date) -> bool:
        return (self.since is None or day >= self.since) and (
            self.until is None or day <= self.until
        )


#: The United States, its territories and possessions, with the dates of those that ended.
US_AREAS: Final[Mapping[str, UsArea]] = MappingProxyType(
    {
        area.code: area
        for area in (
            UsArea("US", "United States"),
            UsArea("PR", "Puerto Rico"),
            UsArea("GU", "Guam"),
            UsArea("VI", "United States Virgin Islands"),
            UsArea("AS", "American Samoa"),
            UsArea("MP", "Northern Mariana Islands"),
            UsArea("UM", "United States Minor Outlying Islands"),
            # The Panama Canal Treaty of 1977 entered into force on 1979-10-01.
            UsArea("PZ", "Panama Canal Zone", until=dt.date(1979, 9, 30)),
            # Administered by the US from 1947-07-18; the trusteeship ended with Palau's
            # Compact of Free Association on 1994-10-01.
            UsArea(
                "PC",
                "Trust Territory of the Pacific Islands",
                since=dt.date(1947, 7, 18),
                until=dt.date(1994, 9, 30),
            ),
        )
    }
)

#: Historical codes accepted beside the current ISO 3166-1 list.
HISTORICAL_CODES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "SU": SECTION_2A_COUNTRIES["SU"],
        "CS": SECTION_2A_COUNTRIES["CS"],
        "DD": SECTION_2A_COUNTRIES["DD"],
        "YU": SECTION_2A_COUNTRIES["YU"],
        "PZ": US_AREAS["PZ"].name,
        "PC": US_AREAS["PC"].name,
    }
)

#: Every current ISO 3166-1 alpha-2 code with its English short name.
CURRENT_ISO_3166_1: Final[Mapping[str, str]] = MappingProxyType(
    {
        "AD": "Andorra",
        "AE": "United Arab Emirates",
        "AF": "Afghanistan",
        "AG": "Antigua and Barbuda",
        "AI": "Anguilla",
        "AL": "Albania",
        "AM": "Armenia",
        "AO": "Angola",
        "AQ": "Antarctica",
        "AR": "Argentina",
        "AS": "American Samoa",
        "AT": "Austria",
        "AU": "Australia",
        "AW": "Aruba",
        "AX": "Åland Islands",
        "AZ": "Azerbaijan",
        "BA": "Bosnia and Herzegovina",
        "BB": "Barbados",
        "BD": "Bangladesh",
        "BE": "Belgium",
        "BF": "Burkina Faso",
        "BG": "Bulgaria",
        "BH": "Bahrain",
        "BI": "Burundi",
        "BJ": "Benin",
        "BL": "Saint Barthélemy",
        "BM": "Bermuda",
        "BN": "Brunei Darussalam",
        "BO": "Bolivia, Plurinational State of",
        "BQ": "Bonaire, Sint Eustatius and Saba",
        "BR": "Brazil",
        "BS": "Bahamas",
        "BT": "Bhutan",
        "BV": "Bouvet Island",
        "BW": "Botswana",
        "BY": "Belarus",
        "BZ": "Belize",
        "CA": "Canada",
        "CC": "Cocos (Keeling) Islands",
        "CD": "Congo, The Democratic Republic of the",
        "CF": "Central African Republic",
        "CG": "Congo",
        "CH": "Switzerland",
        "CI": "Côte d'Ivoire",
        "CK": "Cook Islands",
        "CL": "Chile",
        "CM": "Cameroon",
        "CN": "China",
        "CO": "Colombia",
        "CR": "Costa Rica",
        "CU": "Cuba",
        "CV": "Cabo Verde",
        "CW": "Curaçao",
        "CX": "Christmas Island",
        "CY": "Cyprus",
        "CZ": "Czechia",
        "DE": "Germany",
        "DJ": "Djibouti",
        "DK": "Denmark",
        "DM": "Dominica",
        "DO": "Dominican Republic",
        "DZ": "Algeria",
        "EC": "Ecuador",
        "EE": "Estonia",
        "EG": "Egypt",
        "EH": "Western Sahara",
        "ER": "Eritrea",
        "ES": "Spain",
        "ET": "Ethiopia",
        "FI": "Finland",
        "FJ": "Fiji",
        "FK": "Falkland Islands (Malvinas)",
        "FM": "Micronesia, Federated States of",
        "FO": "Faroe Islands",
        "FR": "France",
        "GA": "Gabon",
        "GB": "United Kingdom",
        "GD": "Grenada",
        "GE": "Georgia",
        "GF": "French Guiana",
        "GG": "Guernsey",
        "GH": "Ghana",
        "GI": "Gibraltar",
        "GL": "Greenland",
        "GM": "Gambia",
        "GN": "Guinea",
        "GP": "Guadeloupe",
        "GQ": "Equatorial Guinea",
        "GR": "Greece",
        "GS": "South Georgia and the South Sandwich Islands",
        "GT": "Guatemala",
        "GU": "Guam",
        "GW": "Guinea-Bissau",
        "GY": "Guyana",
        "HK": "Hong Kong",
        "HM": "Heard Island and McDonald Islands",
        "HN": "Honduras",
        "HR": "Croatia",
        "HT": "Haiti",
        "HU": "Hungary",
        "ID": "Indonesia",
        "IE": "Ireland",
        "IL": "Israel",
        "IM": "Isle of Man",
        "IN": "India",
        "IO": "British Indian Ocean Territory",
        "IQ": "Iraq",
        "IR": "Iran, Islamic Republic of",
        "IS": "Iceland",
        "IT": "Italy",
        "JE": "Jersey",
        "JM": "Jamaica",
        "JO": "Jordan",
        "JP": "Japan",
        "KE": "Kenya",
        "KG": "Kyrgyzstan",
        "KH": "Cambodia",
        "KI": "Kiribati",
        "KM": "Comoros",
        "KN": "Saint Kitts and Nevis",
        "KP": "Korea, Democratic People's Republic of",
        "KR": "Korea, Republic of",
        "KW": "Kuwait",
        "KY": "Cayman Islands",
        "KZ": "Kazakhstan",
        "LA": "Lao People's Democratic Republic",
        "LB": "Lebanon",
        "LC": "Saint Lucia",
        "LI": "Liechtenstein",
        "LK": "Sri Lanka",
        "LR": "Liberia",
        "LS": "Lesotho",
        "LT": "Lithuania",
        "LU": "Luxembourg",
        "LV": "Latvia",
        "LY": "Libya",
        "MA": "Morocco",
        "MC": "Monaco",
        "MD": "Moldova, Republic of",
        "ME": "Montenegro",
        "MF": "Saint Martin (French part)",
        "MG": "Madagascar",
        "MH": "Marshall Islands",
        "MK": "North Macedonia",
        "ML": "Mali",
        "MM": "Myanmar",
        "MN": "Mongolia",
        "MO": "Macao",
        "MP": "Northern Mariana Islands",
        "MQ": "Martinique",
        "MR": "Mauritania",
        "MS": "Montserrat",
        "MT": "Malta",
        "MU": "Mauritius",
        "MV": "Maldives",
        "MW": "Malawi",
        "MX": "Mexico",
        "MY": "Malaysia",
        "MZ": "Mozambique",
        "NA": "Namibia",
        "NC": "New Caledonia",
        "NE": "Niger",
        "NF": "Norfolk Island",
        "NG": "Nigeria",
        "NI": "Nicaragua",
        "NL": "Netherlands",
        "NO": "Norway",
        "NP": "Nepal",
        "NR": "Nauru",
        "NU": "Niue",
        "NZ": "New Zealand",
        "OM": "Oman",
        "PA": "Panama",
        "PE": "Peru",
        "PF": "French Polynesia",
        "PG": "Papua New Guinea",
        "PH": "Philippines",
        "PK": "Pakistan",
        "PL": "Poland",
        "PM": "Saint Pierre and Miquelon",
        "PN": "Pitcairn",
        "PR": "Puerto Rico",
        "PS": "Palestine, State of",
        "PT": "Portugal",
        "PW": "Palau",
        "PY": "Paraguay",
        "QA": "Qatar",
        "RE": "Réunion",
        "RO": "Romania",
        "RS": "Serbia",
        "RU": "Russian Federation",
        "RW": "Rwanda",
        "SA": "Saudi Arabia",
        "SB": "Solomon Islands",
        "SC": "Seychelles",
        "SD": "Sudan",
        "SE": "Sweden",
        "SG": "Singapore",
        "SH": "Saint Helena, Ascension and Tristan da Cunha",
        "SI": "Slovenia",
        "SJ": "Svalbard and Jan Mayen",
        "SK": "Slovakia",
        "SL": "Sierra Leone",
        "SM": "San Marino",
        "SN": "Senegal",
        "SO": "Somalia",
        "SR": "Suriname",
        "SS": "South Sudan",
        "ST": "Sao Tome and Principe",
        "SV": "El Salvador",
        "SX": "Sint Maarten (Dutch part)",
        "SY": "Syrian Arab Republic",
        "SZ": "Eswatini",
        "TC": "Turks and Caicos Islands",
        "TD": "Chad",
        "TF": "French Southern Territories",
        "TG": "Togo",
        "TH": "Thailand",
        "TJ": "Tajikistan",
        "TK": "Tokelau",
        "TL": "Timor-Leste",
        "TM": "Turkmenistan",
        "TN": "Tunisia",
        "TO": "Tonga",
        "TR": "Türkiye",
        "TT": "Trinidad and Tobago",
        "TV": "Tuvalu",
        "TW": "Taiwan, Province of China",
        "TZ": "Tanzania, United Republic of",
        "UA": "Ukraine",
        "UG": "Uganda",
        "UM": "United States Minor Outlying Islands",
        "US": "United States",
        "UY": "Uruguay",
        "UZ": "Uzbekistan",
        "VA": "Holy See (Vatican City State)",
        "VC": "Saint Vincent and the Grenadines",
        "VE": "Venezuela, Bolivarian Republic of",
        "VG": "Virgin Islands, British",
        "VI": "Virgin Islands, U.S.",
        "VN": "Viet Nam",
        "VU": "Vanuatu",
        "WF": "Wallis and Futuna",
        "WS": "Samoa",
        "YE": "Yemen",
        "YT": "Mayotte",
        "ZA": "South Africa",
        "ZM": "Zambia",
        "ZW": "Zimbabwe",
    }
)

#: Every code the policy accepts, with a name for display.
COUNTRIES: Final[Mapping[str, str]] = MappingProxyType({**CURRENT_ISO_3166_1, **HISTORICAL_CODES})


def is_known(code: str) -> bool:
    """Whether ``code`` is a country code the policy accepts."""
    return code in COUNTRIES


def name_of(code: str) -> str:
    return COUNTRIES.get(code, code)


def is_2a_country(code: str) -> bool:
    """Whether ``code`` is one of the countries named in ``2a``."""
    return code in SECTION_2A_COUNTRIES


def is_us(code: str, on: dt.date) -> bool:
    """Whether ``code`` is the US or one of its territories or possessions on ``on`` (``1``)."""
    area = US_AREAS.get(code)
    return area is not None and area.is_us_on(on)


def choices() -> list[tuple[str, str]]:
    """All accepted codes as (code, "Name (CODE)") pairs, sorted by name, for pickers."""
    return sorted(
        ((code, f"{name} ({code})") for code, name in COUNTRIES.items()),
        key=lambda pair: pair[1].casefold(),
    )
