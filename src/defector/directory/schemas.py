"""Schemas of the directory API (``/api/v1/directory``): explicit fields, in and out.

Agencies, posts and compartments are referred to by their codes (``CIA``, ``VIENNA``,
``HARBOR``) wherever an official names them; a post of ``null`` means Washington.
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema

from defector.directory import queries
from defector.directory.choices import AgencyKind, PostKind, Role
from defector.directory.models import Official, RoleAssignment
from defector.policy import countries

# --- filters (query parameters) -------------------------------------------------------------


class PostFilterIn(Schema):
    kind: PostKind | None = Field(None, description="embassy, consulate or mission")
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code, e.g. AT")
    representation: bool | None = Field(
        None, description="whether the US has diplomatic representation there"
    )
    active: bool | None = None
    q: str | None = Field(None, description="text in the code, name or city")

    def to_filter(self) -> queries.PostFilter:
        return queries.PostFilter(
            kind=self.kind or "",
            country=self.country or "",
            representation=self.representation,
            active=self.active,
            q=self.q or "",
        )


class AgencyFilterIn(Schema):
    kind: AgencyKind | None = None
    active: bool | None = None
    q: str | None = Field(None, description="text in the code or name")

    def to_filter(self) -> queries.AgencyFilter:
        return queries.AgencyFilter(kind=self.kind or "", active=self.active, q=self.q or "")


class OfficialFilterIn(Schema):
    post: str | None = Field(None, description="a post's code, or WASHINGTON for none")
    agency: str | None = Field(None, description="an agency's code")
    role: Role | None = Field(None, description="a role held (at any post)")
    active: bool | None = Field(None, description="whether the official may sign in")
    q: str | None = Field(None, description="text in the name, login, e-mail or title")

    def to_filter(self) -> queries.OfficialFilter:
        return queries.OfficialFilter(
            post=self.post or "",
            agency=self.agency or "",
            role=self.role or "",
            active=self.active,
            q=self.q or "",
        )


# --- agencies --------------------------------------------------------------------------------


class AgencyOut(Schema):
    id: int
    code: str
    name: str
    kind: AgencyKind
    active: bool


class AgencyIn(Schema):
    code: str = Field(..., description="short name; stored in capitals, unique", examples=["CIA"])
    name: str = Field(..., examples=["Central Intelligence Agency"])
    kind: AgencyKind = AgencyKind.AGENCY
    active: bool = True


class AgencyPatch(Schema):
    code: str | None = None
    name: str | None = None
    kind: AgencyKind | None = None
    active: bool | None = None


# --- compartments ----------------------------------------------------------------------------


class CompartmentOut(Schema):
    id: int
    code: str
    name: str


class CompartmentIn(Schema):
    code: str = Field(..., examples=["HARBOR"])
    name: str


# --- posts -----------------------------------------------------------------------------------


class PostOut(Schema):
    id: int
    code: str
    name: str
    kind: PostKind
    country: str
    country_name: str
    city: str
    diplomatic_representation: bool = Field(
        ..., description="the US has diplomatic representation here (a committee is due, 6)"
    )
    active: bool

    @staticmethod
    def resolve_country_name(obj: Any) -> str:
        return countries.name_of(obj.country)


class PostIn(Schema):
    code: str = Field(
        ..., description="short name; stored in capitals, unique", examples=["VIENNA"]
    )
    name: str = Field(..., examples=["Embassy Vienna"])
    kind: PostKind = PostKind.EMBASSY
    country: str = Field(..., description="ISO 3166-1 alpha-2 code", examples=["AT"])
    city: str = Field(..., examples=["Vienna"])
    diplomatic_representation: bool = True
    active: bool = True


class PostPatch(Schema):
    code: str | None = None
    name: str | None = None
    kind: PostKind | None = None
    country: str | None = None
    city: str | None = None
    diplomatic_representation: bool | None = None
    active: bool | None = None


# --- officials and roles ---------------------------------------------------------------------


class RoleOut(Schema):
    id: int
    role: Role
    label: str
    post: str | None = Field(None, description="the post's code; null for a role without one")

    @staticmethod
    def resolve_label(obj: RoleAssignment) -> str:
        return obj.get_role_display()

    @staticmethod
    def resolve_post(obj: RoleAssignment) -> str | None:
        return obj.post.code if obj.post is not None else None


class RoleIn(Schema):
    role: Role
    post: str | None = Field(None, description="a post's code for a post role; null for the others")


class OfficialOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    title: str
    agency: str = Field(..., description="the agency's code")
    post: str | None = Field(None, description="the post's code; null for Washington")
    station: str = Field(..., description="the post's name, or Washington")
    active: bool = Field(..., description="whether the official may sign in")
    clearance: str | None = Field(
        None, description="shown to administrators and to the official themself"
    )
    compartments: list[str] | None = Field(
        None, description="shown to administrators and to the official themself"
    )
    roles: list[RoleOut]

    @staticmethod
    def resolve_username(obj: Official) -> str:
        return obj.user.get_username()

    @staticmethod
    def resolve_first_name(obj: Official) -> str:
        return obj.user.first_name

    @staticmethod
    def resolve_last_name(obj: Official) -> str:
        return obj.user.last_name

    @staticmethod
    def resolve_email(obj: Official) -> str:
        return obj.user.email

    @staticmethod
    def resolve_agency(obj: Official) -> str:
        return obj.agency.code

    @staticmethod
    def resolve_post(obj: Official) -> str | None:
        return obj.post.code if obj.post is not None else None

    @staticmethod
    def resolve_active(obj: Official) -> bool:
        return obj.user.is_active

    @staticmethod
    def resolve_clearance(obj: Official, context: dict[str, Any]) -> str | None:
        return obj.clearance if queries.shows_details(context["request"].user, obj) else None

    @staticmethod
    def resolve_compartments(obj: Official, context: dict[str, Any]) -> list[str] | None:
        if not queries.shows_details(context["request"].user, obj):
            return None
        return [c.code for c in obj.compartments.all()]

    @staticmethod
    def resolve_roles(obj: Official) -> list[RoleAssignment]:
        return list(obj.roles.all())


class OfficialIn(Schema):
    username: str = Field(..., examples=["vienna.member"])
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    title: str = ""
    agency: str = Field(..., description="an agency's code", examples=["STATE"])
    post: str | None = Field(None, description="a post's code; null for Washington")
    clearance: str = Field(..., examples=["SECRET"])
    compartments: list[str] = Field(default_factory=list, description="compartment codes")
    roles: list[RoleIn] = Field(default_factory=list)
    password: str | None = Field(
        None,
        description="an initial password (checked like any); without one the account has "
        "none until `defector changepassword USERNAME` sets it",
    )
    link_existing: bool = Field(
        False, description="use the existing account of this name if it is not yet an official"
    )


class OfficialPatch(Schema):
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    title: str | None = None
    agency: str | None = None
    post: str | None = Field(None, description="a post's code; null for Washington")
    clearance: str | None = None
    compartments: list[str] | None = None
