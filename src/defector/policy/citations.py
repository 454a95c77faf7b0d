"""The citation registry: every clause of DCID No. 4/21 that the system may cite.

Keys are those of the project's reading of the directive (``2a``, ``6b(3)(c)``, ...). Code
cites a clause through :func:`cite`, which fails at import time on an unknown key, and a
convention test checks this registry against the directive's text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final


@dataclass(frozen=True, slots=True)
class Clause:
    """One citable paragraph of the directive."""

    key: str
    title: str
    text: str

    @property
    def anchor(self) -> str:
        """A fragment identifier for the clause: ``6b(3)(c)`` -> ``clause-6b-3-c``."""
        return "clause-" + re.sub(r"[()]+", "-", self.key).strip("-")

    @property
    def withheld(self) -> bool:
        return self.text == "[withheld]"

    @property
    def parent(self) -> str | None:
        """The enclosing clause (``6b(3)(c)`` -> ``6b(3)``); none for a top-level clause."""
        match = re.fullmatch(r"(.+)\([0-9a-z]+\)", self.key)
        if match:
            return match.group(1)
        return None


_CLAUSES = (
    Clause(
        "1",
        "Purpose and scope",
        (
            "Establishes policies, procedures and practices for the inducement, exploitation and "
            "handling of defectors outside the United States, its territories and possessions. It "
            "does not apply in active theaters of war where US forces are engaged, or where the "
            "President so directs."
        ),
    ),
    Clause(
        "2a",
        "Defector",
        (
            "Defector: a national of the USSR, People's Republic of China, Albania, Bulgaria, "
            "Cambodia, Cuba, Czechoslovakia, East Germany, Hungary, Laos, North Korea, Mongolia, "
            "Poland, Romania, Vietnam or Yugoslavia, who has escaped from the control of any such "
            "country, or who, being outside such jurisdiction and control, is unwilling to return "
            "thereto, and who is of special value to the US Government because:"
        ),
    ),
    Clause(
        "2a(1)",
        "Special value: information",
        (
            "they are able to add valuable new or confirmatory information to existing US "
            "intelligence knowledge;"
        ),
    ),
    Clause(
        "2a(2)",
        "Special value: operational",
        "they are of operational value to a US department or agency;",
    ),
    Clause(
        "2a(3)",
        "Special value: psychological",
        "their defection can be psychologically exploited to the advantage of the US.",
    ),
    Clause(
        "2b",
        "Inducement",
        (
            "Inducement: an act committed or manifestly instigated by a US official and "
            "demonstrably intended to bring about a defection, for which the US Government might, "
            "if the act were discovered, be called upon to account."
        ),
    ),
    Clause(
        "2c",
        "Potential defector",
        (
            "Potential defector: a national of a country in 2a who (1) is dissatisfied or "
            "potentially estranged in their allegiance to the government of their nationality, (2) "
            "may reasonably be expected to be susceptible to defection or to recruitment in place, "
            "and (3) appears to meet the special-value criteria of 2a."
        ),
    ),
    Clause(
        "2d",
        "Disaffected person",
        (
            "Disaffected person: a potential defector who, through inducement or by their own "
            "voluntary action, has indicated willingness or desire to defect."
        ),
    ),
    Clause(
        "2e",
        "Walk-in",
        (
            "Walk-in: a disaffected person who presents themselves to a US installation in a "
            "foreign country and requests asylum or assistance in escaping from Communist control."
        ),
    ),
    Clause(
        "2f",
        "Refugee",
        (
            "Refugee: a person who is outside of and unwilling to return to their country of "
            "nationality or habitual residence because of a well-founded fear of being persecuted "
            "for reasons of race, religion, nationality, membership of a particular social group, "
            "or political opinion; who does not possess another citizenship; who has not acquired "
            "resident status in the country of present domicile; and who is not a defector."
        ),
    ),
    Clause(
        "3",
        "Other nationals",
        (
            "The provisions may be applied in whole or in part to cases involving nationals of "
            "countries other than those named in 2a when the Director of Central Intelligence "
            "determines such action to be in the best interests of the United States."
        ),
    ),
    Clause(
        "4a",
        "Objective: information",
        (
            "to obtain information relative to the internal security of the US, and foreign "
            "intelligence information in response to intelligence objectives established by the DCI"
            " and departmental intelligence requirements;"
        ),
    ),
    Clause(
        "4b",
        "Objective: operational intelligence",
        "to acquire operational intelligence;",
    ),
    Clause(
        "4c",
        "Objective: propaganda advantage",
        "to gain a propaganda advantage.",
    ),
    Clause(
        "5a",
        "Operating principles",
        (
            "Defection, particularly from the USSR and the PRC, should be encouraged and induced "
            "whenever there is a net advantage to US interests. Accordingly, US Government "
            "organizations should:"
        ),
    ),
    Clause(
        "5a(1)",
        "Induce defection; consider recruitment in place first",
        (
            "encourage and induce the defection of potentially valuable individuals from the areas "
            "in 2a; before any organization initiates action to induce defection, it should "
            "consider whether recruitment in place would better serve the interests of the US;"
        ),
    ),
    Clause(
        "5a(2)",
        "Operating principle (withheld)",
        "[withheld]",
    ),
    Clause(
        "5a(3)",
        "Operating principle (withheld)",
        "[withheld]",
    ),
    Clause(
        "5a(4)",
        "No mass departures",
        (
            "take no action to encourage the departure of large numbers of nationals from the "
            "countries in 2a;"
        ),
    ),
    Clause(
        "5a(5)",
        "Intelligence before psychological exploitation",
        (
            "give priority to the satisfaction of intelligence objectives (per NSCID No. 2) before "
            "engaging in psychological exploitation of defectors;"
        ),
    ),
    Clause(
        "5a(6)",
        "Publicity coordinated with State and USIA",
        (
            "coordinate overt publicity concerning defectors with the Department of State and the "
            "United States Information Agency;"
        ),
    ),
    Clause(
        "5a(7)",
        "Interagency coordination",
        (
            "conduct coordination so as to respect the interests, capabilities and responsibilities"
            " of all departments and agencies, to ensure full use of such capabilities in support "
            "of the Defector Program."
        ),
    ),
    Clause(
        "5b",
        "Operating principle (withheld)",
        "[withheld]",
    ),
    Clause(
        "6",
        "Local Defector Committee",
        (
            "A local Defector Committee shall be established abroad wherever the US has diplomatic "
            "representation. [withheld] The committee may invite representatives of other "
            "departments and agencies and military commands as appropriate to participate. The "
            "local Defector Committee shall:"
        ),
    ),
    Clause(
        "6a",
        "Quarterly meetings and minutes",
        (
            "Meet periodically, normally at least once quarterly, to coordinate interagency aspects"
            " of the Defector Program in its area. Copies of the minutes of all local Defector "
            "Committee meetings shall be forwarded to the Interagency Defector Committee, "
            "Washington."
        ),
    ),
    Clause(
        "6b",
        "Local operating procedures",
        (
            "Establish local operating procedures, consonant with this directive, for the Defector "
            "Program in the committee's geographic area. Such procedures shall accomplish the "
            "following:"
        ),
    ),
    Clause(
        "6b(1)",
        "Reception of walk-ins",
        (
            "provide for the secure and expeditious reception and handling of walk-ins and other "
            "disaffected persons;"
        ),
    ),
    Clause(
        "6b(2)",
        "Defector-status determination",
        (
            "provide that defector status is considered for all individuals who meet the criteria"
            ' established by NSCID No. 4, in each case balancing the "special value" of the '
            "defection against the risk, if any, to the political and diplomatic interests of the"
            " US;"
        ),
    ),
    Clause(
        "6b(3)",
        "Procedures shall ensure",
        "ensure that:",
    ),
    Clause(
        "6b(3)(a)",
        "Threat information disseminated at once",
        (
            "information related to imminence of hostilities or threat to the security of US "
            "personnel and any US installation is procured and disseminated as a matter of "
            "immediate priority;"
        ),
    ),
    Clause(
        "6b(3)(b)",
        "Bona fides",
        "bona fides is established as expeditiously as possible;",
    ),
    Clause(
        "6b(3)(c)",
        "Voluntary statement requesting asylum",
        (
            "each defector signs a statement that the defection is voluntary and that they request "
            "political asylum;"
        ),
    ),
    Clause(
        "6b(3)(d)",
        "All participating organizations employed",
        (
            "the resources and facilities of all participating US Government organizations are "
            "employed as fully as necessary to facilitate handling of the individual."
        ),
    ),
    Clause(
        "6c",
        "Mutual problems and referral",
        (
            "Consider and resolve mutual problems. When such problems cannot be resolved, the "
            "matter shall be referred through Central Intelligence Agency channels to the "
            "Interagency Defector Committee, Washington. In such cases, representatives of other US"
            " Government organizations may communicate directly with their principals in Washington"
            " on the subjects involved. If time does not permit referral to the Interagency "
            "Defector Committee, the matter shall be submitted for decision to the senior US "
            "representative in the area."
        ),
    ),
    Clause(
        "6d",
        "IDC kept informed",
        (
            "Keep the Interagency Defector Committee, Washington, informed concerning each "
            "defector, including the status of exploitation. Appropriate reports on disaffected "
            "persons of potential intelligence interest will also be made to it."
        ),
    ),
    Clause(
        "6e",
        "Members kept informed",
        (
            "Establish procedures to ensure that all members of the local Defector Committee are "
            "kept currently informed on local defector matters as well as applicable US policies "
            "and procedures."
        ),
    ),
    Clause(
        "6f",
        "Publicity proposals",
        (
            "Recommend to the Interagency Defector Committee, Washington, proposals for surfacing "
            "or the release of initial overt publicity concerning a defector."
        ),
    ),
    Clause(
        "7a",
        "Political and diplomatic determination",
        (
            "Determining [withheld] the manner and degree to which actions contemplated toward a "
            "disaffected person or defector may affect the political and diplomatic interests of "
            "the US."
        ),
    ),
    Clause(
        "7b",
        "Briefing of non-member officials",
        (
            "Ensuring that appropriate US officials not covered by membership on the local Defector"
            " Committee, who are likely to be in contact with disaffected persons, are briefed "
            "concerning defector matters as appropriate."
        ),
    ),
    Clause(
        "7c",
        "Policy guidance",
        (
            "Providing policy guidance and further assistance [withheld] in carrying out their "
            "responsibilities under this directive."
        ),
    ),
)

#: Every clause, by key, in the directive's order.
CLAUSES: Final[Mapping[str, Clause]] = MappingProxyType({c.key: c for c in _CLAUSES})


class UnknownClauseError(KeyError):
    """A clause key that the directive does not have."""


def cite(key: str) -> str:
    """Return ``key`` after checking that the directive has that clause."""
    if key not in CLAUSES:
        raise UnknownClauseError(key)
    return key


def clause(key: str) -> Clause:
    try:
        return CLAUSES[key]
    except KeyError:
        raise UnknownClauseError(key) from None
