"""Need-to-know access control: one registry of rules, applied in one place.

``restrict(user, action, queryset)`` narrows a queryset to the rows ``user`` may act on;
``get_for(user, action, queryset, pk)`` fetches one or raises :class:`NotFound` — a denied object
answers exactly like a missing one, so its existence does not leak. Every query and action
goes through these; a model without a rule is denied to everyone (default deny).

Core holds only the engine. Each app registers the rules of its own models from its
``access.py`` (loaded by its ``AppConfig.ready()``) with :func:`register`, keyed by model label
and written as database filters, so a list and a single object are decided by the same
expression. A rule that answers :data:`NOTHING` forbids, and a forbid beats every permit: the
rules of case content give administrators and auditors nothing. A model registered with a
``compartments`` path shows a row only to those who hold every one of its compartments.

Who a user is (:class:`Principal`) is read by the registered principal source (the
directory's: the user's official record, roles, clearance and compartments); without one a
user is only themselves, an administrator when a superuser.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from typing import Any, Final, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connections, models, router
from django.db.models import BooleanField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.expressions import RawSQL

from defector.core.cursors import cursor as prepared_cursor
from defector.core.errors import NotFound
from defector.core.principals import ANONYMOUS as ANONYMOUS
from defector.core.principals import DEFAULT_LEVELS as DEFAULT_LEVELS
from defector.core.principals import Action as Action
from defector.core.principals import Principal as Principal
from defector.core.principals import PrincipalSource as PrincipalSource
from defector.core.principals import forget_principal as forget_principal
from defector.core.principals import levels as levels
from defector.core.principals import levels_up_to as levels_up_to
from defector.core.principals import principal_for as principal_for
from defector.core.principals import principals_for as principals_for
from defector.core.principals import rank as rank
from defector.core.principals import register_principal_source as register_principal_source
from defector.core.principals import user_only as user_only
from defector.core.remembering import REMEMBERED, decision_key
from defector.core.remembering import decided as decided
from defector.core.remembering import remember as remember
from defector.core.remembering import remembered as remembered
from defector.core.remembering import remembering as remembering
from defector.core.users import AnyUser

# --- the rules ------------------------------------------------------------------------------

#: A rule: the filter of the rows a principal may act on. It is a function of the principal and
#: the action alone — it reads nothing (a lookup belongs in the filter, as a subquery) and no
#: clock — because one object's test is compiled once per principal (``_compiled_test``).
Rule = Callable[[Principal, Action], Q | None]
NOTHING: Final = None  # a rule's answer for "no rows"
EVERYTHING: Final = Q()

#: The one registry of access rules, by model label. A model not listed is denied to everyone.
RULES: Final[dict[str, Rule]] = {}
#: Models whose rows carry compartments, and the path to them.
COMPARTMENTED: Final[dict[str, str]] = {}


def register(label: str, rule: Rule, *, compartments: str | None = None) -> None:
    """Decide access to the model ``label`` (``app.model``) by ``rule``; with
    ``compartments`` (the path from the model to its compartments), a row is also hidden from
    whoever lacks one of them. A label is registered once."""
    if label in RULES:
        raise ImproperlyConfigured(f"an access rule for {label} is already registered")
    RULES[label] = rule
    if compartments is not None:
        COMPARTMENTED[label] = compartments


def any_of(grants: list[Q]) -> Q | None:
    """Rows any of ``grants`` allows; :data:`NOTHING` without one."""
    if not grants:
        return NOTHING
    who = grants[0]
    for grant in grants[1:]:
        who |= grant
    return who


def _related_model(model: type[models.Model], path: str) -> type[models.Model]:
    """The model at the end of a ``__``-separated relation path from ``model``."""
    for name in path.split("__"):
        related = model._meta.get_field(name).related_model
        if not isinstance(related, type):
            raise ImproperlyConfigured(f"{path} is not a relation path of {model._meta.label}")
        model = related
    return model


_M = TypeVar("_M", bound=models.Model)


def _multivalued(queryset: QuerySet[Any]) -> bool:
    """Whether the query joins a to-many relation (and so may repeat a row)."""
    for join in queryset.query.alias_map.values():
        field = getattr(join, "join_field", None)
        if field is not None and (field.one_to_many or field.many_to_many):
            return True
    return False


def _condition(principal: Principal, action: Action | str, label: str) -> Q | None:
    """The rule's filter for ``principal``; :data:`NOTHING` without a rule (default deny)."""
    rule = RULES.get(label)
    if rule is None:
        return NOTHING
    return rule(principal, Action(action))


def _single_valued(model: type[models.Model], names: list[str]) -> bool:
    """Whether the relation path ``names`` from ``model`` reaches one row (forward keys only)."""
    for name in names:
        field = model._meta.get_field(name)
        if field.many_to_many or field.one_to_many or not isinstance(field.related_model, type):
            return False
        model = field.related_model
    return True


def _lacking(principal: Principal, model: type[models.Model], path: str) -> Q:
    """Rows of ``model`` that carry a compartment ``principal`` does not hold (``path``: the
    path to its compartments). Through forward keys to a many-to-many field: one ``EXISTS`` on
    the link table by the row's key (an index lookup a row, the same condition in a list, a
    count and a subquery); through a to-many relation (a problem's cases), Django's exclusion
    of any related row with such a compartment."""
    *prefix, name = path.split("__")
    owner = _related_model(model, "__".join(prefix)) if prefix else model
    field = owner._meta.get_field(name)
    through = getattr(field.remote_field, "through", None)
    if not isinstance(field, models.ManyToManyField) or through is None:
        raise ImproperlyConfigured(f"{path} is not a many-to-many path of {model._meta.label}")
    if not _single_valued(model, prefix):
        compartment = _related_model(model, path)
        not_held = compartment._default_manager.exclude(code__in=sorted(principal.compartments))
        return Q(**{f"{path}__in": not_held})
    links = through._default_manager.filter(
        **{field.m2m_field_name(): OuterRef("__".join([*prefix, "pk"]))}
    )
    if principal.compartments:
        links = links.exclude(
            **{f"{field.m2m_reverse_field_name()}__code__in": sorted(principal.compartments)}
        )
    return Q(Exists(links))


def _narrow(principal: Principal, condition: Q, queryset: QuerySet[_M]) -> QuerySet[_M]:
    """``queryset`` under ``condition`` and the compartments ``principal`` lacks."""
    restricted = queryset.filter(condition)
    path = COMPARTMENTED.get(queryset.model._meta.label_lower)
    if path is not None:
        restricted = restricted.exclude(_lacking(principal, queryset.model, path))
    if _multivalued(restricted):
        restricted = restricted.distinct()
    return restricted


def restrict(user: AnyUser | None, action: Action | str, queryset: QuerySet[_M]) -> QuerySet[_M]:
    """The rows of ``queryset`` that ``user`` may ``action``; none when no rule allows."""
    principal = principal_for(user)
    condition = _condition(principal, action, queryset.model._meta.label_lower)
    if condition is None:
        return queryset.none()
    return _narrow(principal, condition, queryset)


def get_for(
    user: AnyUser | None,
    action: Action | str,
    queryset: QuerySet[_M],
    pk: Any,
    *,
    what: str | None = None,
    also: Iterable[Action | str] = (),
) -> _M:
    """One row that ``user`` may ``action``, or :class:`NotFound` (also when it is denied).

    The rule is asked as its compiled test (:func:`_test`) in the same read, and with
    ``also``, whether ``user`` may do each of those actions too (annotations that :func:`may`
    answers from, as after :func:`with_may`). Within :func:`remembering`, the row found is
    remembered as allowed (:func:`decided`)."""
    model = queryset.model
    pk = model._meta.pk.get_prep_value(pk)  # the same error as a filter on a malformed key
    alias = router.db_for_read(model)
    principal = principal_for(user)
    allowed = _test(principal, Action(action), model, alias, pk)
    found = None
    if allowed is not None:
        rows = queryset.filter(pk=pk).filter(allowed)
        asked = [Action(a) for a in also]
        if asked:
            rows = rows.annotate(
                **{
                    f"{_MAY_PREFIX}{a.value}": _test(principal, a, model, alias, pk)
                    or Value(False, output_field=BooleanField())
                    for a in asked
                }
            )
        found = rows.first()
    if found is None:
        raise NotFound(f"no such {what or model._meta.verbose_name}")
    memo = REMEMBERED.get()
    if memo is not None:
        memo[decision_key(user, action, found)] = True
    return found


#: The SQL and parameters of each (principal, action, model) test, compiled once per process:
#: a rule is a function of the principal and the action alone (``Rule``), so its filter, and
#: the SQL Django compiles from it, are the same for every request of the same principal.
#: Compiling a rule's filter costs many times what the database takes to answer it.
_TEST_CACHE_SIZE: Final = 4096
#: Whether a test of one row is being compiled (:func:`_compiled_test`): see :func:`one_row`.
_ONE_ROW: ContextVar[bool] = ContextVar("access_one_row", default=False)


def one_row() -> bool:
    """Whether the rule's filter being built is a test of one row (:func:`_compiled_test`:
    :func:`condition_for`, :func:`can`, :func:`who_can`): a rule may then write a condition as
    a probe of that row (a correlated ``EXISTS`` on an index of its links) rather than as the
    list of every row it allows, which the database would build for each test
    (``cases.access.Assigned``). The rows allowed are the same either way."""
    return _ONE_ROW.get()


_ALLOWED: Final = "defector_allowed"
_ALLOWED_PK: Final = "defector_pk"


@functools.lru_cache(maxsize=_TEST_CACHE_SIZE)
def _compiled_test(
    principal: Principal,
    action: Action,
    model: type[models.Model],
    alias: str,
    rule: Rule | None,
    level_names: tuple[str, ...],
) -> tuple[str, tuple[Any, ...]] | None:
    """``EXISTS (…)`` over the rows of ``model`` that ``principal`` may ``action`` whose key is
    the one parameter left to add; ``None`` when no row is allowed. ``rule`` and
    ``level_names`` are the registry's rule and the levels it reads, so that another rule or
    other levels (a test's settings) compile anew."""
    if rule is None:
        return None
    token = _ONE_ROW.set(True)
    try:
        condition = rule(principal, action)
        if condition is None:
            return None
        rows = _narrow(principal, condition, model._base_manager.using(alias).all())
        sql, params = rows.values(**{_ALLOWED_PK: F("pk")}).query.get_compiler(alias).as_sql()
    except EmptyResultSet:  # e.g. no level cleared: nothing is allowed
        return None
    finally:
        _ONE_ROW.reset(token)
    quote = connections[alias].ops.quote_name
    # Django's own compilation of the rule's filter, its values passed as parameters.
    test = (
        f"EXISTS (SELECT 1 FROM ({sql}) {quote(_ALLOWED)} "  # noqa: S608
        f"WHERE {quote(_ALLOWED)}.{quote(_ALLOWED_PK)} = %s)"
    )
    return test, tuple(params)


def _test(
    principal: Principal, action: Action, model: type[models.Model], alias: str, pk: Any
) -> RawSQL | None:
    """Whether ``principal`` may ``action`` the row ``pk`` of ``model``, as an expression (the
    same rule, compartments and all, as :func:`restrict`); ``None`` when nothing is allowed."""
    compiled = _compiled_test(
        principal, action, model, alias, RULES.get(model._meta.label_lower), levels()
    )
    if compiled is None:
        return None
    sql, params = compiled
    return RawSQL(sql, (*params, pk), output_field=BooleanField())  # noqa: S611 (compiled above)


def condition_for(
    user: AnyUser | None, action: Action | str, model: type[models.Model], pk: Any
) -> tuple[str, tuple[Any, ...]] | None:
    """Whether ``user`` may ``action`` the row ``pk`` of ``model``, as SQL and its parameters:
    the compiled test :func:`get_for` asks (the same rule, compartments and all), for a read
    that carries it as a condition (``core.prepared.Condition``); ``None`` when nothing is
    allowed. ``pk`` as :func:`get_for` takes it; a read that decides with it says so to
    :func:`note_decided`."""
    pk = model._meta.pk.get_prep_value(pk)
    compiled = _compiled_test(
        principal_for(user),
        Action(action),
        model,
        router.db_for_read(model),
        RULES.get(model._meta.label_lower),
        levels(),
    )
    return None if compiled is None else (compiled[0], (*compiled[1], pk))


def note_decided(
    user: AnyUser | None, action: Action | str, model: type[models.Model], pk: Any, allowed: bool
) -> None:
    """Within :func:`remembering`, remember what a read that carried :func:`condition_for`
    answered (as :func:`get_for` and :func:`may` do for their own): :func:`decided` and
    :func:`can` then answer without asking."""
    memo = REMEMBERED.get()
    if memo is not None:
        memo[(getattr(user, "pk", None), str(action), model._meta.label_lower, pk)] = allowed


def can(user: AnyUser | None, action: Action | str, obj: models.Model) -> bool:
    """Whether ``user`` may ``action`` this object (the same rule as ``restrict``)."""
    remembered = REMEMBERED.get()
    key = decision_key(user, action, obj)
    if remembered is not None and key in remembered:
        return bool(remembered[key])
    allowed = Action(action) in _may(user, [Action(action)], obj)
    if remembered is not None:
        remembered[key] = allowed
    return allowed


#: The prefix of the annotations :func:`with_may` adds (``defector_may_change`` …).
_MAY_PREFIX: Final = "defector_may_"


def with_may(
    user: AnyUser | None, actions: Iterable[Action | str], queryset: QuerySet[_M]
) -> QuerySet[_M]:
    """``queryset`` with, on each row, whether ``user`` may do each of ``actions`` on it (the
    same rules as :func:`can`, in the same query): :func:`may` then answers without asking."""
    principal = principal_for(user)
    manager = queryset.model._default_manager
    label = queryset.model._meta.label_lower
    tests: dict[str, Any] = {}
    for action in (Action(a) for a in actions):
        condition = _condition(principal, action, label)
        name = f"{_MAY_PREFIX}{action.value}"
        if condition is None:
            tests[name] = Value(False, output_field=BooleanField())
            continue
        narrowed = _narrow(principal, condition, manager.filter(pk=OuterRef("pk")))
        tests[name] = Exists(narrowed.values("pk"))
    annotated: QuerySet[_M] = queryset.annotate(**tests)
    return annotated


def mark_may(obj: models.Model, allowed: dict[Action, bool]) -> None:
    """Whether the user may do each action on ``obj``, as a read that carried their tests
    (:func:`condition_for`) answered: on ``obj`` as :func:`with_may` puts it, for :func:`may`
    to answer from."""
    for action, answer in allowed.items():
        setattr(obj, f"{_MAY_PREFIX}{Action(action).value}", answer)


def may(user: AnyUser | None, actions: Iterable[Action | str], obj: models.Model) -> set[Action]:
    """Which of ``actions`` ``user`` may do on ``obj``: the same rules as :func:`can`, asked in
    one query (none when ``obj`` was read :func:`with_may` them, or each was decided already
    within :func:`remembering`; remembered for :func:`can` within it)."""
    asked = [Action(a) for a in actions]
    read = {a: getattr(obj, f"{_MAY_PREFIX}{a.value}", None) for a in asked}
    memo = REMEMBERED.get()
    if memo is not None:
        for a in asked:
            if read[a] is None:
                read[a] = memo.get(decision_key(user, a, obj))
    if all(answer is not None for answer in read.values()):
        allowed = {a for a, answer in read.items() if answer}
    else:
        allowed = _may(user, asked, obj)
    if memo is not None:
        label = obj._meta.label_lower
        for action in asked:
            memo[(getattr(user, "pk", None), str(action), label, obj.pk)] = action in allowed
    return allowed


def _may(user: AnyUser | None, actions: list[Action], obj: models.Model) -> set[Action]:
    """One query of the compiled tests (:func:`_test`) of ``actions`` on ``obj``."""
    principal = principal_for(user)
    model = type(obj)
    alias = router.db_for_read(model)
    tests: list[tuple[Action, str, tuple[Any, ...]]] = []
    for action in actions:
        test = _test(principal, action, model, alias, obj.pk)
        if test is not None:
            tests.append((action, test.sql, tuple(test.params)))
    if not tests:
        return set()
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(sql for _, sql, _ in tests),
            [param for _, _, params in tests for param in params],
        )
        row = cursor.fetchone()
    return {action for (action, _, _), yes in zip(tests, row, strict=True) if yes}


_U = TypeVar("_U", bound=User)


def who_can(users: Iterable[_U], action: Action | str, obj: models.Model) -> list[_U]:
    """Those of ``users`` who may ``action`` ``obj``, in order: the same rules as :func:`can`,
    decided for all of them at once (:func:`who_can_each`)."""
    return who_can_each(users, action, [obj])[0]


#: The most tests one query of :func:`who_can_each` asks (its columns; well under SQLite's
#: limits on columns and parameters).
_TESTS_PER_QUERY: Final = 200


def who_can_each(
    users: Iterable[_U], action: Action | str, objects: Sequence[models.Model]
) -> list[list[_U]]:
    """For each of ``objects`` (of one model), those of ``users`` who may ``action`` it, in
    order: their principals read in one batch, then one query of their compiled tests
    (:func:`_compiled_test`, compiled once per principal and process; users whose rule gives
    the same test share it) on every object — nothing compiled per call, and one query
    whatever the number of users (one per 200 tests on many objects)."""
    users = list(users)
    if not objects:
        return []
    model = type(objects[0])
    if any(type(obj) is not model for obj in objects):
        raise TypeError("who_can_each decides objects of one model")
    principals = principals_for(users)
    alias = router.db_for_read(model)
    asked = Action(action)
    rule = RULES.get(model._meta.label_lower)
    names = levels()
    tests: dict[tuple[str, tuple[Any, ...]], int] = {}
    keys: list[int | None] = []
    for principal in principals:
        compiled = _compiled_test(principal, asked, model, alias, rule, names)
        keys.append(None if compiled is None else tests.setdefault(compiled, len(tests)))
    answers: list[tuple[Any, ...]] = []
    if tests:
        step = max(1, _TESTS_PER_QUERY // len(tests))
        # A prepared statement on PostgreSQL (``core.cursors``): the same users ask the same
        # SQL again (a post's holders, at each new case), planned once per connection.
        with prepared_cursor(connections[alias]) as cursor:
            for start in range(0, len(objects), step):
                chunk = objects[start : start + step]
                cursor.execute(
                    "SELECT " + ", ".join(sql for _ in chunk for sql, _ in tests),
                    [p for obj in chunk for _, params in tests for p in (*params, obj.pk)],
                )
                row = cursor.fetchone()
                answers += [row[i : i + len(tests)] for i in range(0, len(row), len(tests))]
    return [
        [user for user, key in zip(users, keys, strict=True) if key is not None and answer[key]]
        for answer in (answers or [() for _ in objects])
    ]


# --- core's own rules -------------------------------------------------------------------------


def audit_log(principal: Principal, action: Action) -> Q | None:
    """The audit log: auditors read and export it; nobody changes it."""
    if principal.is_auditor and action in (Action.VIEW, Action.EXPORT):
        return EVERYTHING
    return NOTHING


register("core.auditevent", audit_log)
register("core.auditcheckpoint", audit_log)


# --- for reads compiled once per principal ----------------------------------------------------


def restricted(
    principal: Principal, action: Action | str, queryset: QuerySet[_M]
) -> QuerySet[_M] | None:
    """:func:`restrict` for a principal already read: the rows of ``queryset`` it may
    ``action``, or ``None`` when no rule allows any. Like a rule, a function of the principal,
    the action and the registry alone, so that a read built on it may be compiled once for
    each principal (``cases.queries.lists``: with the registry's rule and :func:`levels` in
    its key, as ``_compiled_test``)."""
    condition = _condition(principal, action, queryset.model._meta.label_lower)
    if condition is None:
        return None
    return _narrow(principal, condition, queryset)
