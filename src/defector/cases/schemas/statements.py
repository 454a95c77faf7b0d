"""The voluntary statement (``6b(3)(c)``). Texts are not sealed: they call the person by
the cryptonym.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from ninja import Field, Schema
from pydantic import ConfigDict

from defector.cases.schemas.common import OfficialRefOut, VersionIn
from defector.core.schemas import Moment

#: A drawn signature of at most 1 MB, in base64, with its data URL prefix.
MAX_DRAWING_TEXT: Final = 1_400_100


class StatementOut(Schema):
    """A voluntary statement. Its signature file: ``file_url`` (access-checked)."""

    id: int
    number: int = Field(description="Its number within the case: the case's first is 1.")
    language_code: str
    language_name: str
    text_original: str
    text_english: str
    signature_method: str = Field(description="upload (a scanned statement) or drawn.")
    content_type: str
    size: int
    sha256: str
    signed_at: dt.datetime
    recorded_at: dt.datetime
    recorded_by: OfficialRefOut | None
    witness: OfficialRefOut | None
    witnessed_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    withdrawn_by: OfficialRefOut | None
    withdrawal_reason: str
    status: str = Field(description="awaiting a witness, witnessed or withdrawn.")
    counts: bool = Field(description="Signed, witnessed and not withdrawn.")
    file_url: str


class StatementFields(Schema):
    """What every statement gives besides its signature."""

    language_code: str = Field(max_length=35, description="A language tag: ru, zh, pl …")
    language_name: str = Field(max_length=100, description="In English: Russian …")
    text_original: str = Field(max_length=20_000, description="In the person's language.")
    text_english: str = Field(max_length=20_000, description="In English.")
    signed_at: Moment = Field(description="When the person signed, with its offset.")


class StatementIn(StatementFields, VersionIn):
    """A statement signed on screen: the drawing as a PNG, in base64 (or as a
    ``data:image/png;base64,`` URL), at most 1 MB."""

    model_config = ConfigDict(extra="forbid")

    signature_png: str = Field(max_length=MAX_DRAWING_TEXT, description="The drawn signature.")


class StatementFormIn(StatementFields):
    """A scanned signed statement (multipart): these fields and the file ``signature_file``
    (PDF, PNG or JPEG, at most 10 MB, its type judged by its content)."""

    version: int | None = Field(
        None, ge=1, description="The case's version as you read it; or send If-Match."
    )


class WithdrawIn(VersionIn):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=2000, description="How and why (10+ characters).")
