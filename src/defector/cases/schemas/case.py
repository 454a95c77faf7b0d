"""A case: the list, intake, the case's record with its assessments and timeline, its facts,
its stage, and a reveal. Cases are known by their cryptonym; no schema carries a sealed value
except the answer of a reveal.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict, ModelWrapValidatorHandler, ValidationInfo, model_validator

from defector.cases.schemas.common import OfficialRefOut, PostRefOut, VersionIn
from defector.cases.schemas.obligations import ObligationOut
from defector.core.schemas import DbId, Moment


class CaseSummaryOut(Schema):
    """A case in a list: its cryptonym, where it is and where it stands; nothing about the
    person."""

    id: int
    cryptonym: str
    kind: str
    post: PostRefOut
    sensitivity: str
    opened_at: dt.datetime
    received_at: dt.datetime
    stage: str
    outcome: str
    categories: list[str]
    open_count: int = Field(description="Open obligations.")
    overdue_count: int = Field(description="Open obligations past their due time.")
    version: int


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
    received_at: dt.datetime
    received_where: str
    request_other: str
    stage: str
    outcome: str
    categories: list[str]
    changed_at: dt.datetime | None
    changed_by: OfficialRefOut | None
    can_change: bool
    next_stages: list[str] = Field(description="The stages the case may move to now.")


class CaseFiltersIn(Schema):
    """The filters of the case list (the same as the web page's); empty means any."""

    post: str = Field("", max_length=20, description="Only the cases of this post (its id).")
    stage: str = Field("", max_length=20, description="reception, assessment, … closed.")
    category: str = Field("", max_length=30, description="A category of the latest assessment.")
    overdue: str = Field(
        "", max_length=5, description="true: with an overdue obligation; false: without."
    )
    officer: str = Field("", max_length=20, description="Assigned to this official (their id).")
    kind: str = Field("", max_length=30, description="walk_in, potential_defector, …")
    q: str = Field("", max_length=40, description="Text the cryptonym contains.")


class CaseIn(Schema):
    """A case opened at intake (``6b(1)``). The identity fields are sealed on arrival."""

    model_config = ConfigDict(extra="forbid")

    post_id: DbId = Field(description="The post where the person was received.")
    sensitivity: str = Field(description="One of the sensitivity levels, up to your clearance.")
    kind: str = Field(
        "walk_in",
        description="walk_in, potential_defector or disaffected_person.",
    )
    compartments: list[str] = Field(
        default_factory=list, description="Compartment codes; you must hold each one."
    )
    officer_ids: list[DbId] = Field(
        default_factory=list, description="More case officers of the post to assign."
    )
    true_name: str = Field("", description="Sealed.")
    aliases: str = Field("", description="Sealed.")
    birth_date: str = Field("", description="Sealed. YYYY-MM-DD, or YYYY-MM or YYYY.")
    birth_place: str = Field("", description="Sealed.")
    identity_documents: str = Field("", description="Sealed.")
    facts: dict[str, Any] | None = Field(
        None,
        description="The facts of the assessment contract (contracts/assessment.md); omitted "
        "fields default to the reception (location: the post's country; as_of: the day "
        "received; for a walk-in, at_us_installation: true)."
        " The facts of 1 and 3 (active_war_theater, presidential_exclusion, dci_extension) "
        "are not given: Washington's records fill them in, and sending one is refused (422, "
        "naming 1 or 3).",
    )
    received_at: Moment | None = Field(None, description="When received (default: now).")
    received_where: str = Field("", max_length=300, description="Where. Not sealed: no names.")
    request_other: str = Field("", max_length=300, description="Not sealed: no names.")
    note: str = Field("", max_length=10_000, description="A first note. Not sealed: no names.")
    confirm_before_directive: bool = Field(
        False,
        description="Record a reception (or facts.as_of) before 18 May 1976, when DCID 4/21 "
        "took effect (1): refused with 422 naming the field without it. A day in the future "
        "is always refused.",
    )


class WalkInIn(Schema):
    """A walk-in received (``2e``, ``6b(1)``): only ``facts.nationalities`` is required; the
    post defaults to yours, the time to now, the sensitivity to SECRET (or your clearance),
    the location to the post's country. The identity fields are sealed on arrival."""

    model_config = ConfigDict(extra="forbid")

    facts: dict[str, Any] = Field(
        description="The facts of the assessment contract: nationalities at least; "
        "requests (asylum, escape_assistance) and threat_information matter most here."
        ""
        " The facts of 1 and 3 (active_war_theater, presidential_exclusion, dci_extension) "
        "are not given: Washington's records fill them in, and sending one is refused (422, "
        "naming 1 or 3)."
    )
    post_id: DbId | None = Field(None, description="Default: your post.")
    received_at: Moment | None = Field(None, description="Default: now.")
    confirm_before_directive: bool = Field(
        False,
        description="Record a reception (or facts.as_of) before 18 May 1976, when DCID 4/21 "
        "took effect (1): refused with 422 naming the field without it. A day in the future "
        "is always refused.",
    )
    received_where: str = Field("", max_length=300, description="Not sealed: no names.")
    request_other: str = Field("", max_length=300, description="Not sealed: no names.")
    sensitivity: str = Field("", description="Default: SECRET, or your clearance if lower.")
    compartments: list[str] = Field(default_factory=list)
    officer_ids: list[DbId] = Field(default_factory=list)
    note: str = Field("", max_length=10_000, description="Not sealed: no names.")
    true_name: str = Field("", description="Sealed.")
    aliases: str = Field("", description="Sealed.")
    birth_date: str = Field("", description="Sealed. YYYY-MM-DD, or YYYY-MM or YYYY.")
    birth_place: str = Field("", description="Sealed.")
    identity_documents: str = Field("", description="Sealed.")

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo
    ) -> Any:
        """The body validated once. Ninja's ``Schema`` (whose validator of this name this one
        replaces) validates a schema that forbids extra fields twice: the values, then the
        values again through its ``DjangoGetter`` (for a model instance's attributes and its
        schema's ``resolve_*`` methods, which this schema has none of) — the same fields, so
        the same result, at twice the cost."""
        return handler(values)


class PreviewLineOut(Schema):
    """One line of an intake's preview, with the clause that decides it."""

    key: str = Field(description="A category, an obligation or a fact of the contract.")
    label: str
    clause: str
    detail: str = Field("", description="For an obligation: its clock.")


class ScopeLineOut(Schema):
    """A finding of the scope (1, 3)."""

    clause: str
    title: str
    holds: bool
    because: str


class IntakePreviewOut(Schema):
    """What the directive will say of a walk-in's facts before the case is opened."""

    assessed: bool = Field(description="The facts could be assessed (a nationality is given).")
    problems: list[str] = Field(description="Why they could not be.")
    applies: bool
    walk_in: bool = Field(description="The facts make a walk-in (2e).")
    categories: list[PreviewLineOut]
    scope: list[ScopeLineOut]
    obligations: list[PreviewLineOut]
    missing: list[PreviewLineOut] = Field(
        description="The facts (key: the contract's field) that keep the person from being a "
        "walk-in (2e); empty when they are one."
    )
    date_refusal: str = Field(description="Why the reception's day is refused (1), if it is.")


class ReportIn(WalkInIn):
    """A potential defector (``2c``) or disaffected person (``2d``) reported by an official:
    the walk-in's fields, the kind, and what the official knows (the first note)."""

    kind: str = Field(description="potential_defector or disaffected_person.")
    note: str = Field(
        min_length=1, max_length=10_000, description="What you know. Not sealed: no names."
    )


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


class CaseFindingOut(Schema):
    clause: str
    holds: bool
    because: str


class PowerFactOut(Schema):
    """Where one fact of 1 or 3 came from: Washington's records in force on the facts' day."""

    fact: str
    clause: str
    holds: bool
    because: str
    records: list[str]


class AssessmentOut(Schema):
    """One assessment of the case's facts, with the rules version that decided it."""

    number: int
    assessed_at: dt.datetime
    assessed_by: OfficialRefOut | None
    policy_version: str
    facts: dict[str, Any]
    applies: bool
    categories: list[str]
    obligations: list[str]
    findings: list[CaseFindingOut]
    powers: list[PowerFactOut]


class TimelineEntryOut(Schema):
    at: dt.datetime
    actor: str
    kind: str
    summary: str
    object_label: str
    object_id: str


class CaseRecordOut(CaseOut):
    """One case with its latest assessment, obligations and timeline."""

    latest_assessment: AssessmentOut | None
    obligations: list[ObligationOut]
    timeline: list[TimelineEntryOut]


class FactsIn(VersionIn):
    model_config = ConfigDict(extra="forbid")

    facts: dict[str, Any] = Field(
        description="The whole facts object of the contract but the facts of 1 and 3."
        ""
        " The facts of 1 and 3 (active_war_theater, presidential_exclusion, dci_extension) "
        "are not given: Washington's records fill them in, and sending one is refused (422, "
        "naming 1 or 3)."
    )


class TransitionIn(VersionIn):
    model_config = ConfigDict(extra="forbid")

    to: str = Field(description="The stage: reception, assessment, determination, …, closed.")
    outcome: str = Field("", description="Required when closing: granted, declined, …")
    reason: str = Field("", max_length=2000, description="Required to go back or reopen.")
