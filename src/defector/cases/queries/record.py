"""One case's record as ``GET /cases/{id}`` answers it, in the answer's shape, from prepared
reads (``core.prepared``: each compiled once, then run as SQL with the request's values).

The case's row comes with what the answer names of its post, its officials and its subject's
identity (recorded or not: never a value), and with whether the caller may see, change and
reveal it: the access rule's compiled tests (``core.access.condition_for``) are that read's
conditions, so a case the caller may not see is not found, exactly as a missing one
(:class:`~defector.core.errors.NotFound`). Its compartments, officers, latest assessment,
obligations and timeline are then read without asking again: they are case content, whose
rule is the case's own (``cases.access.CASE_CONTENT``, as ``case_rows`` relies on).

On PostgreSQL the rows around the case (its officers, compartments, latest assessment,
obligations and timeline) are read in the case's own row, as JSON (``core.json_rows``, as the
case page's read, ``case_row``): one statement where there are five elsewhere.

The rows are those the page's queries read (``describe``, ``latest_assessment``,
``obligations_of``, ``timeline_of``), shaped as the schema ``CaseRecordOut`` lists them:
tests/cases/test_case_read_answer.py holds the answer to be byte for byte the one the
schema's validation of those views gives.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from django.db import router
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, Subquery
from django.utils import timezone

from defector.cases import clocks, lifecycle
from defector.cases.choices import IDENTITY_FIELDS, ObligationStatus
from defector.cases.models import Assessment, Case, Obligation, TimelineEntry
from defector.cases.queries.case_row import (
    OBLIGATION_COLUMNS,
    _rows_around_in_row,
    decided_case_row,
)
from defector.cases.queries.case_row import named_official as _official
from defector.cases.queries.case_row import official_ref as _ref
from defector.cases.queries.facts import categories_of, obligation_rules_of, power_rows_of
from defector.core.json_rows import JsonRows
from defector.core.prepared import Condition, Param, Prepared
from defector.core.users import AnyUser
from defector.directory.models import Compartment, Official

#: The latest assessment's columns, as the answer shows it (:func:`_assessment`).
_ASSESSMENT_COLUMNS: Final = (
    "number",
    "assessed_at",
    *_official("assessed_by__"),
    "policy_version",
    "facts",
    "outcome",
    "powers",
)
_TIMELINE_COLUMNS: Final = ("at", "actor_name", "kind", "summary", "object_label", "object_id")


def _case_read(**more: Any) -> Any:
    return (
        Case.objects.filter(pk=Param("case"))
        .filter(Condition("view"))
        .order_by()
        .values(
            "id",
            "cryptonym",
            "kind",
            "post__id",
            "post__code",
            "post__name",
            "sensitivity",
            "opened_at",
            *_official("opened_by__"),
            "version",
            "received_at",
            "received_where",
            "request_other",
            "stage",
            "outcome",
            "categories",
            "changed_at",
            *_official("changed_by__"),
            may_change=Condition("change"),
            may_reveal=Condition("reveal"),
            **{
                f"recorded_{name}": ExpressionWrapper(
                    Q(**{f"subject__{name}__isnull": False}), output_field=BooleanField()
                )
                for name in IDENTITY_FIELDS
            },
            **more,
        )
    )


_CASE: Final = Prepared(_case_read)
#: On PostgreSQL, the rows around the case in its own row, as JSON (``core.json_rows``): its
#: officers (in the officials' own order) and compartments (by code), its latest assessment,
#: obligations and timeline — one statement where there were five, each a round of its own
#: between the server and the client (as the case page's read, ``case_row``).
_JSON_OFFICERS: Final = JsonRows(
    Official.objects.filter(assigned_cases=OuterRef("pk")).values(*_official("")),
    order=("user__last_name", "user__first_name", "user__username", "id"),
)
_JSON_COMPARTMENTS: Final = JsonRows(
    Compartment.objects.filter(cases=OuterRef("pk")).values("code"), order=("code",)
)
_JSON_LATEST_ASSESSMENT: Final = JsonRows(
    Assessment.objects.filter(
        case_id=OuterRef("pk"),
        number=Subquery(
            Assessment.objects.filter(case_id=OuterRef(OuterRef("pk")))
            .order_by("-number")
            .values("number")[:1]
        ),
    ).values(*_ASSESSMENT_COLUMNS)
)
_JSON_OBLIGATIONS: Final = JsonRows(
    Obligation.objects.filter(case_id=OuterRef("pk")).values(*OBLIGATION_COLUMNS), order=("id",)
)
_JSON_TIMELINE: Final = JsonRows(
    TimelineEntry.objects.filter(case_id=OuterRef("pk")).values("id", *_TIMELINE_COLUMNS),
    order=("at", "id"),
)
_CASE_AND_ROWS_AROUND: Final = Prepared(
    lambda: _case_read(
        json_officers=_JSON_OFFICERS,
        json_compartments=_JSON_COMPARTMENTS,
        json_assessment=_JSON_LATEST_ASSESSMENT,
        json_obligations=_JSON_OBLIGATIONS,
        json_timeline=_JSON_TIMELINE,
    )
)
#: The case's officers (in the officials' own order, by name, as ``Case.officers`` reads them)
#: and its compartments, in one read: a row for each pair (a case has few of each).
_OFFICERS_AND_COMPARTMENTS: Final = Prepared(
    lambda: (
        Case.objects.filter(pk=Param("case"))
        .order_by(
            "officers__user__last_name",
            "officers__user__first_name",
            "officers__user__username",
            "compartments__code",
        )
        .values(*_official("officers__"), "compartments__code")
    )
)
_LATEST_ASSESSMENT: Final = Prepared(
    lambda: (
        Assessment.objects.filter(case_id=Param("case"))
        .order_by("-number")
        .values(*_ASSESSMENT_COLUMNS)[:1]
    )
)
#: The case's obligations, in no order (:func:`_obligations` puts them in the answer's, by
#: their own columns to the key): without the join to the case that ordering them as the
#: case lists do (``OBLIGATION_ROWS``) takes, and without its sort.
_OBLIGATIONS: Final = Prepared(
    lambda: Obligation.objects.filter(case_id=Param("case")).order_by().values(*OBLIGATION_COLUMNS)
)
_TIMELINE: Final = Prepared(
    lambda: (
        TimelineEntry.objects.filter(case_id=Param("case"))
        .order_by("at", "pk")
        .values(*_TIMELINE_COLUMNS)
    )
)


def case_record(
    user: AnyUser, case_id: int | str, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """The case ``case_id`` as ``GET /cases/{id}`` answers it (``CaseRecordOut``), or
    :class:`~defector.core.errors.NotFound` when ``user`` may not see it (as when missing)."""
    if _rows_around_in_row(router.db_for_read(Case)):
        pk, row = decided_case_row(user, _CASE_AND_ROWS_AROUND, case_id)
        officers = [_ref(r, "") for r in _JSON_OFFICERS.rows(row["json_officers"])]
        compartments = {r["code"] for r in _JSON_COMPARTMENTS.rows(row["json_compartments"])}
        latest = _JSON_LATEST_ASSESSMENT.rows(row["json_assessment"])
        assessment = latest[0] if latest else None
        obligations = _JSON_OBLIGATIONS.rows(row["json_obligations"])
        timeline = _JSON_TIMELINE.rows(row["json_timeline"])
    else:
        pk, row = decided_case_row(user, _CASE, case_id)
        pairs = _OFFICERS_AND_COMPARTMENTS.rows(case=pk)
        officers = list(
            {
                p["officers__id"]: _ref(p, "officers__")
                for p in pairs
                if p["officers__id"] is not None
            }.values()
        )
        compartments = {p["compartments__code"] for p in pairs}
        assessment = _LATEST_ASSESSMENT.one(case=pk)
        obligations = _OBLIGATIONS.rows(case=pk)
        timeline = _TIMELINE.rows(case=pk)
    changeable = bool(row["may_change"])
    return {
        "id": row["id"],
        "cryptonym": row["cryptonym"],
        "kind": row["kind"],
        "post": {"id": row["post__id"], "code": row["post__code"], "name": row["post__name"]},
        "sensitivity": row["sensitivity"],
        "compartments": sorted(compartments - {None}),
        "officers": officers,
        "opened_at": row["opened_at"],
        "opened_by": _ref(row, "opened_by__"),
        "version": row["version"],
        "identity": [
            {"field": name, "label": label, "recorded": bool(row[f"recorded_{name}"])}
            for name, label in IDENTITY_FIELDS.items()
        ],
        "can_reveal": bool(row["may_reveal"]),
        "received_at": row["received_at"],
        "received_where": row["received_where"],
        "request_other": row["request_other"],
        "stage": row["stage"],
        "outcome": row["outcome"],
        "categories": list(row["categories"] or []),
        "changed_at": row["changed_at"],
        "changed_by": _ref(row, "changed_by__"),
        "can_change": changeable,
        "next_stages": list(lifecycle.next_stages(row["stage"])) if changeable else [],
        "latest_assessment": _assessment(assessment),
        "obligations": _obligations(obligations, now or timezone.now()),
        "timeline": [
            {
                "at": entry["at"],
                "actor": entry["actor_name"],
                "kind": entry["kind"],
                "summary": entry["summary"],
                "object_label": entry["object_label"],
                "object_id": entry["object_id"],
            }
            for entry in timeline
        ],
    }


def _assessment(row: dict[str, Any] | None) -> dict[str, Any] | None:
    """The latest assessment as the answer gives it (``AssessmentOut``)."""
    if row is None:
        return None
    outcome = row["outcome"]
    return {
        "number": row["number"],
        "assessed_at": row["assessed_at"],
        "assessed_by": _ref(row, "assessed_by__"),
        "policy_version": row["policy_version"],
        "facts": row["facts"],
        "applies": bool(outcome.get("applies")),
        "categories": categories_of(outcome),
        "obligations": [str(rule.identifier) for rule in obligation_rules_of(outcome)],
        "findings": [
            {"clause": f["clause"], "holds": f["holds"], "because": f["because"]}
            for f in outcome.get("findings", [])
        ],
        "powers": [
            {
                "fact": p.fact,
                "clause": p.clause,
                "holds": p.holds,
                "because": p.because,
                "records": p.records,
            }
            for p in power_rows_of(row["powers"])
        ],
    }


_FAR: Final = dt.datetime.max.replace(tzinfo=dt.UTC)


def _obligations(rows: list[dict[str, Any]], now: dt.datetime) -> list[dict[str, Any]]:
    """The obligations as the answer gives them (``ObligationOut``), in ``obligations_of``'s
    order: open ones first (by due time, those without a clock last), then the rest, newest
    first."""
    open_ = sorted(
        (r for r in rows if r["status"] == ObligationStatus.OPEN),
        key=lambda r: (r["due_at"] or _FAR, r["arose_at"], r["id"]),
    )
    rest = sorted(
        (r for r in rows if r["status"] != ObligationStatus.OPEN),
        key=lambda r: (r["closed_at"] or r["arose_at"], r["id"]),
        reverse=True,
    )
    return [
        {
            "id": r["id"],
            "identifier": r["identifier"],
            "clause": r["clause"],
            "title": r["title"],
            "owner": _ref(r, "owner__"),
            "status": r["status"],
            "arose_at": r["arose_at"],
            "due_at": r["due_at"],
            "due_text": (
                clocks.NO_CLOCK_DUE.get(r["identifier"], "no time set")
                if r["due_at"] is None
                else ""
            ),
            "overdue": (
                r["status"] == ObligationStatus.OPEN
                and r["due_at"] is not None
                and r["due_at"] < now
            ),
            "closed_at": r["closed_at"],
            "closed_by": _ref(r, "closed_by__"),
            "evidence": r["evidence"],
            "evidence_label": r["evidence_label"],
            "evidence_id": r["evidence_id"],
            "note": r["note"],
        }
        for r in open_ + rest
    ]
