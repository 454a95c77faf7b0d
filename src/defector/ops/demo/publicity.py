"""The demo's publicity proposal (``6f``): on the defector granted status at Tokyo, the Senior
US Representative's ``7a`` determination on publicity, then the committee chair's proposal to
the IDC; State has signed off (the IDC's State member approves), USIA's sign-off awaited
(``5a(6)``)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from defector.cases import actions as cases
from defector.cases.choices import RiskSubject
from defector.cases.models import Case, PoliticalRiskDetermination
from defector.publicity import actions as publicity
from defector.publicity.models import Proposal

#: Where the demo's granted defector was received (``ops.demo.cases``).
CASE_POST = "TOKYO"
CASE_WHERE = "Embassy gate, Akasaka"


def load_publicity() -> None:
    """The proposal, unless the case already has one (or is missing)."""
    case = Case.objects.filter(post__code=CASE_POST, received_where=CASE_WHERE).first()
    if case is None or Proposal.objects.filter(case=case).exists():
        return
    users = {
        user.username: user
        for user in get_user_model().objects.filter(
            username__in=("tokyo.senior", "tokyo.chair", "idc.analyst")
        )
    }
    if not PoliticalRiskDetermination.objects.filter(
        case=case, subject=RiskSubject.PUBLICITY, superseded_at__isnull=True
    ).exists():
        case.refresh_from_db()
        cases.determine_political_risk(
            acting_user=users["tokyo.senior"],
            case_id=case.pk,
            expected_version=case.version,
            subject=RiskSubject.PUBLICITY,
            level="moderate",
            reasoning="Publicity about the scientist would strain talks with Beijing; "
            "acceptable after the conference ends and through Washington, not Tokyo.",
        )
    today = timezone.localdate()
    proposal = publicity.propose(
        acting_user=users["tokyo.chair"],
        case_id=case.pk,
        summary="Surface the scientist at a press conference in Washington once his debriefing "
        "is complete, followed by a Voice of America interview.",
        window_start=today + dt.timedelta(days=45),
        window_end=today + dt.timedelta(days=75),
        channels=["press", "usia_media"],
        risks="Reprisals against his family in Shenyang; his colleagues at the conference "
        "would be questioned on their return.",
    )
    if "idc.analyst" in users:
        publicity.sign_off(
            acting_user=users["idc.analyst"],
            proposal_id=proposal.pk,
            position="approve",
            comments="State approves, once the conference has ended and through Washington.",
            expected_version=proposal.version,
        )
