"""The notes of a case, and the note search. Notes are not sealed: never a name."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic import ConfigDict

from defector.cases.schemas.common import VersionIn


class NoteOut(Schema):
    id: int
    case_id: int
    cryptonym: str
    author: str
    at: dt.datetime
    text: str


class NoteHitOut(NoteOut):
    rank: float


class NoteIn(VersionIn):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=10_000, description="Not sealed: never a name.")


class NoteSearchIn(Schema):
    q: str = Field(max_length=200, description="Words every note found contains.")
