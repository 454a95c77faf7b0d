"""Schemas of the cases API. Cases are known by their cryptonym; no schema carries a sealed
value except the answer of a reveal."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic import ConfigDict


class PostRefOut(Schema):
    id: int
    code: str
    name: str


class OfficialRefOut(Schema):
    id: int
    name: str


class CaseSummaryOut(Schema):
    """A case in a list: its cryptonym and where it is, nothing about the person."""

    id: int
    cryptonym: str
    kind: str
    post: PostRefOut
    sensitivity: str
    opened_at: dt.datetime


class IdentityFieldOut(Schema):
    """A sealed field of the subject: whether anything is recorded, never what."""

    field: str
    label: str
    recorded: bool


class CaseOut(Schema):
    """One case. The subject's identity is listed field by field as recorded or not; its values
    need ``POST /cases/{id}/reveal``."""

    id: int
    cryptonym: str
    kind: str
    post: PostRefOut
    sensitivity: str
    compartments: list[str]
    officers: list[OfficialRefOut]
    opened_at: dt.datetime
    opened_by: OfficialRefOut | None
    version: int
    identity: list[IdentityFieldOut]
    can_reveal: bool


class CaseFiltersIn(Schema):
    """The filters of the case list (the same as the web page's)."""

    post: int | None = Field(None, description="Only the cases of this post (its id).")
    q: str = Field("", max_length=40, description="Text the cryptonym contains.")


class CaseIn(Schema):
    """A case opened at intake (``6b(1)``). The identity fields are sealed on arrival."""

    model_config = ConfigDict(extra="forbid")

    post_id: int = Field(description="The post where the person was received.")
    sensitivity: str = Field(description="One of the sensitivity levels, up to your clearance.")
    kind: str = Field(
        "walk_in",
        description="walk_in, potential_defector or disaffected_person.",
    )
    compartments: list[str] = Field(
        default_factory=list, description="Compartment codes; you must hold each one."
    )
    officer_ids: list[int] = Field(
        default_factory=list, description="More case officers of the post to assign."
    )
    true_name: str = Field("", description="Sealed.")
    aliases: str = Field("", description="Sealed.")
    birth_date: str = Field("", description="Sealed. YYYY-MM-DD, or YYYY-MM or YYYY.")
    birth_place: str = Field("", description="Sealed.")
    identity_documents: str = Field("", description="Sealed.")


class RevealIn(Schema):
    """Which sealed field to reveal, and why (recorded in the audit log)."""

    model_config = ConfigDict(extra="forbid")

    field: str = Field(
        description="true_name, aliases, birth_date, birth_place or identity_documents."
    )
    reason: str = Field(description="Why you need it (at least 10 characters); it is recorded.")


class RevealOut(Schema):
    field: str
    value: str
