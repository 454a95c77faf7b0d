"""What every part of the cases API shares: references to posts and officials, and the
version of the case a change was made against.
"""

from __future__ import annotations

from typing import Final

from ninja import Field, Schema
from pydantic import ConfigDict


class PostRefOut(Schema):
    id: int
    code: str
    name: str


class OfficialRefOut(Schema):
    id: int
    name: str


class VersionIn(Schema):
    """The version of the case you read (or send it as ``If-Match``)."""

    version: int | None = Field(
        None, ge=1, description="The case's version as you read it; or send If-Match."
    )


#: The largest id of a row (ids beyond it are refused by the schema, not by the database).
MAX_ID: Final = 2**63 - 1


class StepIn(VersionIn):
    """A step that takes nothing but the case's version."""

    model_config = ConfigDict(extra="forbid")
