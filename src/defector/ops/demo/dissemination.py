"""The demo's threat information (``6b(3)(a)``): Vienna's threat distribution, kept by its
committee chair (the defense attaché named as DOD's representative, besides the Ambassador, the
chair and the IDC), and the IMMEDIATE report issued from the Hungarian defector's case minutes
after he came in, acknowledged by every recipient. Through the dissemination app's own
actions. (The walk-in of the last hour has threat information not yet out: the demo's duty
officer can issue it.)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from django.contrib.auth.models import User

from defector.cases.models import Case
from defector.directory.models import Post
from defector.directory.queries import acting_official
from defector.dissemination import actions as dissemination
from defector.dissemination.models import Delivery, Distribution
from defector.ops.demo.directory import users

#: The post whose distribution the demo sets, its chair, and the member it names.
POST: Final = "VIENNA"
#: Between two acknowledgements of the demo's report.
ACKNOWLEDGED_EVERY: Final = dt.timedelta(minutes=3)


@dataclass(frozen=True)
class DemoThreat:
    """A threat report issued from a demo case, and who acknowledges it (recipients all)."""

    precedence: str
    threatened: str
    location: str
    timing: str
    details: str


def load_distribution() -> None:
    """Vienna's threat distribution, set by its chair (once)."""
    post = Post.objects.filter(code=POST).first()
    people = users("committee.chair", "vienna.member")
    member = acting_official(people["vienna.member"]) if "vienna.member" in people else None
    if post is None or member is None or Distribution.objects.filter(post=post).exists():
        return
    dissemination.set_distribution(
        acting_user=people["committee.chair"],
        post_id=post.pk,
        senior_representative=True,
        committee_chair=True,
        idc=True,
        members=[
            {"official_id": member.pk, "seat": "agency_representative", "label": "DOD"},
        ],
    )


def issue_threat(case: Case, threat: DemoThreat, *, officer: User, at: dt.datetime) -> dt.datetime:
    """Issue ``threat`` from ``case`` at ``at``; every recipient acknowledges it, a few minutes
    apart. The time of the last acknowledgement."""
    report = dissemination.issue_report(
        acting_user=officer,
        case_id=case.pk,
        precedence=threat.precedence,
        threatened=threat.threatened,
        location=threat.location,
        timing=threat.timing,
        details=threat.details,
        at=at,
    )
    for delivery in Delivery.objects.filter(report=report).select_related("recipient__user"):
        at += ACKNOWLEDGED_EVERY
        dissemination.acknowledge_report(
            acting_user=delivery.recipient.user, report_id=report.pk, at=at
        )
    return at
