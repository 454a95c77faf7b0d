"""A case's obligations, with their clocks, as the page and the API show them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

from django.apps import apps
from django.db import router
from django.utils import timezone

from defector.cases import clocks
from defector.cases.choices import ObligationStatus
from defector.cases.models import Case, Obligation
from defector.cases.queries.case_row import (
    OBLIGATION_COLUMNS,
    obligation_rows_key,
    official,
    official_columns,
    official_ref,
)
from defector.cases.queries.common import OfficialRef, _ref, case_rows, officials_who_may_see
from defector.core.access import Action, decided, get_for, remembered
from defector.core.prepared import Param, Prepared, columns, instance
from defector.core.users import AnyUser
from defector.directory.models import Official
from defector.policy.citations import CLAUSES


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

    @property
    def evidence_kind(self) -> str:
        """The kind of record the evidence rests on, in words ("Voluntary statement")."""
        return record_kind(self.evidence_label)


#: The kinds of a case's own records that an obligation's evidence may name, in form order.
EVIDENCE_KINDS: Final = (
    "cases.casenote",
    "cases.bonafidescheck",
    "cases.bonafidesverdict",
    "cases.voluntarystatement",
    "cases.casetask",
    "cases.politicalriskdetermination",
    "cases.statusdetermination",
    "cases.refugeereferral",
    "cases.recruitmentconsideration",
    "cases.inducementplan",
    "cases.inducementact",
)


def record_kind(label: str) -> str:
    """A model label (``cases.casenote``) in words: its verbose name ("Case note")."""
    if not label:
        return ""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return "Record"
    return str(model._meta.verbose_name)[:1].upper() + str(model._meta.verbose_name)[1:]


def evidence_kinds() -> list[tuple[str, str]]:
    """``(label, words)`` of each kind of record an obligation's evidence may name."""
    return [(label, record_kind(label)) for label in EVIDENCE_KINDS]


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


def _row_view(row: dict[str, Any], now: dt.datetime) -> ObligationView:
    """An obligation of :data:`OBLIGATION_ROWS`'s ``row`` as :func:`_obligation_view` shows
    the obligation itself."""
    clause = row["clause"]
    status = row["status"]
    due_at = row["due_at"]
    owner = official_ref(row, "owner__")
    closer = official_ref(row, "closed_by__")
    return ObligationView(
        id=row["id"],
        identifier=row["identifier"],
        clause=clause,
        clause_title=CLAUSES[clause].title if clause in CLAUSES else "",
        title=row["title"],
        owner=OfficialRef(**owner) if owner is not None else None,
        status=status,
        status_label=ObligationStatus(status).label,
        arose_at=row["arose_at"],
        due_at=due_at,
        due_text=clocks.NO_CLOCK_DUE.get(row["identifier"], "no time set")
        if due_at is None
        else "",
        overdue=status == ObligationStatus.OPEN and due_at is not None and due_at < now,
        closed_at=row["closed_at"],
        closed_by=OfficialRef(**closer) if closer is not None else None,
        evidence=row["evidence"],
        evidence_label=row["evidence_label"],
        evidence_id=row["evidence_id"],
        note=row["note"],
    )


def obligations_of(
    user: AnyUser, case: Case, *, now: dt.datetime | None = None
) -> list[ObligationView]:
    """The case's obligations: open ones first (by due time, those without a clock last),
    then the rest, newest first, whether overdue at ``now`` (by default the time of the
    first call within a page's reading, else of this call). Once the case's sight is
    decided for ``user`` (the case page's reader), from the rows :data:`OBLIGATION_ROWS`
    reads, once per page, and made into views once per page for the same ``now`` (the
    threat banner's and the Overview's: :func:`obligation_views_key`)."""
    if decided(user, Action.VIEW, case):  # the case's own rule: all of its rows
        made = remembered(
            obligation_views_key(user, case.pk),
            lambda: _views_of_rows(user, case, now or timezone.now()),
        )
        if now is not None and now != made[0]:  # asked at another time than the page's
            made = _views_of_rows(user, case, now)
        return list(made[1])
    now = now or timezone.now()
    return _in_order([_obligation_view(row, now) for row in visible_obligations(user, case)])


def obligation_views_key(user: AnyUser, case_id: int) -> tuple[Any, ...]:
    """The key under which a page remembers the case's obligation views, with the time they
    were made at (:func:`obligations_of`)."""
    return ("cases.obligation_views", getattr(user, "pk", None), case_id)


def _views_of_rows(
    user: AnyUser, case: Case, now: dt.datetime
) -> tuple[dt.datetime, tuple[ObligationView, ...]]:
    """``now`` and the case's obligation views at ``now``, in order, from the page's rows."""
    rows = remembered(
        obligation_rows_key(user, case.pk), lambda: OBLIGATION_ROWS.rows(case=case.pk)
    )
    return now, tuple(_in_order([_row_view(row, now) for row in rows]))


def _in_order(views: list[ObligationView]) -> list[ObligationView]:
    """Open obligations first (by due time, those without a clock last), then the rest,
    newest first."""
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


#: The obligations of a case as :class:`ObligationView` shows them, with the names of their
#: owners and of who closed them (``str(official)``): for a case whose sight is decided (their
#: rule is the case's own). The case page's and the case read's (``record``).
OBLIGATION_ROWS: Final = Prepared(
    lambda: Obligation.objects.filter(case_id=Param("case")).values(*OBLIGATION_COLUMNS)
)


#: The obligations of a case, with their owners and who closed them (officials and users), as
#: ``select_related("owner__user", "closed_by__user")`` reads them: for a case whose sight is
#: decided (their rule is the case's own).
_OBLIGATIONS: Final = Prepared(
    lambda: (
        Obligation.objects.filter(case_id=Param("case"))
        .order_by("arose_at", "pk")
        .values(
            *columns(Obligation),
            *official_columns("owner__"),
            *official_columns("closed_by__"),
        )
    )
)


def _obligation(row: dict[str, Any], alias: str, known: dict[Any, Official]) -> Obligation:
    """An obligation of :data:`_OBLIGATIONS`'s ``row``, its officials in place (each official
    made once for the read: ``known``)."""
    obligation: Obligation = instance(Obligation, row, "", alias)
    fields = Obligation._meta
    fields.get_field("owner").set_cached_value(obligation, official(row, "owner__", alias, known))
    fields.get_field("closed_by").set_cached_value(
        obligation, official(row, "closed_by__", alias, known)
    )
    return obligation


def visible_obligations(user: AnyUser, case: Case) -> list[Obligation]:
    """The case's obligations ``user`` may see, as rows (with their owners, and the case):
    read once per page, for the obligations' section and any other section or banner that
    looks at them."""

    def read() -> list[Obligation]:
        if decided(user, Action.VIEW, case):  # the case's own rule: all of its rows
            alias = router.db_for_read(Obligation)
            known: dict[Any, Official] = {}
            rows = [_obligation(row, alias, known) for row in _OBLIGATIONS.rows(case=case.pk)]
        else:
            rows = list(
                case_rows(
                    user,
                    Action.VIEW,
                    Obligation.objects.select_related("owner__user", "closed_by__user"),
                    case,
                )
            )
        for row in rows:
            row.case = case
        return rows

    return remembered(("cases.visible_obligations", getattr(user, "pk", None), case.pk), read)


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
    return [_ref(o) for o in officials_who_may_see(case)]
