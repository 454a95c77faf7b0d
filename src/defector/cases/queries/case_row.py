"""The case page's read of its case, prepared (``core.prepared``): the case with its post, the
officials who opened and last changed it, its subject's (sealed) record, its compartments and
its officers, and whether the caller may see, change and reveal it — the rows
``access_case(…, page=True)`` reads with ``select_related`` and ``prefetch_related``, in two
reads compiled once instead of three compiled for each request, made into the same model
instances (their related rows in place, as those reads leave them).

A case the caller may not see is not found (:class:`~defector.core.errors.NotFound`), as a
missing one: the access rule's compiled tests (``core.access.condition_for``) are the read's
conditions, and what they answer is remembered as ``get_for`` and ``may`` remember theirs.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, Final

from django.contrib.auth.models import User
from django.db import connections, router
from django.db.models import Manager, Model, OuterRef, QuerySet, sql
from django.db.models.fields.related_descriptors import ManyToManyDescriptor

from defector.cases.models import Case, Obligation, Subject
from defector.cases.queries.page_facts import facts_columns, facts_from, remember_facts
from defector.core.access import Action, condition_for, mark_may, note_decided, remember
from defector.core.errors import NotFound
from defector.core.json_rows import JsonRows
from defector.core.prepared import ALWAYS, NEVER, Condition, Param, Prepared, columns, instance
from defector.core.users import AnyUser
from defector.directory.models import Compartment, Official, Post


def official_columns(path: str) -> list[str]:
    """The columns of an official and of its user (under ``path``)."""
    return [*columns(Official, path), *columns(User, f"{path}user__")]


def named_official(path: str) -> tuple[str, ...]:
    """The columns that name an official (under ``path``): its key and its user's names, what
    ``str(official)`` shows (:func:`official_ref`)."""
    return (
        f"{path}id",
        f"{path}user__first_name",
        f"{path}user__last_name",
        f"{path}user__username",
    )


def official_ref(row: dict[str, Any], path: str) -> dict[str, Any] | None:
    """An official's key and name (``str(official)``: the user's full name, else the user's
    name) from :func:`named_official`'s columns, or ``None`` when there is none."""
    pk = row[f"{path}id"]
    if pk is None:
        return None
    full = f"{row[f'{path}user__first_name']} {row[f'{path}user__last_name']}".strip()
    return {"id": pk, "name": full or row[f"{path}user__username"]}


#: The columns of a case's obligations that the page shows, with the names of their owners
#: and of who closed them (``cases.queries.obligations.OBLIGATION_ROWS``).
OBLIGATION_COLUMNS: Final = (
    "id",
    "identifier",
    "clause",
    "title",
    *named_official("owner__"),
    "status",
    "arose_at",
    "due_at",
    "closed_at",
    *named_official("closed_by__"),
    "evidence",
    "evidence_label",
    "evidence_id",
    "note",
)


def obligation_rows_key(user: AnyUser, case_id: int) -> tuple[Any, ...]:
    """The key under which a page remembers the case's :data:`OBLIGATION_COLUMNS` rows."""
    return ("cases.obligation_rows", getattr(user, "pk", None), case_id)


def _case_row(**more: Any) -> Any:
    return (
        Case.objects.filter(pk=Param("case"))
        .filter(Condition("view"))
        .order_by()
        .values(
            *columns(Case),
            *columns(Post, "post__"),
            *official_columns("opened_by__"),
            *official_columns("changed_by__"),
            *columns(Subject, "subject__"),
            may_change=Condition("change"),
            may_reveal=Condition("reveal"),
            **facts_columns(),
            **more,
        )
    )


_CASE: Final = Prepared(_case_row)
#: On PostgreSQL, the case's officers (their users' names' order, ``Official.Meta``), its
#: compartments (by code) and its obligations in the case's own row, as JSON: one statement
#: where there were three (``docs/benchmarks.md``, "casepage2").
_OFFICERS: Final = JsonRows(
    Official.objects.filter(assigned_cases=OuterRef("pk")).values(
        *columns(Official), *columns(User, "user__")
    ),
    order=("user__last_name", "user__first_name", "user__username", "id"),
)
_COMPARTMENTS: Final = JsonRows(
    Compartment.objects.filter(cases=OuterRef("pk")).values(*columns(Compartment)),
    order=("code",),
)
_OBLIGATIONS: Final = JsonRows(
    Obligation.objects.filter(case_id=OuterRef("pk")).values(*OBLIGATION_COLUMNS),
    order=("id",),
)
_CASE_AND_ROWS_AROUND: Final = Prepared(
    lambda: _case_row(
        json_officers=_OFFICERS, json_compartments=_COMPARTMENTS, json_obligations=_OBLIGATIONS
    )
)
#: The case's officers (with their users) and compartments: a row for each pair, in the
#: officials' own order (``Official.Meta.ordering``) and the compartments' (by code).
_OFFICERS_AND_COMPARTMENTS: Final = Prepared(
    lambda: (
        Case.objects.filter(pk=Param("case"))
        .order_by(
            "officers__user__last_name",
            "officers__user__first_name",
            "officers__user__username",
            "compartments__code",
        )
        .values(*official_columns("officers__"), *columns(Compartment, "compartments__"))
    )
)


def official(
    row: dict[str, Any], path: str, alias: str, known: dict[Any, Official] | None = None
) -> Official | None:
    """The official whose columns (:func:`official_columns`) ``row`` holds under ``path``,
    with its user in place; ``None`` when there is none. With ``known`` (officials already
    made from the same read, by key), an official made before is given again, not made anew
    for each row that names it (an obligation's owner, the same for most of a case's)."""
    if known is not None:
        made = known.get(row[f"{path}id"])
        if made is not None:
            return made
    found: Official | None = instance(Official, row, path, alias)
    if found is not None:
        user = instance(User, row, f"{path}user__", alias)
        Official._meta.get_field("user").set_cached_value(found, user)
        if known is not None:
            known[found.pk] = found
    return found


def _on_a_row_seen(
    condition: tuple[str, tuple[Any, ...]] | None, view: tuple[str, tuple[Any, ...]]
) -> tuple[str, tuple[Any, ...]]:
    """``condition`` as a column of a read whose rows ``view`` chose: :data:`ALWAYS` when it
    is ``view``'s own test (the same SQL, the same values: it holds on every row read, as for
    an assigned officer, who may see, change and reveal the case alike), which the database
    then need not plan and run again; :data:`NEVER` when nothing is allowed."""
    if condition is None:
        return NEVER
    return ALWAYS if condition == view else condition


def decided_case_row(
    user: AnyUser, read: Prepared, case_id: int | str
) -> tuple[Any, dict[str, Any]]:
    """The case's key and its row of ``read`` — a prepared read of the case by ``Param("case")``
    with the conditions ``view`` (its ``WHERE``), ``change`` and ``reveal`` (its columns
    ``may_change`` and ``may_reveal``) — when ``user`` may see it, the three decisions
    remembered as ``get_for`` remembers them; :class:`NotFound` otherwise, as when missing."""
    pk = Case._meta.pk.get_prep_value(case_id)
    low, high = connections[router.db_for_read(Case)].ops.integer_field_range(
        Case._meta.pk.get_internal_type()
    )
    if not low <= pk <= high:  # no key is so large (SQLite's driver would refuse to send it)
        raise NotFound("no such case")
    view = condition_for(user, Action.VIEW, Case, pk)
    row = None
    if view is not None:
        row = read.one(
            case=pk,
            view=view,
            change=_on_a_row_seen(condition_for(user, Action.CHANGE, Case, pk), view),
            reveal=_on_a_row_seen(condition_for(user, Action.REVEAL, Case, pk), view),
        )
    if row is None:
        raise NotFound("no such case")
    note_decided(user, Action.VIEW, Case, pk, True)
    note_decided(user, Action.CHANGE, Case, pk, bool(row["may_change"]))
    note_decided(user, Action.REVEAL, Case, pk, bool(row["may_reveal"]))
    return pk, row


def _rows_around_in_row(alias: str) -> bool:
    """Whether the case's officers, compartments and obligations are read in its row, as
    JSON: on PostgreSQL, its session's times in UTC as Django reads them (``JsonRows``)."""
    connection = connections[alias]
    return (
        connection.vendor == "postgresql"
        and connection.timezone is dt.UTC
        and connection.timezone_name == "UTC"
    )


def page_case(user: AnyUser, case_id: int | str) -> Case:
    """The case for its page, as ``access_case(user, case_id, VIEW, page=True)`` gave it."""
    alias = router.db_for_read(Case)
    around = _rows_around_in_row(alias)
    pk, row = decided_case_row(user, _CASE_AND_ROWS_AROUND if around else _CASE, case_id)
    case: Case = instance(Case, row, "", alias)
    fields = Case._meta
    fields.get_field("post").set_cached_value(case, instance(Post, row, "post__", alias))
    made: dict[Any, Official] = {}  # who opened the case is often who last changed it
    fields.get_field("opened_by").set_cached_value(case, official(row, "opened_by__", alias, made))
    fields.get_field("changed_by").set_cached_value(
        case, official(row, "changed_by__", alias, made)
    )
    subject = instance(Subject, row, "subject__", alias)
    Case.subject.related.set_cached_value(case, subject)
    if subject is not None:
        Subject._meta.get_field("case").set_cached_value(subject, case)
    officers: dict[int, Official] = {}
    compartments: dict[int, Compartment] = {}
    if around:
        for each in _OFFICERS.rows(row["json_officers"]):
            official(each, "", alias, officers)
        for each in _COMPARTMENTS.rows(row["json_compartments"]):
            compartments[each["id"]] = instance(Compartment, each, "", alias)
        remember(obligation_rows_key(user, pk), _OBLIGATIONS.rows(row["json_obligations"]))
    else:
        for pair in _OFFICERS_AND_COMPARTMENTS.rows(case=pk):
            official(pair, "officers__", alias, officers)
            compartment = instance(Compartment, pair, "compartments__", alias)
            if compartment is not None:
                compartments.setdefault(compartment.pk, compartment)
    _prefetched(case, "officers", list(officers.values()))
    _prefetched(case, "compartments", list(compartments.values()))
    mark_may(case, {Action.CHANGE: bool(row["may_change"]), Action.REVEAL: bool(row["may_reveal"])})
    remember_facts(user, pk, facts_from(row))
    return case


def _prefetched(case: Case, name: str, rows: list[Any]) -> None:
    """``case.<name>.all()`` answering ``rows``, as ``prefetch_related(name)`` leaves it: the
    queryset of ``case.<name>``'s related manager, made as it makes it (its filter on the
    case deferred) without the manager (whose making cost about as much as the page's read of
    these rows) when the related model's manager is Django's own (:func:`_plain_relation`)."""
    plain = _plain_relation(name)
    if plain is None:
        queryset = getattr(case, name).get_queryset()
    else:
        model, keys = plain
        query = sql.Query(model)
        query.filter_is_sticky = True  # as ``_next_is_sticky().filter(…)`` leaves it
        queryset = QuerySet(model=model, query=query, hints={"instance": case})
        queryset._deferred_filter = (  # type: ignore[attr-defined]
            False,
            (),
            {key: getattr(case, attname) for key, attname in keys},
        )
    queryset._result_cache = rows
    queryset._prefetch_done = True
    case.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


@functools.cache
def _plain_relation(name: str) -> tuple[type[Model], tuple[tuple[str, str], ...]] | None:
    """For the many-to-many ``Case.<name>``: the related model and its related manager's
    filter (each key, with the case's attribute it is given), when that manager makes its
    queryset as Django's does for a model whose default manager is Django's own (a plain
    ``QuerySet`` of the model, its ``instance`` hint, the filter deferred); else ``None``."""
    descriptor = getattr(Case, name, None)
    if not isinstance(descriptor, ManyToManyDescriptor) or descriptor.reverse:
        return None
    model = descriptor.rel.model
    manager: Any = model._default_manager
    if type(manager) is not Manager or getattr(manager, "_queryset_class", None) is not QuerySet:
        return None
    field = descriptor.rel.field
    through: Any = descriptor.rel.through
    source: Any = through._meta.get_field(field.m2m_field_name())
    query_name = field.related_query_name()
    return model, tuple(
        (f"{query_name}__{target.name}", target.attname) for _, target in source.related_fields
    )
