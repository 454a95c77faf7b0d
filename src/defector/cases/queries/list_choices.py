"""The case list's filters' choices — the posts and the officers of the cases a reader sees —
and the number of those cases, in one read.

The three each ask for the cases the reader may see; read apart, the database finds them three
times (the reader's access condition: their cases, their posts, their clearance, their
compartments). Here the cases are found once (``WITH … AS MATERIALIZED``) and the count, the
posts and the officers read from them, in one statement compiled once per reader. Within a
page's reading (``core.remembering``) the form's two filters and the page's count share it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Final, cast

from django.contrib.auth.models import User
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Field, Model

from defector.cases.models import Case
from defector.core.access import RULES, Action, Principal, levels, principal_for, restricted
from defector.core.remembering import remembered
from defector.core.users import AnyUser
from defector.directory.models import Official, Post


@dataclass(frozen=True, slots=True)
class ListChoices:
    """The number of cases a reader sees, the posts of those cases by name (id and name), and
    their officers by last name (id and name)."""

    count: int
    posts: tuple[tuple[int, str], ...]
    officers: tuple[tuple[int, str], ...]


NOTHING: Final = ListChoices(0, (), ())

#: Statements kept (one for each reader, rule, clearance levels and database).
_CACHE_SIZE: Final = 2048


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _statement(
    principal: Principal, rule: Any, level_names: tuple[str, ...], alias: str
) -> tuple[str, tuple[Any, ...]] | None:
    """The one statement of :func:`list_choices` for ``principal`` and its parameters;
    ``None`` when no case is allowed (kept as ``lists`` keeps its reads: the registry's
    ``rule`` and the ``level_names`` in the key)."""
    visible = restricted(principal, Action.VIEW, Case.objects.order_by())
    if visible is None:
        return None
    try:
        cases_sql, params = visible.values("id", "post_id").query.get_compiler(alias).as_sql()
    except EmptyResultSet:  # a condition that holds for no row (e.g. no level cleared)
        return None
    quote = connections[alias].ops.quote_name

    def table(model: type[Model]) -> str:
        return str(quote(model._meta.db_table))

    def column(model: type[Model], name: str) -> str:
        return str(quote(cast("Field[Any, Any]", model._meta.get_field(name)).column))

    link = Case.officers.through
    sql = (
        f"WITH visible AS MATERIALIZED ({cases_sql}) "  # noqa: S608  (quoted names, compiled SQL)
        "SELECT 0, COUNT(*), NULL, NULL, NULL FROM visible "
        f"UNION ALL SELECT 1, p.{column(Post, 'id')}, p.{column(Post, 'name')}, NULL, NULL "
        f"FROM {table(Post)} p WHERE p.{column(Post, 'id')} IN "
        f"(SELECT {column(Case, 'post')} FROM visible) "
        f"UNION ALL SELECT 2, o.{column(Official, 'id')}, u.{column(User, 'last_name')}, "
        f"u.{column(User, 'first_name')}, u.{column(User, 'username')} "
        f"FROM {table(Official)} o INNER JOIN {table(User)} u "
        f"ON u.{column(User, 'id')} = o.{column(Official, 'user')} "
        f"WHERE o.{column(Official, 'id')} IN (SELECT a.{column(link, 'official')} "
        f"FROM {table(link)} a WHERE a.{column(link, 'case')} IN "
        f"(SELECT {column(Case, 'id')} FROM visible)) "
        "ORDER BY 1, 3, 4, 5"
    )
    return sql, tuple(params)


def _read(user: AnyUser) -> ListChoices:
    alias = router.db_for_read(Case)
    statement = _statement(principal_for(user), RULES.get(Case._meta.label_lower), levels(), alias)
    if statement is None:
        return NOTHING
    with connections[alias].cursor() as cursor:
        cursor.execute(*statement)
        rows = cursor.fetchall()
    count = 0
    posts: list[tuple[int, str]] = []
    officers: list[tuple[int, str]] = []
    for part, key, first, second, third in rows:
        if part == 0:
            count = int(key)
        elif part == 1:
            posts.append((key, first))
        else:  # an officer: last name, first name, username
            officers.append((key, f"{second} {first}".strip() or third))
    return ListChoices(count, tuple(posts), tuple(officers))


def list_choices(user: AnyUser) -> ListChoices:
    """The cases ``user`` may see, counted, with their posts and their officers (the choices
    of the list's post and officer filters): one read, once within a page's reading."""
    return remembered(("cases.list_choices", getattr(user, "pk", None)), lambda: _read(user))


def post_choices(user: AnyUser) -> list[tuple[int, str]]:
    """The posts of the cases ``user`` may see, by name (the choices of the list's post
    filter): their id and name."""
    return list(list_choices(user).posts)


def officer_choices(user: AnyUser) -> list[tuple[int, str]]:
    """The officers assigned to cases ``user`` may see (the list's officer filter): their id
    and name, by last name."""
    return list(list_choices(user).officers)
