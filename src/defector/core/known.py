"""Principals read once for the length of one action, whatever objects its reads make.

``core.principals`` caches a user's principal on the user object it read it for; two reads of
the same officials (an intake's owners of obligations, then the officials its notices go to)
make two objects for each user, and so read their principals twice. Within
:func:`knowing_principals` (one action, in its transaction: nothing the principals read
changes meanwhile), :func:`read_principals` keeps what it read by user id, and
:func:`recall_principals` gives another object of the same user that principal, so that
``core.access`` reads only the principals nobody read yet. Outside it nothing is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth.models import User

from defector.core.principals import Principal, principals_for

#: The principals read within :func:`knowing_principals`, by user id; ``None`` outside it.
_KNOWN: ContextVar[dict[int, Principal] | None] = ContextVar(
    "defector_principals_known", default=None
)
#: Where ``core.principals`` caches a user's principal on the user object.
_CACHED = "_defector_principal"


@contextmanager
def knowing_principals() -> Iterator[None]:
    """Within the block, principals read with :func:`read_principals` are recalled for other
    objects of the same users (:func:`recall_principals`). For one action's writes, when
    nothing a principal is read from changes meanwhile."""
    token = _KNOWN.set({})
    try:
        yield
    finally:
        _KNOWN.reset(token)


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
