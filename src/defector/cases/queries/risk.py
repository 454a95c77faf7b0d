"""The political-risk determinations (7a): those in force, and for display."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from defector.cases.choices import (
    CONTEMPLATED_ACTIONS,
    ObligationStatus,
    RiskLevel,
    RiskSubject,
    Stage,
)
from defector.cases.models import Case, Obligation, PoliticalRiskDetermination
from defector.core.access import Action, can, principal_for, remember, remembered, restrict
from defector.core.users import AnyUser
from defector.directory.choices import Role
from defector.directory.models import Official, Post
from defector.policy import Decision
from defector.policy.obligations import ObligationId


def risk_in_force(case: Case, subject: str) -> PoliticalRiskDetermination | None:
    """The case's ``7a`` determination in force on ``subject`` (the case, or an action)."""
    return remembered(
        ("cases.risk_in_force", case.pk, str(subject)),
        PoliticalRiskDetermination.objects.filter(
            case=case, subject=subject, superseded_at__isnull=True
        )
        .select_related("determined_by__user")
        .first,
    )


def governing_risk(case: Case, action_kind: str) -> PoliticalRiskDetermination | None:
    """The determination that governs a contemplated action: the one on that action, else
    the one on the case as a whole."""
    if action_kind not in CONTEMPLATED_ACTIONS:
        raise ValueError(f"not a contemplated action: {action_kind!r}")
    return risk_in_force(case, action_kind) or risk_in_force(case, RiskSubject.CASE)


def _level(determination: PoliticalRiskDetermination) -> str:
    return str(RiskLevel(determination.level).label).lower()


def political_risk_determined(case: Case) -> Decision:
    """Allowed when the Senior US Representative's ``7a`` determination for the case exists."""
    found = risk_in_force(case, RiskSubject.CASE)
    if found is None:
        return risk_decision(None, None)
    return risk_decision(found.level, found.determined_at)


def risk_decision(level: str | None, determined_at: dt.datetime | None) -> Decision:
    """:func:`political_risk_determined` from the level and time of the determination in
    force on the case (``None``: none is)."""
    if level is None or determined_at is None:
        return Decision.deny(
            "7a", reason="the Senior US Representative has not determined the political risk"
        )
    return Decision.allow(
        "7a",
        reason=f"the political risk of the case was determined "
        f"{str(RiskLevel(level).label).lower()} on {determined_at:%d %b %Y}",
    )


def political_risk_determined_for(case: Case, action_kind: str) -> Decision:
    """Allowed when a ``7a`` determination governs the contemplated action ``action_kind``
    (inducement, exfiltration, publicity): one on that action, or one on the case."""
    found = governing_risk(case, action_kind)
    if found is None:
        return Decision.deny(
            "7a",
            reason=f"the Senior US Representative has not determined the political risk of "
            f"{action_kind}, nor of the case",
        )
    on = action_kind if found.subject == action_kind else "the case"
    return Decision.allow("7a", reason=f"the political risk of {on} was determined {_level(found)}")


def may_determine_risk(user: AnyUser, case: Case) -> bool:
    """Whether ``user`` is the Senior US Representative of the case's post (``7a``) and may
    change the case."""
    return case.post_id in principal_for(user).posts_with(Role.SENIOR_REPRESENTATIVE) and can(
        user, Action.CHANGE, case
    )


def political_risk_determinations(user: AnyUser, post: Post) -> list[PoliticalRiskDetermination]:
    """The ``7a`` determinations in force on the post's open cases that ``user`` may see,
    newest first. Each reads as ``CRYPTONYM: subject, level risk`` and links to its case."""
    return list(
        restrict(
            user,
            Action.VIEW,
            PoliticalRiskDetermination.objects.filter(
                case__post=post, superseded_at__isnull=True
            ).exclude(case__stage=Stage.CLOSED),
        )
        .select_related("case", "determined_by__user")
        .order_by("-determined_at", "-pk")
    )


@dataclass(frozen=True, slots=True)
class Awaiting:
    """A case of the post awaiting the senior representative's ``7a`` determination."""

    case_id: int
    cryptonym: str
    due_at: dt.datetime | None
    overdue: bool

    def __str__(self) -> str:
        if self.due_at is None:
            return f"{self.cryptonym}: awaiting the determination"
        due = timezone.localtime(self.due_at, dt.UTC).strftime("%-d %b %Y")
        late = " (overdue)" if self.overdue else ""
        return f"{self.cryptonym}: determination due {due}{late}"

    def get_absolute_url(self) -> str:
        return reverse("cases:tab", args=[self.case_id, "political-risk"])


def awaiting_political_risk_determination(
    user: AnyUser, post: Post | Iterable[Post], *, now: dt.datetime | None = None
) -> list[Awaiting]:
    """The post's open cases that ``user`` may see whose ``7a`` determination is an open
    obligation and none is in force, soonest due first; of several posts, by post code, then
    soonest due first (two queries, whatever the posts)."""
    now = now or timezone.now()
    posts = [post] if isinstance(post, Post) else list(post)
    pending = Obligation.objects.filter(
        case=OuterRef("pk"),
        identifier=ObligationId.POLITICAL_RISK_DETERMINATION,
        status=ObligationStatus.OPEN,
    )
    determined = PoliticalRiskDetermination.objects.filter(
        case=OuterRef("pk"), subject=RiskSubject.CASE, superseded_at__isnull=True
    )
    cases = (
        restrict(user, Action.VIEW, Case.objects.filter(post__in=posts))
        .exclude(stage=Stage.CLOSED)
        .filter(Exists(pending))
        .exclude(Exists(determined))
    )
    dues = dict(
        Obligation.objects.filter(
            case__in=cases,
            identifier=ObligationId.POLITICAL_RISK_DETERMINATION,
            status=ObligationStatus.OPEN,
        ).values_list("case_id", "due_at")
    )
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    found = [
        (
            case.post.code,
            Awaiting(
                case_id=case.pk,
                cryptonym=case.cryptonym,
                due_at=dues.get(case.pk),
                overdue=(due := dues.get(case.pk)) is not None and due < now,
            ),
        )
        for case in cases.select_related("post")
    ]
    found.sort(key=lambda pair: (pair[0], pair[1].due_at or far, pair[1].cryptonym))
    return [item for _, item in found]


@dataclass(frozen=True, slots=True)
class Ref:
    id: int
    name: str


def _ref(official: Official | None) -> Ref | None:
    return Ref(official.pk, str(official)) if official is not None else None


@dataclass(frozen=True, slots=True)
class RiskView:
    """A ``7a`` determination as the page and the API show it."""

    id: int
    subject: str
    subject_label: str
    level: str
    level_label: str
    reasoning: str
    determined_at: dt.datetime
    determined_by: Ref | None
    in_force: bool
    superseded_at: dt.datetime | None
    supersedes_id: int | None


def _risk_view(row: PoliticalRiskDetermination) -> RiskView:
    return RiskView(
        id=row.pk,
        subject=row.subject,
        subject_label=str(RiskSubject(row.subject).label),
        level=row.level,
        level_label=str(RiskLevel(row.level).label),
        reasoning=row.reasoning,
        determined_at=row.determined_at,
        determined_by=_ref(row.determined_by),
        in_force=row.superseded_at is None,
        superseded_at=row.superseded_at,
        supersedes_id=row.supersedes_id,
    )


def risk_determinations_of(user: AnyUser, case: Case) -> list[RiskView]:
    """Every ``7a`` determination of the case, in force first (by subject), then the
    superseded ones, newest first."""
    rows = restrict(
        user,
        Action.VIEW,
        PoliticalRiskDetermination.objects.filter(case=case).select_related("determined_by__user"),
    )
    order = list(RiskSubject.values)
    found = list(rows)
    for subject in order:  # the gates' read of what is in force, on this page
        in_force = [r for r in found if r.subject == subject and r.superseded_at is None]
        remember(("cases.risk_in_force", case.pk, subject), in_force[0] if in_force else None)
    views = [_risk_view(row) for row in found]
    current = sorted((v for v in views if v.in_force), key=lambda v: order.index(v.subject))
    past = sorted(
        (v for v in views if not v.in_force), key=lambda v: (v.determined_at, v.id), reverse=True
    )
    return current + past


def political_risk_section(user: AnyUser, case: Case) -> Mapping[str, Any]:
    """What the ``7a`` section shows."""
    views = risk_determinations_of(user, case)
    return {
        "in_force": [v for v in views if v.in_force],
        "history": [v for v in views if not v.in_force],
        "may_determine": may_determine_risk(user, case) and case.stage != Stage.CLOSED,
    }
