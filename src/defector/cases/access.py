"""Who may see and work on case content (``6``, ``6d``, ``7``).

The case's post's committee (members and chair), its senior US representative, its assigned
case officers, invited representatives for the cases they are invited to, and in Washington
the IDC and the DCI's delegate; only those cleared at or above the case's sensitivity level
and for every one of its compartments. Administrators and auditors see no case content: a
forbid that beats every permit. A case's subject, assessments, obligations, timeline, notes,
bona fides, statement, tasks and determinations follow exactly the case's own rule.

A case moved to Washington (``in_washington``, ``cases.transfers``) is no longer seen by its
post (committee, senior representative, officers, invited representatives); the IDC holds it
(views, changes and reveals it), as a post's committee would. A proposed move is also seen by
the receiving side (``case_transfer``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ClassVar, Final

from django.db import connections, router
from django.db.models import BooleanField, Exists, Expression, F, Model, OuterRef, Q, QuerySet
from django.db.models.lookups import In

from defector.cases.models import Case
from defector.core.access import (
    NOTHING,
    Action,
    Principal,
    Rule,
    any_of,
    levels_up_to,
    one_row,
    register,
)

#: Who may do what with case content, at the case's post (post roles) or anywhere (others).
CASE_POST_ROLES: Final[dict[Action, tuple[str, ...]]] = {
    Action.VIEW: ("committee_member", "committee_chair", "senior_representative"),
    Action.CHANGE: ("committee_member", "committee_chair", "senior_representative"),
    # The chair and the assigned officers, who handle the person (6b(1), 6b(3)); the senior
    # US representative decides on political risk (7a) without the person's identity.
    Action.REVEAL: ("committee_chair",),
}
CASE_WASHINGTON_ROLES: Final[dict[Action, tuple[str, ...]]] = {
    Action.VIEW: ("idc_member", "dci_delegate"),
    Action.CHANGE: (),
    Action.REVEAL: (),
}
#: What the IDC may do with a case in Washington's custody (moved there, ``cases.transfers``),
#: besides viewing it as every case: it holds the case as a post's committee would.
CUSTODY_ACTIONS: Final = frozenset({Action.CHANGE, Action.REVEAL})
#: Assigned case officers may view, change and reveal their own cases.
CASE_ASSIGNED_ACTIONS: Final = frozenset({Action.VIEW, Action.CHANGE, Action.REVEAL})
#: Invited representatives may view the cases they are invited to.
CASE_INVITED_ACTIONS: Final = frozenset({Action.VIEW})


def _cases_of(through: type[Model], principal: Principal) -> QuerySet[Any, Any]:
    """The ids of the cases a link table (assigned officers, invited representatives) ties to
    the principal: a subquery, so that a case's list is not joined to its links (no row twice,
    nothing to de-duplicate)."""
    return through._default_manager.filter(official_id=principal.official_id).values("case_id")


class Assigned(Expression):
    """Whether the case at ``path`` (``"pk"``, ``"case__pk"``…) is one the link table of
    assigned officers ties to ``official_id``: the same cases as ``path IN (their links)``
    (:func:`_cases_of`), written so that PostgreSQL plans a list by the case's own indexes.

    PostgreSQL turns ``IN (links)`` into a semi-join and estimates its rows as if a case's
    officer and its post were independent: one row where an officer holds about half the
    post's cases (242 of 459), so a list sorts every one of them before its limit instead of
    walking ``cases_case_post_newest``. Here it reads ``(EXISTS (links of this case)) IS
    TRUE``: not pulled up into a join (a ``SubLink`` under ``IS TRUE``), estimated at half the
    rows, and run as PostgreSQL chooses for the number of cases it tests — the officer's links
    hashed once for a list, one probe of the link's index for one case. Elsewhere (SQLite,
    which plans ``IN`` by the links and the ``EXISTS`` worse for a list) the ``IN`` itself,
    but in a test of one case (``core.access.one_row``: a case's record, who may see a new
    case) the ``EXISTS`` on either database: SQLite builds the ``IN``'s list of every case of
    the officer's for each test (0.1 ms for 500 cases), where the ``EXISTS`` probes the case's
    link in the unique index of (case, official).
    An invited representative, invited to a few cases, keeps the semi-join (its estimate is
    near the truth). See docs/benchmarks.md, "The case-content access rule on PostgreSQL:
    the seventh session"."""

    conditional = True
    output_field = BooleanField()
    #: The form written: the database's (``None``), or ``"in"`` or ``"exists"`` on any (tests).
    form: ClassVar[str | None] = None

    def __init__(self, official_id: int | None, path: str = "pk") -> None:
        super().__init__()
        self.official_id, self.path = official_id, path
        self.test: Any = None  # the form written, once resolved in a query

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.official_id!r}, {self.path!r})"

    def get_source_expressions(self) -> list[Any]:
        return [] if self.test is None else [self.test]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.test = exprs[0] if exprs else None

    def resolve_expression(
        self,
        query: Any = None,
        allow_joins: bool = True,
        reuse: Any = None,
        summarize: bool = False,
        for_save: bool = False,
    ) -> Assigned:
        """Only the form the database reads is built and resolved (Django's resolution of a
        subquery is most of what the rule costs to compile), once: the lookup that holds the
        condition resolves it again as it compiles (``Lookup.process_lhs``)."""
        if self.test is not None:
            return self
        form = (
            self.form
            or _WRITTEN_AS.get()
            or (
                "exists"
                if one_row() or connections[router.db_for_read(Case)].vendor == "postgresql"
                else "in"
            )
        )
        through: type[Model] = Case.officers.through
        links = through._default_manager.filter(official_id=self.official_id)
        test = (
            Exists(links.filter(case_id=OuterRef(self.path)))
            if form == "exists"
            else In(F(self.path), links.values("case_id"))
        )
        resolved = self.copy()
        resolved.test = test.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return resolved

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.test)
        return (f"({sql}) IS TRUE" if isinstance(self.test, Exists) else sql), list(params)


#: The form :class:`Assigned` is written in within :func:`assigned_written_as`.
_WRITTEN_AS: ContextVar[str | None] = ContextVar("assigned_written_as", default=None)


@contextmanager
def assigned_written_as(form: str) -> Iterator[None]:
    """Within: the officers' grant written as ``form`` (``"in"`` or ``"exists"``) on either
    database, for a read that knows the plan it needs (the same cases either way). The case
    list's page of fifty on SQLite: the officer's links probed for each case the post's index
    walks, newest first, until fifty are found, rather than every link of the officer read
    into a list first (``cases.queries.lists``); a post's probe in its filters' choices
    (``cases.queries.list_choices``)."""
    if form not in {"in", "exists"}:
        raise ValueError(f"no such form: {form!r}")
    token = _WRITTEN_AS.set(form)
    try:
        yield
    finally:
        _WRITTEN_AS.reset(token)


def viewing_posts(principal: Principal) -> frozenset[int] | None:
    """The posts whose cases ``principal`` may view, at most, under :func:`case_content`
    (every case it may view is at one of them; not every one of them holds such a case):
    ``None`` for a reader of every post's cases (the IDC, the DCI's delegate). The posts where
    it holds a post role, is a case officer, or an invited representative."""
    if principal.is_administrator or principal.is_auditor or not principal.is_official:
        return frozenset()
    if any(role in principal.roles for role in CASE_WASHINGTON_ROLES[Action.VIEW]):
        return None
    return frozenset(
        principal.posts_with(
            *CASE_POST_ROLES[Action.VIEW], "case_officer", "invited_representative"
        )
    )


def case_content(prefix: str = "") -> Rule:
    """The rule for case content; ``prefix`` is the path from the model to its case
    (``""`` for the case itself, ``"case__"`` for a subject)."""

    def rule(principal: Principal, action: Action) -> Q | None:
        if principal.is_administrator or principal.is_auditor or not principal.is_official:
            return NOTHING  # forbid beats permit
        if action not in CASE_POST_ROLES:
            return NOTHING
        cleared = Q(**{f"{prefix}sensitivity__in": levels_up_to(principal.clearance_rank)})
        if any(role in principal.roles for role in CASE_WASHINGTON_ROLES[action]):
            return cleared  # Washington sees every post's cases it is cleared for
        grants: list[Q] = []
        if action in CUSTODY_ACTIONS and "idc_member" in principal.roles:
            grants.append(Q(**{f"{prefix}in_washington": True}))
        # A case moved to Washington is no longer its post's: the post's grants stop.
        at_post = Q(**{f"{prefix}in_washington": False})
        posts = principal.posts_with(*CASE_POST_ROLES[action])
        if posts:
            grants.append(Q(**{f"{prefix}post_id__in": sorted(posts)}) & at_post)
        if action in CASE_ASSIGNED_ACTIONS:
            officer_posts = principal.posts_with("case_officer")
            if officer_posts:
                grants.append(
                    Q(Assigned(principal.official_id, f"{prefix}pk"))
                    & Q(**{f"{prefix}post_id__in": sorted(officer_posts)})
                    & at_post
                )
        if action in CASE_INVITED_ACTIONS:
            invited_posts = principal.posts_with("invited_representative")
            if invited_posts:
                grants.append(
                    Q(
                        **{
                            f"{prefix}pk__in": _cases_of(Case.invited.through, principal),
                            f"{prefix}post_id__in": sorted(invited_posts),
                        }
                    )
                    & at_post
                )
        who = any_of(grants)
        return who & cleared if who is not None else NOTHING

    return rule


#: Every model of the app: the path to its case, and to the case's compartments.
CASE_CONTENT: Final[dict[str, tuple[str, str]]] = {
    "cases.case": ("", "compartments"),
    "cases.subject": ("case__", "case__compartments"),
    "cases.assessment": ("case__", "case__compartments"),
    "cases.obligation": ("case__", "case__compartments"),
    "cases.timelineentry": ("case__", "case__compartments"),
    "cases.casenote": ("case__", "case__compartments"),
    "cases.bonafidescheck": ("case__", "case__compartments"),
    "cases.bonafidesverdict": ("case__", "case__compartments"),
    "cases.voluntarystatement": ("case__", "case__compartments"),
    "cases.casetask": ("case__", "case__compartments"),
    "cases.politicalriskdetermination": ("case__", "case__compartments"),
    "cases.statusdetermination": ("case__", "case__compartments"),
    "cases.agencyposition": ("determination__case__", "determination__case__compartments"),
    "cases.refugeereferral": ("case__", "case__compartments"),
    "cases.recruitmentconsideration": ("case__", "case__compartments"),
    "cases.inducementplan": ("case__", "case__compartments"),
    "cases.inducementact": ("case__", "case__compartments"),
}
for _label, (_case, _compartments) in CASE_CONTENT.items():
    register(_label, case_content(_case), compartments=_compartments)


#: Who on the receiving side sees a move proposed to them: the receiving post's committee
#: and its senior US representative (in Washington, the IDC), cleared for the case.
RECEIVING_POST_ROLES: Final = ("committee_member", "committee_chair", "senior_representative")
_CASE_OF_TRANSFER: Final = case_content("case__")


def case_transfer(principal: Principal, action: Action) -> Q | None:
    """A move of a case: whoever may ``action`` the case, and — to view it — the receiving
    side, cleared for the case (the case itself stays hidden from them until they accept)."""
    base = _CASE_OF_TRANSFER(principal, action)
    if action != Action.VIEW or principal.is_administrator or principal.is_auditor:
        return base
    grants = [base] if base is not None else []
    posts = principal.posts_with(*RECEIVING_POST_ROLES)
    if posts:
        grants.append(
            Q(to_post_id__in=sorted(posts))
            & Q(case__sensitivity__in=levels_up_to(principal.clearance_rank))
        )
    if "idc_member" in principal.roles:
        grants.append(
            Q(to_post__isnull=True)
            & Q(case__sensitivity__in=levels_up_to(principal.clearance_rank))
        )
    return any_of(grants) if grants else NOTHING


register("cases.casetransfer", case_transfer, compartments="case__compartments")
