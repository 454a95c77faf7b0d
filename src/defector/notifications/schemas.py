"""Schemas of the notifications API (``6e``). Notices name cases by cryptonym only."""

from __future__ import annotations

import datetime as dt
from typing import Final, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from defector.core.schemas import DbId, Moment
from defector.notifications.choices import NoticeKind

#: A kind filter: one of the kinds, or empty for any.
KIND_PATTERN: Final = "^(" + "|".join(NoticeKind.values) + ")?$"


class NoticeOut(Schema):
    """One notice: what happened, by cryptonyms and codes, and where to see it."""

    id: int
    kind: str
    kind_label: str
    clause: str = Field(description="The directive's clause behind this kind of notice.")
    summary: str
    link: str = Field(description="The path of the page that shows it (may be empty).")
    post: str | None = Field(description="The post's code; null for Washington's matters.")
    created_at: dt.datetime
    read_at: dt.datetime | None
    new: bool = Field(description="Created after your last visit.")


class NoticeFiltersIn(Schema):
    unread: bool = Field(False, description="Only notices not yet read.")
    kind: str = Field("", pattern=KIND_PATTERN, description="Only notices of this kind.")
    since: Moment | None = Field(None, description="Only notices created after this time.")


class WhatsNewOut(Schema):
    """What changed since your last visit (reading it does not move the marker: POST /visit)."""

    last_visit: dt.datetime | None
    taken_at: dt.datetime
    new: list[NoticeOut]
    earlier: list[NoticeOut]
    unread: int


class VisitIn(Schema):
    model_config = ConfigDict(extra="forbid")

    seen_until: Moment | None = Field(
        None, description="The end of what you were shown (default: now)."
    )
    notice_ids: list[DbId] | None = Field(
        None, description="The notices shown, to mark read (default: every one until then)."
    )


class VisitOut(Schema):
    previous: dt.datetime | None
    visited_at: dt.datetime
    marked_read: int


class PendingAcknowledgementOut(Schema):
    """A version of the procedures (6b) or of guidance (7c) you have still to acknowledge."""

    kind: str = Field(description="procedures or guidance")
    id: int = Field(description="The version's id.")
    post: str
    committee_id: int
    label: str
    clause: str
    since: dt.datetime | None
    link: str


class AcknowledgeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["procedures", "guidance"]
    id: int = Field(description="The version's id.")


class NoticeAcknowledgementOut(Schema):
    kind: str
    id: int
    acknowledged_at: dt.datetime
