"""Inducement (``2b``, ``5a(1)``, ``5a(4)``): the consideration of recruitment in place, plans
and acts.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic import ConfigDict

from defector.cases.schemas.common import OfficialRefOut, VersionIn
from defector.cases.schemas.determination import DecisionOut
from defector.core.schemas import Moment


class ConsiderationIn(VersionIn):
    model_config = ConfigDict(extra="forbid")

    conclusion: str = Field(description="recruit_in_place, induce_defection or neither.")
    reasoning: str = Field(max_length=10_000, description="10+ characters; cryptonyms only.")


class ConsiderationOut(Schema):
    id: int
    conclusion: str
    reasoning: str
    considered_at: dt.datetime
    considered_by: OfficialRefOut | None


class ConsiderationRecordedOut(ConsiderationOut):
    case_version: int


class PlanIn(VersionIn):
    model_config = ConfigDict(extra="forbid")

    description: str = Field(max_length=10_000, description="The approach; cryptonyms only.")
    group_size: int = Field(ge=1, description="How many persons the plan aims to induce.")


class ActOut(Schema):
    id: int
    plan_id: int
    committed_by: OfficialRefOut | None
    instigated_by: OfficialRefOut | None
    at: dt.datetime
    description: str
    recorded_at: dt.datetime
    recorded_by: OfficialRefOut | None


class PlanOut(Schema):
    id: int
    description: str
    group_size: int
    consideration_id: int
    risk_determination_id: int
    risk_subject: str
    risk_level: str
    recorded_at: dt.datetime
    recorded_by: OfficialRefOut | None
    acts: list[ActOut]


class PlanRecordedOut(PlanOut):
    case_version: int


class InducementActIn(VersionIn):
    model_config = ConfigDict(extra="forbid")

    description: str = Field(max_length=10_000, description="What was done; cryptonyms only.")
    occurred_at: Moment | None = Field(None, description="When (default: now).")
    committed_by_id: int | None = Field(None, description="The official who committed it.")
    instigated_by_id: int | None = Field(None, description="The official who instigated it.")


class ActRecordedOut(ActOut):
    case_version: int


class InducementOut(Schema):
    """Recruitment in place considered (newest first), the plans with their acts, and
    whether a plan for one person would be allowed now."""

    case_version: int
    considerations: list[ConsiderationOut]
    plans: list[PlanOut]
    max_group_size: int
    plan_for_one: DecisionOut
