"""The facts of a walk-in's intake (``2e``, ``6b(1)``), grouped for a minute at the door: the
walk-in's own facts and those it stands on first, the rest folded as "More facts"."""

from __future__ import annotations

from typing import Final

from defector.cases.forms.facts import INTAKE_FIRST_SECTION, SECTIONS, FactsForm, Section

#: The walk-in's page asks these groups first: the walk-in's own facts (``2e``) and those it
#: stands on (``2d``, ``2c``, ``2a``'s special value), then the defector's (``2a``).
WALK_IN_SECTIONS: Final[tuple[tuple[str, str, tuple[str, ...]], ...]] = (
    (
        "Walk-in (2e)",
        "A walk-in is a disaffected person (2d) who presents themselves to a US installation "
        "abroad and asks for asylum or assistance in escaping. Tick what they said or showed.",
        (
            "requests",
            "at_us_installation",
            "willing_to_defect",
            "dissatisfied",
            "susceptible",
            "special_value",
        ),
    ),
    (
        "Defector (2a)",
        "",
        ("escaped_control", "unwilling_to_return"),
    ),
)
#: Fields a walk-in's page asks outside the groups of facts.
WALK_IN_FIRST: Final = ("nationalities", "threat_information")


class WalkInFactsForm(FactsForm):
    """The facts of a walk-in at intake: :data:`WALK_IN_SECTIONS` first, then the rest."""

    def walk_in_sections(self) -> list[Section]:
        """The groups a walk-in's page asks first (:data:`WALK_IN_SECTIONS`)."""
        return [
            Section(legend, hint, [self[name] for name in names if name in self.fields])
            for legend, hint, names in WALK_IN_SECTIONS
        ]

    def more_sections(self) -> list[Section]:
        """The rest of the facts, rarely needed at a walk-in, in the contract's groups."""
        asked = set(WALK_IN_FIRST).union(*(names for _, _, names in WALK_IN_SECTIONS))
        out = []
        for legend, hint, names in SECTIONS:
            fields = [self[name] for name in names if name in self.fields and name not in asked]
            if names == INTAKE_FIRST_SECTION:
                legend, hint = "Where they are and live", ""
            if fields:
                out.append(Section(legend, hint, fields))
        return out

    def more_errors(self) -> bool:
        return any(field.errors for section in self.more_sections() for field in section.fields)
