"""Principals read, and access decided, once for the length of one action, whatever objects its
reads make.

``core.principals`` caches a user's principal on the user object it read it for; two reads of
the same officials (an intake's owners of obligations, then the officials its notices go to)
make two objects for each user, and so read their principals twice. Within
:func:`knowing_principals` (one action, in its transaction: nothing the principals read
changes meanwhile), :func:`read_principals` keeps what it read by user id, and
:func:`recall_principals` gives another object of the same user that principal, so that
``core.access`` reads only the principals nobody read yet. Likewise :func:`keep_decisions`
keeps who may and who may not do an action on an object (as ``core.access.who_can`` decided
it), for :func:`decisions` to answer later in the same action without asking again. Outside
it nothing is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Model

from defector.core.principals import Principal, principals_for

#: The principals read within :func:`knowing_principals`, by user id; ``None`` outside it.
_KNOWN: ContextVar[dict[int, Principal] | None] = ContextVar(
    "defector_principals_known", default=None
)
#: The decisions kept within :func:`knowing_principals`: by (model, object, action), whether
#: each user id may; ``None`` outside it.
_DECIDED: ContextVar[dict[tuple[str, Any, str], dict[int, bool]] | None] = ContextVar(
    "defector_decisions_known", default=None
)
#: The rosters kept within :func:`knowing_principals`: by (post, roles, case), the officials;
#: ``None`` outside it.
_ROSTERS: ContextVar[dict[tuple[Any, frozenset[str], Any], tuple[Any, ...]] | None] = ContextVar(
    "defector_rosters_known", default=None
)
#: Where ``core.principals`` caches a user's principal on the user object.
_CACHED = "_defector_principal"


@contextmanager
def knowing_principals() -> Iterator[None]:
    """Within the block, principals read with :func:`read_principals` are recalled for other
    objects of the same users (:func:`recall_principals`). For one action's writes, when
    nothing a principal is read from changes meanwhile."""
    token = _KNOWN.set({})
    decided = _DECIDED.set({})
    rosters = _ROSTERS.set({})
    try:
        yield
    finally:
        _ROSTERS.reset(rosters)
        _DECIDED.reset(decided)
        _KNOWN.reset(token)


def knowing() -> bool:
    """Whether principals and decisions are kept (within :func:`knowing_principals`)."""
    return _KNOWN.get() is not None


def _key(action: str, obj: Model) -> tuple[str, Any, str]:
    return (obj._meta.label_lower, obj.pk, str(action))


def keep_decisions(users: Iterable[User], action: str, obj: Model, allowed: Iterable[User]) -> None:
    """Keep, within :func:`knowing_principals`, that of ``users`` those ``allowed`` may do
    ``action`` on ``obj`` and the others may not (``core.access.who_can``'s answer)."""
    kept = _DECIDED.get()
    if kept is None:
        return
    yes = {user.pk for user in allowed}
    found = kept.setdefault(_key(action, obj), {})
    for user in users:
        found[user.pk] = user.pk in yes


def decisions(users: Sequence[User], action: str, obj: Model) -> list[User] | None:
    """Those of ``users`` who may do ``action`` on ``obj``, in order, as kept within
    :func:`knowing_principals`; ``None`` unless it was decided for every one of them."""
    kept = _DECIDED.get()
    found = kept.get(_key(action, obj)) if kept is not None else None
    if found is None or any(user.pk not in found for user in users):
        return None
    return [user for user in users if found[user.pk]]


def read_principals(users: Sequence[User]) -> None:
    """Read the principals of ``users`` not known yet, in one batch (``principals_for``), and
    keep them within :func:`knowing_principals`."""
    recall_principals(users)
    principals_for(users)
    known = _KNOWN.get()
    if known is None:
        return
    for user in users:
        principal = getattr(user, _CACHED, None)
        if isinstance(principal, Principal) and user.pk is not None:
            known[user.pk] = principal


def recall_principals(users: Iterable[User]) -> None:
    """Give each of ``users`` whose principal was read within :func:`knowing_principals` (as
    another object) that principal, so that it is not read again."""
    known = _KNOWN.get()
    if not known:
        return
    for user in users:
        if getattr(user, _CACHED, None) is None and user.pk in known:
            setattr(user, _CACHED, known[user.pk])


def keep_roster(post_id: Any, roles: Iterable[str], case_id: Any, officials: Iterable[Any]) -> None:
    """Keep, within :func:`knowing_principals`, that the active officials holding one of
    ``roles`` at post ``post_id`` or assigned to case ``case_id`` are ``officials`` (in order,
    each with its user): what ``notifications.actions.post_officials`` would read."""
    kept = _ROSTERS.get()
    if kept is not None:
        kept[(post_id, frozenset(roles), case_id)] = tuple(officials)


def roster(post_id: Any, roles: Iterable[str], case_id: Any) -> list[Any] | None:
    """The officials kept by :func:`keep_roster` for the same post, roles and case, or
    ``None``."""
    kept = _ROSTERS.get()
    found = kept.get((post_id, frozenset(roles), case_id)) if kept is not None else None
    return list(found) if found is not None else None
