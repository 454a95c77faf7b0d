"""The political-risk determination (7a)."""

from __future__ import annotations

import datetime as dt
from typing import Final

from django.db import transaction

from defector import policy
from defector.cases import queries
from defector.cases.actions.common import claim_case, find_case, record_event
from defector.cases.actions.determination import (
    _acting_official,
    _choice,
    _label,
    _must_be_open,
    _stated,
)
from defector.cases.actions.free_text import refuse_true_names
from defector.cases.actions.obligations import discharge_by_evidence
from defector.cases.choices import RiskLevel, RiskSubject
from defector.cases.models import PoliticalRiskDetermination
from defector.cases.validation import Errors, as_version, moment_of
from defector.core import audit
from defector.core.access import Action, principal_for
from defector.core.errors import InvalidInput, PermissionDenied
from defector.core.users import AnyUser
from defector.directory.choices import Role
from defector.policy.obligations import ObligationId

RISK_AUDIT_FIELDS: Final = [
    "subject",
    "level",
    "reasoning",
    "determined_at",
    "determined_by",
    "supersedes",
    "superseded_at",
]


def determine_political_risk(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    expected_version: int | str | None,
    subject: str,
    level: str,
    reasoning: str,
    at: dt.datetime | None = None,
) -> PoliticalRiskDetermination:
    """Record the Senior US Representative's ``7a`` determination: for the case as a whole
    (``subject="case"``) or one contemplated action (``inducement``, ``exfiltration``,
    ``publicity``), the risk ``level`` and the ``reasoning`` (cryptonyms only, at least 10
    characters). It supersedes the determination in force on the same subject (kept, with
    the time it was superseded). The case's determination discharges the
    ``political_risk_determination`` obligation. Anyone else: :class:`PermissionDenied`
    naming ``7a``."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        if case.post_id not in principal_for(acting_user).posts_with(Role.SENIOR_REPRESENTATIVE):
            raise PermissionDenied(
                "only the post's Senior US Representative determines how actions toward the "
                "person may affect the political and diplomatic interests of the US (7a)",
                clauses=("7a",),
            )
        errors: Errors = []
        version = as_version(errors, expected_version)
        about = _choice(errors, "subject", subject, RiskSubject.values)
        degree = _choice(errors, "level", level, RiskLevel.values)
        text = _stated(errors, "reasoning", reasoning, "say why (cryptonyms only)")
        refuse_true_names(errors, case, reasoning=text)
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        _must_be_open(case, "subject")
        previous = queries.risk_in_force(case, about)
        if previous is not None:
            previous.superseded_at = moment
            previous.save(update_fields=["superseded_at"])
        determination = PoliticalRiskDetermination.objects.create(
            case=case,
            subject=about,
            level=degree,
            reasoning=text,
            determined_at=moment,
            determined_by=_acting_official(acting_user),
            supersedes=previous,
        )
        what = "the case" if about == RiskSubject.CASE else _label(about, RiskSubject)
        summary = f"Political risk of {what} determined: {_label(degree, RiskLevel)} (7a)"
        if previous is not None:
            summary += f"; supersedes {_label(previous.level, RiskLevel)}"
        record_event(
            case,
            acting_user=acting_user,
            action="cases.politicalriskdetermination.record",
            summary=summary,
            at=moment,
            obj=determination,
            before=audit.snapshot(previous, RISK_AUDIT_FIELDS) if previous is not None else None,
            after=audit.snapshot(determination, RISK_AUDIT_FIELDS),
            decision=policy.Decision.allow(
                "7a", reason="determined by the post's Senior US Representative"
            ),
        )
        if about == RiskSubject.CASE:
            discharge_by_evidence(
                case,
                ObligationId.POLITICAL_RISK_DETERMINATION,
                acting_user=acting_user,
                record=determination,
                evidence=f"7a determination {determination.pk}: {_label(degree, RiskLevel)} risk",
                at=moment,
            )
    return determination
