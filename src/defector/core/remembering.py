"""Decisions and reads remembered for the length of one page's reading.

Within :func:`remembering` (a GET's reading, when nothing the access rules read changes
meanwhile), ``core.access`` remembers each decision it made (``get_for``, ``can``, ``may``) and
a page's sections share the reads they would otherwise repeat (:func:`remembered`). Outside
it, nothing is remembered. ``core.access`` re-exports these names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db import models

from defector.core.principals import Action
from defector.core.users import AnyUser

#: Decisions remembered within :func:`remembering` (a page's reading), by (user, action,
#: model, row); ``None`` outside it.
REMEMBERED: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar(
    "defector_access_remembered", default=None
)


@contextmanager
def remembering() -> Iterator[None]:
    """Within the block, :func:`can` asks the database once per user, action and object: for
    reading (a GET), when nothing the rules read changes meanwhile."""
    token = REMEMBERED.set({})
    try:
        yield
    finally:
        REMEMBERED.reset(token)


_T = TypeVar("_T")


def remembered(key: tuple[Any, ...], read: Callable[[], _T]) -> _T:
    """``read()``, once per ``key`` within :func:`remembering` (every time outside it): for a
    read that several sections of one page repeat (``key`` names the read and its object)."""
    memo = REMEMBERED.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]  # type: ignore[no-any-return]


def remember(key: tuple[Any, ...], value: object) -> None:
    """Within :func:`remembering`, let a later :func:`remembered` with ``key`` answer ``value``
    (a list read for display that also answers a gate's read of the same rows)."""
    memo = REMEMBERED.get()
    if memo is not None:
        memo[key] = value


def decision_key(user: AnyUser | None, action: Action | str, obj: models.Model) -> tuple[Any, ...]:
    return (getattr(user, "pk", None), str(action), obj._meta.label_lower, obj.pk)


def decided(user: AnyUser | None, action: Action | str, obj: models.Model) -> bool | None:
    """Whether ``user`` may ``action`` ``obj`` as already decided within :func:`remembering`
    (by :func:`get_for`, :func:`can` or :func:`may`); ``None`` when not decided yet, or
    outside it. Asks nothing of the database."""
    memo = REMEMBERED.get()
    if memo is None:
        return None
    answer = memo.get(decision_key(user, action, obj))
    return None if answer is None else bool(answer)
