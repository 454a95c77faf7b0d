"""Schemas of the moves of a case to another post or to Washington."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from defector.cases.schemas.common import VersionIn


class TransferIn(VersionIn):
    """Propose a move; ``version`` is the case's (or send If-Match)."""

    model_config = ConfigDict(extra="forbid")

    to_post_id: int | None = Field(
        None, ge=1, description="The receiving post; none: Washington (the IDC's custody)."
    )
    kind: Literal["exfiltration", "resettlement", "other"]
    reason: str = Field(max_length=4000, description="Why. Not sealed: never a name.")


class TransferStepIn(Schema):
    """Accept, decline or cancel a move; ``version`` is the move's."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="The move's version as you read it.")
    note: str = Field("", max_length=4000, description="Required to decline. Never a name.")
    officer_ids: list[int] = Field(
        default_factory=list,
        description="Accepting at a post: its case officers to assign to the case.",
    )


class TransferFiltersIn(Schema):
    pending: bool | None = Field(
        None, description="true: awaiting an answer; false: decided; none: all."
    )


class TransferOut(Schema):
    id: int
    case_id: int
    cryptonym: str
    kind: str
    from_label: str
    to_label: str
    to_post_id: int | None
    to_washington: bool
    status: str
    reason: str
    proposed_at: dt.datetime
    proposed_by: str
    decided_at: dt.datetime | None
    decided_by: str
    note: str
    version: int
    can_decide: bool
    can_cancel: bool
    clauses: list[str]
