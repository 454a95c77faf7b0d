"""The ``World``: the posts, agencies and compartments the domain tests share.

Its parts (attribute: what it is):

- posts: ``vienna``, ``bonn`` and ``tokyo`` (embassies), ``havana`` (an interests section: no
  diplomatic representation) and ``closed`` (SAIGON, no longer active);
- agencies: ``cia``, ``state`` (Department of State) and ``dod`` (Department of Defense);
- compartments: ``alpha`` and ``bravo``.

A suite builds the parts it needs (the ``world_parts`` fixture: every part unless a conftest
says otherwise), because what exists is seen by the tests ("every post without a committee"):
a part that was not built is an ``AttributeError``. Each suite adds its own cast of officials
with :func:`support.builders.make_official` (the ``make_official`` fixture).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from defector.directory.models import Agency, Compartment, Post

from .builders import make_agency, make_compartment, make_post

#: Every part, in the order they are made: (attribute, builder, arguments).
PARTS: tuple[tuple[str, Callable[..., Any], dict[str, Any]], ...] = (
    ("cia", make_agency, {"code": "CIA", "name": "Central Intelligence Agency"}),
    ("state", make_agency, {"code": "STATE", "name": "Department of State"}),
    ("dod", make_agency, {"code": "DOD", "name": "Department of Defense"}),
    (
        "vienna",
        make_post,
        {"code": "VIENNA", "name": "Embassy Vienna", "country": "AT", "city": "Vienna"},
    ),
    ("bonn", make_post, {"code": "BONN", "name": "Embassy Bonn", "country": "DE", "city": "Bonn"}),
    (
        "tokyo",
        make_post,
        {"code": "TOKYO", "name": "Embassy Tokyo", "country": "JP", "city": "Tokyo"},
    ),
    (
        "havana",
        make_post,
        {
            "code": "HAVANA",
            "name": "US Interests Section Havana",
            "country": "CU",
            "city": "Havana",
            "diplomatic_representation": False,
        },
    ),
    (
        "closed",
        make_post,
        {
            "code": "SAIGON",
            "name": "Embassy Saigon",
            "country": "VN",
            "city": "Saigon",
            "active": False,
        },
    ),
    ("alpha", make_compartment, {"code": "ALPHA", "name": "Alpha"}),
    ("bravo", make_compartment, {"code": "BRAVO", "name": "Bravo"}),
)
EVERY_PART: tuple[str, ...] = tuple(name for name, _, _ in PARTS)


class World:
    """The parts that were built, as attributes (``world.vienna``, ``world.cia`` …)."""

    vienna: Post
    bonn: Post
    tokyo: Post
    havana: Post
    closed: Post
    cia: Agency
    state: Agency
    dod: Agency
    alpha: Compartment
    bravo: Compartment

    def __init__(self, **parts: Any) -> None:
        for name, value in parts.items():
            setattr(self, name, value)

    def __repr__(self) -> str:
        return f"World({', '.join(sorted(vars(self)))})"


def build_world(parts: Iterable[str] = EVERY_PART) -> World:
    """Make the named ``parts`` (all of them by default), in the order of ``PARTS``."""
    wanted = set(parts)
    unknown = wanted - set(EVERY_PART)
    if unknown:
        raise ValueError(f"no such part of the world: {sorted(unknown)}")
    return World(**{name: build(**args) for name, build, args in PARTS if name in wanted})
