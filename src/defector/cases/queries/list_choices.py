"""The case list's filters' choices — the posts and the officers of the cases a reader sees —
the number of those cases, and their threat information not yet disseminated, in one read.

The four each ask for the cases the reader may see; read apart, the database finds them four
times (the reader's access condition: their cases, their posts, their clearance, their
compartments). Here the cases are found once (``WITH … AS MATERIALIZED``) and the count, the
posts, the officers and the open obligations to disseminate threat information read from
them, in one statement compiled once per reader. Within a page's reading
(``core.remembering``) the form's two filters, the page's count, the names of its rows' posts
and the list's threat marker (``dissemination.queries.list_banner_data``) share it. An
obligation is seen by whoever sees its case (``cases.access.CASE_CONTENT``), so the open
obligations of the cases found are the ones the reader may see. On PostgreSQL the statement
is a prepared statement of the connection (``core.prepared``'s cursor), its values written in:
the server plans it once per connection, not on every page. Its answer is kept by the
connection while the database is unchanged (``core.unchanged``): a page read again with nothing
committed since runs it not at all.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, cast

from django.contrib.auth.models import User
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import (
    Exists,
    F,
    Field,
    Func,
    IntegerField,
    Model,
    OuterRef,
    QuerySet,
    Subquery,
)

from defector.cases.access import CASE_WASHINGTON_ROLES, assigned_written_as, viewing_posts
from defector.cases.choices import ObligationStatus
from defector.cases.models import Case, Obligation
from defector.cases.queries.intake import can_open_cases, may_open_at
from defector.core.access import (
    COMPARTMENTED,
    RULES,
    Action,
    Principal,
    levels,
    principal_for,
    restricted,
)
from defector.core.prepared import cursor as prepared_cursor
from defector.core.prepared import inlined
from defector.core.remembering import remembered
from defector.core.unchanged import kept
from defector.core.users import AnyUser
from defector.directory.models import Official, Post
from defector.policy.obligations import ObligationId


@dataclass(frozen=True, slots=True)
class OpenThreat:
    """A case whose threat information is not yet disseminated (``6b(3)(a)``): its open
    obligation's case, the case's cryptonym and post (its code), and the obligation's due
    time."""

    case_id: int
    cryptonym: str
    post: str
    due_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class ListChoices:
    """The number of cases a reader sees, the posts of those cases by name (id and name), and
    their officers by last name (id and name); the posts' codes (by id), and the open
    obligations of those cases to disseminate threat information, soonest due first
    (:data:`THREATS_SHOWN` at most)."""

    count: int
    posts: tuple[tuple[int, str], ...]
    officers: tuple[tuple[int, str], ...]
    post_codes: tuple[tuple[int, str], ...] = ()
    threats: tuple[OpenThreat, ...] = ()
    #: Whether the reader may open cases (:func:`~defector.cases.queries.can_open_cases`);
    #: ``None`` when not read with the choices (no case is allowed to the reader).
    can_open: bool | None = None


NOTHING: Final = ListChoices(0, (), ())

#: The open threat obligations read with the choices: the list's marker shows at most this many.
THREATS_SHOWN: Final = 50
THREAT: Final = ObligationId.DISSEMINATE_THREAT_INFORMATION

#: Statements kept (one for each reader, rule, clearance levels and database).
_CACHE_SIZE: Final = 2048


def literal(value: str) -> str:
    """``value``, a constant of the code (letters and underscores), as an SQL string."""
    if not value.replace("_", "").isalnum():
        raise ValueError(f"not a constant to write in: {value!r}")
    return f"'{value}'"


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
    if _sees_every_post(principal):
        return _every_post_statement(principal, visible, alias)
    # The posts where the reader may open cases (none: NULL, which no post matches).
    opening_posts: list[int | None] = [*sorted(may_open_at(principal))] or [None]
    opening = ", ".join(["%s"] * len(opening_posts))
    due_type = cast("Field[Any, Any]", Obligation._meta.get_field("due_at")).db_type(
        connections[alias]
    )
    walk = "+" if connections[alias].vendor == "sqlite" else ""
    posts_sql, posts_params = _post_probes(principal, alias, quote)
    # The parts, told apart by the first column: 0 the count, 1 the posts (id, name, code),
    # 2 the officers (id, last name, first name, username), 3 the threats (case, cryptonym,
    # due, their order, the case's post); the seventh column orders the threats as their own
    # read would (``due_at``, then the obligation: each database with its own place for an
    # empty due time), the others by name. The threats are the open obligations of the cases
    # found (``IN``; written as a join, SQLite with statistics builds a Bloom filter over every
    # obligation first), their case's row read for the fifty kept. On PostgreSQL, for each
    # case found its obligations by the index of the open ones. On SQLite the open threat
    # obligations are walked soonest due first from their own index
    # (``cases_obligation_open_threats``, covering), each kept when its case is found, up to
    # fifty: the unary ``+`` keeps SQLite from probing the obligations of each case found
    # instead (242 probes for a case officer, about 1 ms; every case for Washington), and the
    # identifier and status are written in, for SQLite to match the index's condition.
    # (PostgreSQL, which expects a case or two found, then compares every obligation with
    # every case found; with a hashed test instead, the index's 746 rows each read from the
    # table as well, as nothing vacuums it here: no faster.)
    sql = (
        f"WITH visible AS MATERIALIZED ({cases_sql}) "  # noqa: S608  (quoted names, compiled SQL)
        # The first part names the types of the columns the others fill (PostgreSQL resolves a
        # union's columns part by part: an untyped NULL would be text).
        f"SELECT 0, COUNT(*), NULL, NULL, NULL, CAST(NULL AS {due_type}), CAST(NULL AS BIGINT), "
        "CAST(NULL AS BIGINT) FROM visible "
        f"UNION ALL SELECT 1, p.id, p.name, p.code, NULL, NULL, NULL, NULL FROM ({posts_sql}) p "
        f"UNION ALL SELECT 2, o.{column(Official, 'id')}, u.{column(User, 'last_name')}, "
        f"u.{column(User, 'first_name')}, u.{column(User, 'username')}, NULL, NULL, NULL "
        f"FROM {table(Official)} o INNER JOIN {table(User)} u "
        f"ON u.{column(User, 'id')} = o.{column(Official, 'user')} "
        f"WHERE o.{column(Official, 'id')} IN (SELECT a.{column(link, 'official')} "
        f"FROM visible v INNER JOIN {table(link)} a "
        f"ON a.{column(link, 'case')} = v.{column(Case, 'id')}) "
        f"UNION ALL SELECT 3, t.case_id, c.{column(Case, 'cryptonym')}, NULL, NULL, t.due_at, "
        f"t.seq, c.{column(Case, 'post')} "
        f"FROM (SELECT b.{column(Obligation, 'case')} AS case_id, "
        f"b.{column(Obligation, 'due_at')} AS due_at, ROW_NUMBER() OVER (ORDER BY "
        f"b.{column(Obligation, 'due_at')}, b.{column(Obligation, 'id')}) AS seq "
        f"FROM {table(Obligation)} b "
        f"WHERE {walk}b.{column(Obligation, 'case')} IN (SELECT {column(Case, 'id')} FROM visible) "
        f"AND b.{column(Obligation, 'identifier')} = {literal(THREAT.value)} "
        f"AND b.{column(Obligation, 'status')} = {literal(ObligationStatus.OPEN.value)} "
        f"ORDER BY b.{column(Obligation, 'due_at')}, b.{column(Obligation, 'id')} "
        f"LIMIT {THREATS_SHOWN}) t INNER JOIN {table(Case)} c "
        f"ON c.{column(Case, 'id')} = t.case_id "
        # 4: the active posts where the reader may open cases (``intake.can_open_cases``).
        f"UNION ALL SELECT 4, COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL FROM {table(Post)} q "
        f"WHERE q.{column(Post, 'active')} AND q.{column(Post, 'id')} IN ({opening}) "
        "ORDER BY 1, 7, 3, 4, 5"
    )
    values = (*params, *posts_params, *opening_posts)
    # On PostgreSQL, run as a prepared statement of the connection (``core.prepared``): the
    # values written in, so that the server plans it knowing them, once per connection rather
    # than on every page.
    return inlined(sql, values, connections[alias])


def _post_probes(
    principal: Principal, alias: str, quote: Callable[[str], str]
) -> tuple[str, tuple[Any, ...]]:
    """The posts of the cases ``principal`` (a post's reader) may see, as a subquery of their
    id, name and code: the posts whose cases it may see at most (``cases.access.viewing_posts``:
    where it holds a post role, is a case officer or invited), each kept when a case it may
    see is there (the first found ends the probe: the post's index, the officer's link of each
    case probed). Grouped from the cases found instead, every one of them (1,000 and more for
    a busy officer) was put in a temporary index for the one post they are at."""
    posts = viewing_posts(principal)
    with assigned_written_as("exists"):
        probe = restricted(principal, Action.VIEW, Case.objects.order_by())
    if not posts or probe is None:  # any post's (a test's): grouped from the cases found
        key, name, code = (
            quote(cast("Field[Any, Any]", Post._meta.get_field(f)).column)
            for f in ("id", "name", "code")
        )
        found = quote(cast("Field[Any, Any]", Case._meta.get_field("post")).column)
        return (
            f"SELECT {key} AS id, {name} AS name, {code} AS code "  # noqa: S608  (quoted)
            f"FROM {quote(Post._meta.db_table)} WHERE {key} IN (SELECT {found} FROM visible)"
        ), ()
    return _compiled(
        Post.objects.filter(Exists(probe.filter(post_id=OuterRef("pk"))), pk__in=sorted(posts))
        .order_by()
        .values("id", "name", "code"),
        alias,
    )


def _compiled(queryset: QuerySet[Any, Any], alias: str) -> tuple[str, tuple[Any, ...]]:
    sql, params = queryset.query.get_compiler(alias).as_sql()
    return sql, tuple(params)


def _sees_every_post(principal: Principal) -> bool:
    """Whether ``principal`` sees every post's cases (``cases.access``: the IDC, the DCI's
    delegate; their condition is on the case's own row, its sensitivity and compartments)."""
    return any(role in principal.roles for role in CASE_WASHINGTON_ROLES[Action.VIEW])


def _number(cases: QuerySet[Case]) -> QuerySet[Case, Any]:
    return cases.order_by().values(n=Func(template="COUNT(*)", output_field=IntegerField()))


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _count_statement(
    principal: Principal, rule: Any, level_names: tuple[str, ...], alias: str
) -> tuple[str, tuple[Any, ...]] | None:
    """The number of cases ``principal`` (who sees every post's: :func:`_sees_every_post`)
    may see, as an SQL expression and its parameters; ``None`` when no case is allowed (kept
    as :func:`_statement`, the registry's ``rule`` and the ``level_names`` in the key).

    Counted as the cases its rule allows (``RULES``: a condition on the case's row), less
    those of them that carry a compartment, plus those of these it may see
    (``core.access``: a case without a compartment lacks none). The compartments' test, an
    anti-join of every case with the compartments' links (PostgreSQL: 100,000 probes, about
    30 of the count's 40–70 ms), is made for the cases with compartments alone (found from
    their links)."""
    label = Case._meta.label_lower
    condition = RULES[label](principal, Action.VIEW)
    visible = restricted(principal, Action.VIEW, Case.objects.order_by())
    if condition is None or visible is None:
        return None
    if COMPARTMENTED.get(label) != "compartments" or visible.query.distinct:
        return _compiled(_number(visible), alias)  # pragma: no cover  (another registry)
    marked = Case.compartments.through.objects.values("case_id")
    seen = restricted(principal, Action.VIEW, Case.objects.filter(pk__in=marked))
    assert seen is not None  # noqa: S101  (the same rule as ``visible``)
    try:
        parts = [
            _compiled(_number(cases), alias)
            for cases in (
                Case.objects.filter(condition),
                Case.objects.filter(condition, pk__in=marked),
                seen,
            )
        ]
    except EmptyResultSet:
        return None
    sql = "(({}) - ({}) + ({}))".format(*(part for part, _ in parts))
    return sql, tuple(value for _, values in parts for value in values)


def every_post_count(user: AnyUser) -> int | None:
    """The number of cases ``user`` may see when it sees every post's
    (:func:`_sees_every_post`), read as :func:`_count_statement` says; ``None`` for any
    other reader (whose cases the list counts as it finds them)."""
    principal = principal_for(user)
    if not _sees_every_post(principal):
        return None
    alias = router.db_for_read(Case)
    counted = _count_statement(principal, RULES.get(Case._meta.label_lower), levels(), alias)
    if counted is None:
        return 0
    statement = inlined(f"SELECT {counted[0]}", counted[1], connections[alias])
    # Kept while the database is unchanged (``core.unchanged``), as the choices are.
    return kept(
        connections[alias], ("cases.every_post_count", statement), lambda: _one(alias, statement)
    )


def _one(alias: str, statement: tuple[str, tuple[Any, ...]]) -> int:
    with prepared_cursor(connections[alias]) as cursor:
        cursor.execute(*statement)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _every_post_statement(
    principal: Principal, visible: QuerySet[Case], alias: str
) -> tuple[str, tuple[Any, ...]] | None:
    """The statement of :func:`list_choices` for a reader who sees every post's cases (the IDC,
    the DCI's delegate: ``cases.access``, ``CASE_WASHINGTON_ROLES``): the same parts, the same
    rows, in another shape. Found once and joined (:func:`_statement`), their 100,000 cases
    were grouped for their posts and probed for their officers' links (PostgreSQL, expecting
    about 200, probed the links 100,000 times: 630 ms; SQLite 80 ms). Here the posts and the
    officers are the small tables' rows (250 posts, 1,500 officials) for which a case seen
    exists (the first found ends each probe: its post's, or the official's links by the
    ``cases_case_officers_by_official`` index); the open threat obligations are walked soonest
    due first, each kept when its case is seen, up to fifty; the count alone reads every case
    seen, by the reader's condition on the case's row."""
    counted = _count_statement(principal, RULES.get(Case._meta.label_lower), levels(), alias)
    if counted is None:
        return None
    count_sql, count_params = counted
    try:
        posts_sql, posts_params = _compiled(
            Post.objects.filter(Exists(visible.filter(post_id=OuterRef("pk"))))
            .order_by()
            .values("id", "name", "code"),
            alias,
        )
        officers_sql, officers_params = _compiled(
            Official.objects.alias(
                seen=Subquery(visible.filter(officers=OuterRef("pk")).values("pk")[:1])
            )
            .filter(seen__isnull=False)
            .order_by()
            .values("id", last=F("user__last_name"), first=F("user__first_name"))
            .annotate(login=F("user__username")),
            alias,
        )
        threats_sql, threats_params = _compiled(
            Obligation.objects.filter(
                Exists(visible.filter(pk=OuterRef("case_id"))),
                identifier=THREAT.value,
                status=ObligationStatus.OPEN.value,
            )
            .order_by("due_at", "id")
            .values(
                "id", "case_id", "due_at", cryptonym=F("case__cryptonym"), post=F("case__post_id")
            )[:THREATS_SHOWN],
            alias,
        )
    except EmptyResultSet:
        return None
    due_type = cast("Field[Any, Any]", Obligation._meta.get_field("due_at")).db_type(
        connections[alias]
    )
    opening_posts: list[int | None] = [*sorted(may_open_at(principal))] or [None]
    opening = ", ".join(["%s"] * len(opening_posts))
    quote = connections[alias].ops.quote_name
    posts, key, active = (
        str(quote(name)) for name in (Post._meta.db_table, Post._meta.pk.column, "active")
    )
    sql = (
        f"SELECT 0, {count_sql}, NULL, NULL, NULL, CAST(NULL AS {due_type}), "  # noqa: S608
        "CAST(NULL AS BIGINT), CAST(NULL AS BIGINT) "
        f"UNION ALL SELECT 1, p.id, p.name, p.code, NULL, NULL, NULL, NULL FROM ({posts_sql}) p "
        "UNION ALL SELECT 2, o.id, o.last, o.first, o.login, NULL, NULL, NULL "
        f"FROM ({officers_sql}) o "
        "UNION ALL SELECT 3, t.case_id, t.cryptonym, NULL, NULL, t.due_at, "
        "ROW_NUMBER() OVER (ORDER BY t.due_at, t.id), t.post "
        f"FROM ({threats_sql}) t "
        f"UNION ALL SELECT 4, COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL FROM {posts} q "
        f"WHERE q.{active} AND q.{key} IN ({opening}) "
        "ORDER BY 1, 7, 3, 4, 5"
    )
    values = (
        *count_params,
        *posts_params,
        *officers_params,
        *threats_params,
        *opening_posts,
    )
    return inlined(sql, values, connections[alias])


@functools.lru_cache(maxsize=8192)
def moment(alias: str, value: Any) -> dt.datetime | None:
    """A time column as read from ``alias`` without Django's conversion (on SQLite: text),
    converted as Django converts it (:func:`_due_at`'s converters, those of every
    ``DateTimeField``), once per process for each value: the list reads the same times page
    after page, fifty of them a page."""
    return _due_at(alias)(value)


def _due_at(alias: str) -> Callable[[Any], dt.datetime | None]:
    """An obligation's ``due_at`` as read from ``alias``, turned into a datetime by what
    Django applies to the column (``SQLCompiler.get_converters``: on SQLite, written as
    text)."""
    due = cast("Field[Any, Any]", Obligation._meta.get_field("due_at"))
    expression = due.get_col(Obligation._meta.db_table)
    connection = connections[alias]
    converters = [
        *connection.ops.get_db_converters(expression),
        *expression.get_db_converters(connection),
    ]

    def convert(value: Any) -> dt.datetime | None:
        for converter in converters:
            value = converter(value, expression, connection)
        return cast("dt.datetime | None", value)

    return convert


def statement_for(user: AnyUser, alias: str | None = None) -> tuple[str, tuple[Any, ...]] | None:
    """The statement of :func:`list_choices` for ``user`` on ``alias`` and its parameters;
    ``None`` when no case is allowed."""
    alias = alias or router.db_for_read(Case)
    return _statement(principal_for(user), RULES.get(Case._meta.label_lower), levels(), alias)


def _read(user: AnyUser) -> ListChoices:
    """The choices ``user`` sees: their statement's answer, kept while the database is
    unchanged (``core.unchanged``: the same statement, run on the same rows, answers the same;
    nothing in it reads the clock)."""
    alias = router.db_for_read(Case)
    statement = statement_for(user, alias)
    if statement is None:
        return NOTHING
    return kept(
        connections[alias], ("cases.list_choices", statement), lambda: _run(alias, statement)
    )


def _run(alias: str, statement: tuple[str, tuple[Any, ...]]) -> ListChoices:
    connection = connections[alias]
    sql, params = statement
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    count = 0
    posts: list[tuple[int, str]] = []
    codes: dict[int, str] = {}
    officers: list[tuple[int, str]] = []
    threats: list[tuple[int, str, int, Any]] = []
    can_open = False
    for part, key, first, second, third, due, _, post in rows:
        if part == 4:
            can_open = bool(key)
        elif part == 0:
            count = int(key)
        elif part == 1:
            posts.append((key, first))
            codes[key] = second
        elif part == 2:  # an officer: last name, first name, username
            officers.append((key, f"{second} {first}".strip() or third))
        else:  # a threat: its case, cryptonym, due time and post
            threats.append((key, first, post, due))
    due_at = _due_at(alias) if threats else None
    found = tuple(
        OpenThreat(case_id, cryptonym, codes[post], due_at(due) if due_at else due)
        for case_id, cryptonym, post, due in threats
    )
    return ListChoices(
        count, tuple(posts), tuple(officers), tuple(codes.items()), found, can_open=can_open
    )


def list_choices(user: AnyUser) -> ListChoices:
    """The cases ``user`` may see, counted, with their posts and their officers (the choices
    of the list's post and officer filters): one read, once within a page's reading."""
    return remembered(("cases.list_choices", getattr(user, "pk", None)), lambda: _read(user))


def list_may_open(user: AnyUser) -> bool:
    """Whether ``user`` may open cases (:func:`~defector.cases.queries.can_open_cases`), read
    with the list's choices (within a page's reading, no read of its own)."""
    known = list_choices(user).can_open
    return can_open_cases(user) if known is None else known


def post_choices(user: AnyUser) -> list[tuple[int, str]]:
    """The posts of the cases ``user`` may see, by name (the choices of the list's post
    filter): their id and name."""
    return list(list_choices(user).posts)


def officer_choices(user: AnyUser) -> list[tuple[int, str]]:
    """The officers assigned to cases ``user`` may see (the list's officer filter): their id
    and name, by last name."""
    return list(list_choices(user).officers)
