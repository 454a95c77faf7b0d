"""Reads of the cases app for display, with access control applied (``core.access``).

The case list of the web page and of the API are the same query with the same filters
(:class:`CaseFilters`, parsed from either by :func:`parse_case_filters`); the case page and
``GET /cases/{id}`` share :func:`describe`, :func:`latest_assessment`, :func:`obligations_of`
and :func:`timeline_of`. Nothing here opens a sealed value: a subject's identity is shown
only as recorded or not.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from defector.cases import clocks, lifecycle, search
from defector.cases.choices import (
    DEFAULT_SENSITIVITY,
    IDENTITY_FIELDS,
    INTAKE_CLAUSE,
    OPENING_ROLES,
    WAIVING_ROLES,
    CaseOutcome,
    IntakeKind,
    ObligationStatus,
    Stage,
)
from defector.cases.models import Assessment, Case, CaseNote, Obligation, Subject, TimelineEntry
from defector.core.access import (
    Action,
    Principal,
    can,
    get_for,
    levels_up_to,
    principal_for,
    restrict,
)
from defector.core.errors import InvalidInput
from defector.directory.models import Compartment, Official, Post
from defector.policy.citations import CLAUSES
from defector.policy.definitions import CATEGORY_CLAUSE, Category
from defector.policy.obligations import OBLIGATIONS_BY_ID, ObligationId

AnyUser = User | AnonymousUser

#: The longest text filter accepted on cryptonyms, and on a note search.
MAX_QUERY_LENGTH: Final = 40
MAX_SEARCH_LENGTH: Final = 200
#: How many notes a search returns at most.
SEARCH_LIMIT: Final = 50

YES: Final = frozenset({"1", "true", "yes", "on"})
NO: Final = frozenset({"0", "false", "no", "off"})


# --- the case list ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseFilters:
    """The filters of the case list, shared by the page and the API."""

    post: int | None = None
    stage: str = ""
    #: A category of the latest assessment (``defector``, ``walk_in``, …).
    category: str = ""
    #: Only cases with (True) or without (False) an overdue obligation; None: either.
    overdue: bool | None = None
    #: Only cases this official (id) is assigned to.
    officer: int | None = None
    kind: str = ""
    #: Text the cryptonym contains (case-insensitive).
    q: str = ""

    @property
    def active(self) -> bool:
        return self != CaseFilters()


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def parse_case_filters(data: Mapping[str, Any]) -> CaseFilters:
    """The filters in ``data`` (a page's query string or the API's), or :class:`InvalidInput`
    naming every bad one. Empty values mean "any"."""
    errors: list[dict[str, str]] = []

    def text(name: str) -> str:
        value = data.get(name)
        if value is None:
            return ""
        if isinstance(value, bool | int):
            return str(value).lower()
        return str(value).strip()

    post = None
    if text("post"):
        post = _as_int(text("post"))
        if post is None:
            errors.append({"field": "post", "message": "must be a post's id"})
    stage = text("stage")
    if stage and stage not in Stage.values:
        errors.append({"field": "stage", "message": f"must be one of {', '.join(Stage.values)}"})
    category = text("category")
    if category and category not in {c.value for c in Category}:
        known = ", ".join(c.value for c in Category)
        errors.append({"field": "category", "message": f"must be one of {known}"})
    overdue: bool | None = None
    raw = text("overdue").lower()
    if raw in YES:
        overdue = True
    elif raw in NO:
        overdue = False
    elif raw:
        errors.append({"field": "overdue", "message": "must be true or false"})
    officer = None
    if text("officer"):
        officer = _as_int(text("officer"))
        if officer is None:
            errors.append({"field": "officer", "message": "must be an official's id"})
    kind = text("kind")
    if kind and kind not in IntakeKind.values:
        errors.append(
            {"field": "kind", "message": f"must be one of {', '.join(IntakeKind.values)}"}
        )
    q = text("q")
    if len(q) > MAX_QUERY_LENGTH:
        errors.append({"field": "q", "message": f"must be at most {MAX_QUERY_LENGTH} characters"})
    if errors:
        raise InvalidInput(errors)
    return CaseFilters(
        post=post,
        stage=stage,
        category=category,
        overdue=overdue,
        officer=officer,
        kind=kind,
        q=q,
    )


def overdue_obligations(now: dt.datetime) -> QuerySet[Obligation]:
    return Obligation.objects.filter(status=ObligationStatus.OPEN, due_at__lt=now)


def _count(queryset: QuerySet[Obligation]) -> Coalesce:
    counted = (
        queryset.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(number=Count("pk"))
        .values("number")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def cases_for(
    user: AnyUser, filters: CaseFilters | None = None, *, now: dt.datetime | None = None
) -> QuerySet[Case]:
    """The cases ``user`` may see, newest first, narrowed by ``filters``; each with
    ``open_count`` and ``overdue_count`` (its open and overdue obligations at ``now``)."""
    filters = filters or CaseFilters()
    now = now or timezone.now()
    cases = restrict(user, Action.VIEW, Case.objects.select_related("post"))
    if filters.post is not None:
        cases = cases.filter(post_id=filters.post)
    if filters.stage:
        cases = cases.filter(stage=filters.stage)
    if filters.category:
        # The JSON list's text holds each category in quotes: "defector" never matches
        # "potential_defector". Works the same on SQLite and PostgreSQL.
        cases = cases.filter(categories__icontains=f'"{filters.category}"')
    overdue = overdue_obligations(now)
    if filters.overdue is True:
        cases = cases.filter(Exists(overdue.filter(case=OuterRef("pk"))))
    elif filters.overdue is False:
        cases = cases.exclude(Exists(overdue.filter(case=OuterRef("pk"))))
    if filters.officer is not None:
        cases = cases.filter(
            pk__in=Case.officers.through.objects.filter(official_id=filters.officer).values(
                "case_id"
            )
        )
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    text = filters.q.strip()[:MAX_QUERY_LENGTH]
    if text:
        cases = cases.filter(cryptonym__icontains=text)
    return cases.annotate(
        open_count=_count(Obligation.objects.filter(status=ObligationStatus.OPEN)),
        overdue_count=_count(overdue),
    ).order_by("-opened_at", "-pk")


def posts_with_cases(user: AnyUser) -> QuerySet[Post]:
    """The posts of the cases ``user`` may see (the choices of the list's post filter)."""
    return Post.objects.filter(pk__in=cases_for(user).values("post_id")).order_by("name")


def officers_with_cases(user: AnyUser) -> QuerySet[Official]:
    """The officers assigned to cases ``user`` may see (the list's officer filter)."""
    visible = cases_for(user).values("pk")
    return (
        Official.objects.filter(assigned_cases__in=visible)
        .select_related("user")
        .distinct()
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def access_case(user: AnyUser, case_id: int | str, action: Action | str) -> Case:
    """The case ``case_id`` if ``user`` may ``action`` it, else
    :class:`~defector.core.errors.NotFound` (for a denied case exactly as for a missing one)."""
    queryset = Case.objects.select_related(
        "post", "opened_by__user", "changed_by__user"
    ).prefetch_related("compartments", "officers__user")
    return get_for(user, action, queryset, case_id, what="case")


def case_detail(user: AnyUser, case_id: int) -> Case:
    """One case ``user`` may see, or :class:`~defector.core.errors.NotFound` (also if denied)."""
    return access_case(user, case_id, Action.VIEW)


def can_reveal(user: AnyUser, case: Case) -> bool:
    """Whether ``user`` may reveal the sealed fields of this case's subject."""
    return can(user, Action.REVEAL, case)


def can_change(user: AnyUser, case: Case) -> bool:
    """Whether ``user`` may change this case (facts, stage, obligations, notes)."""
    return can(user, Action.CHANGE, case)


def can_waive(user: AnyUser, case: Case) -> bool:
    return case.post_id in principal_for(user).posts_with(*WAIVING_ROLES) and can_change(user, case)


# --- what a user may open a case with ---------------------------------------------------------


def may_open_at(principal: Principal) -> set[int]:
    """The posts where this principal may open cases (``6b(1)``): where they hold one of
    :data:`~defector.cases.choices.OPENING_ROLES`."""
    return principal.posts_with(*OPENING_ROLES)


def posts_for_intake(user: AnyUser) -> QuerySet[Post]:
    """The active posts where ``user`` may open cases (``6b(1)``)."""
    return Post.objects.filter(pk__in=sorted(may_open_at(principal_for(user))), active=True)


def can_open_cases(user: AnyUser) -> bool:
    return posts_for_intake(user).exists()


def sensitivities_for(user: AnyUser) -> tuple[str, ...]:
    """The sensitivity levels ``user`` may give a case: up to their clearance."""
    return levels_up_to(principal_for(user).clearance_rank)


def compartments_held(user: AnyUser) -> QuerySet[Compartment]:
    """The compartments ``user`` is read into (the only ones they may give a case)."""
    return Compartment.objects.filter(code__in=sorted(principal_for(user).compartments))


def default_post(user: AnyUser) -> Post | None:
    """The post an intake defaults to: the user's own post if they may open cases there,
    else the only post where they may."""
    principal = principal_for(user)
    posts = list(posts_for_intake(user))
    for post in posts:
        if post.pk == principal.post_id:
            return post
    return posts[0] if len(posts) == 1 else None


def default_sensitivity(user: AnyUser) -> str:
    """``SECRET`` (:data:`~defector.cases.choices.DEFAULT_SENSITIVITY`), or the user's
    clearance when that is lower; empty when they hold none."""
    allowed = sensitivities_for(user)
    if not allowed:
        return ""
    return DEFAULT_SENSITIVITY if DEFAULT_SENSITIVITY in allowed else allowed[-1]


# --- one case as the page and the API show it -------------------------------------------------


@dataclass(frozen=True, slots=True)
class OfficialRef:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class IdentityRow:
    """A sealed field of the subject: its name, its label, and whether anything is recorded."""

    field: str
    label: str
    recorded: bool


@dataclass(frozen=True, slots=True)
class StageChoice:
    """A stage the case may move to next, with the clauses that justify it."""

    stage: str
    label: str
    clauses: tuple[str, ...]
    reason: str
    needs_reason: bool


@dataclass(frozen=True, slots=True)
class OutcomeChoice:
    outcome: str
    label: str
    clauses: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CaseView:
    """A case as its page and ``GET /cases/{id}`` show it: cryptonym, never a name."""

    id: int
    cryptonym: str
    kind: str
    kind_label: str
    #: The clause that defines the kind of person taken in (``2e``, ``2c``, ``2d``).
    kind_clause: str
    post: Post
    sensitivity: str
    compartments: list[str]
    officers: list[OfficialRef]
    opened_at: dt.datetime
    opened_by: OfficialRef | None
    version: int
    identity: list[IdentityRow]
    can_reveal: bool
    received_at: dt.datetime = field(default_factory=timezone.now)
    received_where: str = ""
    request_other: str = ""
    stage: str = Stage.RECEPTION
    stage_label: str = ""
    outcome: str = ""
    outcome_label: str = ""
    categories: list[str] = field(default_factory=list)
    changed_at: dt.datetime | None = None
    changed_by: OfficialRef | None = None
    can_change: bool = False
    can_waive: bool = False
    next_stages: list[StageChoice] = field(default_factory=list)
    closing_outcomes: list[OutcomeChoice] = field(default_factory=list)

    @property
    def recorded_identity(self) -> list[IdentityRow]:
        return [row for row in self.identity if row.recorded]

    @property
    def closed(self) -> bool:
        return self.stage == Stage.CLOSED

    @property
    def category_labels(self) -> list[str]:
        return [category.replace("_", " ") for category in self.categories]


def _ref(official: Official) -> OfficialRef:
    return OfficialRef(id=official.pk, name=str(official))


def identity_of(case: Case) -> list[IdentityRow]:
    """The subject's sealed fields, each only as recorded or not."""
    subject = Subject.objects.filter(case=case).first()
    return [
        IdentityRow(
            field=name,
            label=label,
            recorded=subject is not None and getattr(subject, name) is not None,
        )
        for name, label in IDENTITY_FIELDS.items()
    ]


def next_stages(case: Case) -> list[StageChoice]:
    """The stages the case may move to, with their clauses (closing: see the outcomes)."""
    choices = []
    for target in lifecycle.next_stages(case.stage):
        move = lifecycle.transition(case.stage, target)
        choices.append(
            StageChoice(
                stage=target,
                label="Reopen" if case.stage == Stage.CLOSED else Stage(target).label,
                clauses=move.clauses if move else (),
                reason=move.reason if move else "close the case with its outcome",
                needs_reason=move.needs_reason if move else False,
            )
        )
    return choices


def closing_outcomes(case: Case) -> list[OutcomeChoice]:
    return [
        OutcomeChoice(e.outcome, CaseOutcome(e.outcome).label, e.clauses)
        for e in lifecycle.endings_from(case.stage)
    ]


def describe(user: AnyUser, case: Case) -> CaseView:
    """The view of a case (from :func:`case_detail`) for ``user``."""
    changeable = can_change(user, case)
    return CaseView(
        id=case.pk,
        cryptonym=case.cryptonym,
        kind=case.kind,
        kind_label=IntakeKind(case.kind).label,
        kind_clause=INTAKE_CLAUSE[case.kind],
        post=case.post,
        sensitivity=case.sensitivity,
        compartments=sorted(c.code for c in case.compartments.all()),
        officers=[_ref(official) for official in case.officers.all()],
        opened_at=case.opened_at,
        opened_by=_ref(case.opened_by) if case.opened_by is not None else None,
        version=case.version,
        identity=identity_of(case),
        can_reveal=can_reveal(user, case),
        received_at=case.received_at,
        received_where=case.received_where,
        request_other=case.request_other,
        stage=case.stage,
        stage_label=Stage(case.stage).label,
        outcome=case.outcome,
        outcome_label=CaseOutcome(case.outcome).label if case.outcome else "",
        categories=list(case.categories or []),
        changed_at=case.changed_at,
        changed_by=_ref(case.changed_by) if case.changed_by is not None else None,
        can_change=changeable,
        can_waive=can_waive(user, case) if changeable else False,
        next_stages=next_stages(case) if changeable else [],
        closing_outcomes=closing_outcomes(case) if changeable else [],
    )


# --- assessments ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cited:
    """Something an assessment lists, with the clause that decides it."""

    identifier: str
    label: str
    clause: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class FindingRow:
    clause: str
    title: str
    holds: bool
    because: str


@dataclass(frozen=True, slots=True)
class OutcomeHeader:
    """What ``web/includes/outcome.html`` reads from ``outcome``."""

    directive: str
    effective: dt.date
    in_force: bool
    covered: bool
    applies: bool
    policy_version: str


@dataclass(frozen=True, slots=True)
class FactsHeader:
    as_of: dt.date


@dataclass(frozen=True, slots=True)
class AssessmentView:
    """One stored assessment, shaped for the Assess page's outcome block (reused on the case
    page) and for the API."""

    id: int
    number: int
    assessed_at: dt.datetime
    assessed_by: OfficialRef | None
    policy_version: str
    facts_data: dict[str, Any]
    outcome_data: dict[str, Any]
    outcome: OutcomeHeader
    facts: FactsHeader
    categories: list[Cited]
    obligations: list[Cited]
    findings: list[FindingRow]
    #: Every clause the assessment cites, with its text, in the directive's order.
    clauses: list[Any]

    @property
    def outcome_json(self) -> str:
        return json.dumps(self.outcome_data, indent=2, ensure_ascii=False)

    @property
    def facts_json(self) -> str:
        return json.dumps(self.facts_data, indent=2, ensure_ascii=False)

    @property
    def category_names(self) -> list[str]:
        return [c.identifier for c in self.categories]

    def template_context(self) -> dict[str, Any]:
        """The names ``web/includes/outcome.html`` expects."""
        return {
            "outcome": self.outcome,
            "facts": self.facts,
            "categories": self.categories,
            "obligations": self.obligations,
            "findings": self.findings,
            "outcome_json": self.outcome_json,
            "facts_json": self.facts_json,
        }


def _assessment_view(assessment: Assessment) -> AssessmentView:
    data = assessment.outcome
    categories = [
        Cited(c, CLAUSES[CATEGORY_CLAUSE[Category(c)]].title, CATEGORY_CLAUSE[Category(c)])
        for c in data.get("categories", [])
        if c in {x.value for x in Category}
    ]
    rules = [
        OBLIGATIONS_BY_ID[ObligationId(o)]
        for o in data.get("obligations", [])
        if o in {x.value for x in ObligationId}
    ]
    obligations = [Cited(str(r.identifier), r.title, r.clause, r.when) for r in rules]
    findings = [
        FindingRow(f["clause"], CLAUSES[f["clause"]].title, f["holds"], f["because"])
        for f in data.get("findings", [])
        if f.get("clause") in CLAUSES
    ]
    cited = {c.clause for c in categories} | {o.clause for o in obligations}
    cited |= {f.clause for f in findings}
    return AssessmentView(
        id=assessment.pk,
        number=assessment.number,
        assessed_at=assessment.assessed_at,
        assessed_by=_ref(assessment.assessed_by) if assessment.assessed_by else None,
        policy_version=assessment.policy_version,
        facts_data=assessment.facts,
        outcome_data=data,
        outcome=OutcomeHeader(
            directive=data.get("directive", ""),
            effective=dt.date.fromisoformat(data.get("effective", "1976-05-18")),
            in_force=bool(data.get("in_force")),
            covered=bool(data.get("covered")),
            applies=bool(data.get("applies")),
            policy_version=assessment.policy_version,
        ),
        facts=FactsHeader(as_of=dt.date.fromisoformat(assessment.facts["as_of"])),
        categories=categories,
        obligations=obligations,
        findings=findings,
        clauses=[clause for key, clause in CLAUSES.items() if key in cited],
    )


def _assessments(user: AnyUser, case: Case) -> QuerySet[Assessment]:
    return restrict(
        user, Action.VIEW, Assessment.objects.filter(case=case).select_related("assessed_by__user")
    )


def latest_assessment(user: AnyUser, case: Case) -> AssessmentView | None:
    """The case's latest assessment, or ``None`` when no facts were given yet."""
    found = _assessments(user, case).order_by("-number").first()
    return _assessment_view(found) if found is not None else None


def assessments_of(user: AnyUser, case: Case) -> list[AssessmentView]:
    """Every assessment of the case, newest first."""
    return [_assessment_view(a) for a in _assessments(user, case).order_by("-number")]


def facts_of(user: AnyUser, case: Case) -> dict[str, Any] | None:
    """The facts of the latest assessment (the facts form starts from them)."""
    found = _assessments(user, case).order_by("-number").values_list("facts", flat=True).first()
    return dict(found) if found is not None else None


# --- obligations ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ObligationView:
    """One obligation of a case as work: who, by when, where it stands, and on what evidence."""

    id: int
    identifier: str
    clause: str
    clause_title: str
    title: str
    owner: OfficialRef | None
    status: str
    status_label: str
    arose_at: dt.datetime
    due_at: dt.datetime | None
    #: How the due time reads when there is no clock ("before status is granted").
    due_text: str
    overdue: bool
    closed_at: dt.datetime | None
    closed_by: OfficialRef | None
    evidence: str
    evidence_label: str
    evidence_id: str
    note: str

    @property
    def is_open(self) -> bool:
        return self.status == ObligationStatus.OPEN


def _obligation_view(obligation: Obligation, now: dt.datetime) -> ObligationView:
    due_text = ""
    if obligation.due_at is None:
        due_text = clocks.NO_CLOCK_DUE.get(obligation.identifier, "no time set")
    return ObligationView(
        id=obligation.pk,
        identifier=obligation.identifier,
        clause=obligation.clause,
        clause_title=CLAUSES[obligation.clause].title if obligation.clause in CLAUSES else "",
        title=obligation.title,
        owner=_ref(obligation.owner) if obligation.owner is not None else None,
        status=obligation.status,
        status_label=ObligationStatus(obligation.status).label,
        arose_at=obligation.arose_at,
        due_at=obligation.due_at,
        due_text=due_text,
        overdue=obligation.is_overdue(now),
        closed_at=obligation.closed_at,
        closed_by=_ref(obligation.closed_by) if obligation.closed_by is not None else None,
        evidence=obligation.evidence,
        evidence_label=obligation.evidence_label,
        evidence_id=obligation.evidence_id,
        note=obligation.note,
    )


def obligations_of(
    user: AnyUser, case: Case, *, now: dt.datetime | None = None
) -> list[ObligationView]:
    """The case's obligations: open ones first (by due time, those without a clock last),
    then the rest, newest first."""
    now = now or timezone.now()
    rows = restrict(
        user,
        Action.VIEW,
        Obligation.objects.filter(case=case).select_related("owner__user", "closed_by__user"),
    )
    views = [_obligation_view(row, now) for row in rows]
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    open_ = sorted(
        (v for v in views if v.is_open), key=lambda v: (v.due_at or far, v.arose_at, v.id)
    )
    rest = sorted(
        (v for v in views if not v.is_open),
        key=lambda v: (v.closed_at or v.arose_at, v.id),
        reverse=True,
    )
    return open_ + rest


def obligation_of(user: AnyUser, case: Case, obligation_id: int) -> ObligationView:
    """One obligation of the case, or :class:`~defector.core.errors.NotFound`."""
    row = get_for(
        user,
        Action.VIEW,
        Obligation.objects.filter(case=case).select_related("owner__user", "closed_by__user"),
        obligation_id,
        what="obligation",
    )
    return _obligation_view(row, timezone.now())


def owners_for(case: Case) -> list[OfficialRef]:
    """The officials an obligation of the case may be given to: those of its post (or
    assigned to it) who may see it."""
    candidates = (
        Official.objects.filter(Q(roles__post=case.post) | Q(assigned_cases=case))
        .filter(user__is_active=True)
        .select_related("user")
        .distinct()
    )
    return [_ref(o) for o in candidates if can(o.user, Action.VIEW, case)]


# --- the timeline and notes ----------------------------------------------------------------------


def timeline_of(user: AnyUser, case: Case) -> QuerySet[TimelineEntry]:
    """Everything that happened on the case, oldest first."""
    return restrict(user, Action.VIEW, TimelineEntry.objects.filter(case=case)).order_by("at", "pk")


def notes_of(user: AnyUser, case: Case) -> QuerySet[CaseNote]:
    """The case's notes, newest first."""
    return (
        restrict(user, Action.VIEW, CaseNote.objects.filter(case=case))
        .select_related("author__user")
        .order_by("-at", "-pk")
    )


@dataclass(frozen=True, slots=True)
class NoteHit:
    """A note that matches a search, with its case and rank (higher is better)."""

    note: CaseNote
    rank: float

    @property
    def case(self) -> Case:
        return self.note.case


def search_notes(user: AnyUser, text: str, *, limit: int = SEARCH_LIMIT) -> list[NoteHit]:
    """The notes ``user`` may see that contain every word of ``text`` (case-insensitive,
    related word forms included), best first (``cases.search``)."""
    stripped = (text or "").strip()
    if len(stripped) > MAX_SEARCH_LENGTH:
        raise InvalidInput(
            [{"field": "q", "message": f"must be at most {MAX_SEARCH_LENGTH} characters"}]
        )
    if not search.words(stripped):
        return []
    visible = restrict(
        user, Action.VIEW, CaseNote.objects.select_related("case__post", "author__user")
    )
    return [NoteHit(note, rank) for note, rank in search.ranked(visible, stripped, limit)]


# For the committees app's senior-representative page (7a): the determinations and the cases
# awaiting one.
from defector.cases.queries_determination import (  # noqa: E402, F401
    awaiting_political_risk_determination,
    political_risk_determinations,
)
