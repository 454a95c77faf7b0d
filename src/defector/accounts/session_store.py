"""The session engine (``SESSION_ENGINE``): Django's database sessions, whose row is read
together with the account it is tracked for, in one statement.

Every page reads its session and then its account: two queries, where an API request reads
its token and account in one. Here the session's row is read with a left join through
``TrackedSession`` (which every signed-in session gets on its first request) to the account,
and :func:`defector.accounts.authentication.user_of` takes that account instead of asking for it
again — only when it is the account the session names and the session's hash still verifies
(a changed password ends the session as before). Everything else is Django's: the same table,
the same signed data, the same expiry; ending a session (signing out here or elsewhere,
``end_all_sessions``) deletes its row, and the next request finds none.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from defector.accounts.models import TrackedSession


@dataclass(frozen=True, slots=True)
class _Statement:
    """The statement for one database, and how to make an account of the columns it reads."""

    sql: str
    attnames: list[str]
    #: Where the account's primary key is among its columns (``NULL``: no account tracked).
    pk_index: int
    #: For each account column that needs them, its index and Django's converters.
    converters: list[tuple[int, Any, list[Any]]]


_statements: dict[str, _Statement] = {}
_lock = threading.Lock()


class SessionStore(db.SessionStore):
    """Django's database session store, which also keeps the account read with the row."""

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        #: The account tracked for this session, read with its row (``None``: none tracked).
        self.account: AbstractBaseUser | None = None
        #: The row's data as read (``None``: no row read).
        self._read: str | None = None
        #: What the session held when only its last-seen time had changed
        #: (:meth:`mark_seen_only`), serialized.
        self._seen_only: bytes | None = None

    def load(self) -> dict[str, Any]:
        self.account = None
        self._read = None
        row = _session_and_account(str(self.session_key), router.db_for_read(self.model))
        if row is None:
            self._session_key = None
            return {}
        data, account = row
        self.account = account
        self._read = data
        result: dict[str, Any] = self.decode(data)
        return result

    def mark_seen_only(self) -> None:
        """The session differs from its row only by its last-seen time
        (``accounts.sessions.touch``): unless more changes, :meth:`save` writes it only if
        the row is still as it was read. Every request of the session that read the old time
        would write a new one (``accounts.middleware``): the first writes, the others change
        no row."""
        self._seen_only = self._serialized()

    def _serialized(self) -> bytes:
        """The session's data as its serializer writes it (a change in place shows here)."""
        dumped: bytes = self.serializer().dumps(dict(self.items()))
        return dumped

    def save(self, must_create: bool = False) -> None:
        seen_only, self._seen_only = self._seen_only, None
        if (
            seen_only is None
            or must_create
            or self._read is None
            or self.session_key is None
            or self._serialized() != seen_only
        ):
            super().save(must_create)
            return
        self.save_if_unchanged()

    def save_if_unchanged(self) -> int:
        """Write the session's data (and expiry, as :meth:`save` does) only if its row holds
        what was read still; the number of rows changed (0 when another request wrote it
        first)."""
        data = self.encode(dict(self.items()))
        using = router.db_for_write(self.model)
        changed: int = (
            self.model.objects.using(using)
            .filter(session_key=self.session_key, session_data=self._read)
            .update(session_data=data, expire_date=self.get_expiry_date())
        )
        if changed:
            self._read = data
        return changed


def _statement(alias: str) -> _Statement:
    """The statement for the database ``alias``, made once per process."""
    made = _statements.get(alias)
    if made is None:
        connection = connections[alias]
        quote = connection.ops.quote_name
        session = db.SessionStore.get_model_class()._meta
        tracked = TrackedSession._meta
        account = get_user_model()._meta
        fields = list(account.concrete_fields)
        columns = ", ".join(f"a.{quote(field.column)}" for field in fields)
        converters = []
        for index, field in enumerate(fields):
            column = field.get_col("a")
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                converters.append((index, column, found))
        made = _Statement(
            # Only names from the models' metadata go into the text; values are parameters.
            sql=(
                f"SELECT s.{quote('session_data')}, {columns} "  # noqa: S608
                f"FROM {quote(session.db_table)} s "
                f"LEFT JOIN {quote(tracked.db_table)} t "
                f"ON t.{quote(tracked.get_field('session_key').column)} "
                f"= s.{quote('session_key')} "
                f"LEFT JOIN {quote(account.db_table)} a "
                f"ON a.{quote(account.pk.column)} = t.{quote(tracked.get_field('user').column)} "
                f"WHERE s.{quote('session_key')} = %s AND s.{quote('expire_date')} > %s"
            ),
            attnames=[field.attname for field in fields],
            pk_index=fields.index(account.pk),
            converters=converters,
        )
        with _lock:
            _statements[alias] = made
    return made


def _session_and_account(key: str, alias: str) -> tuple[str, AbstractBaseUser | None] | None:
    """The session's data and its tracked account, or ``None`` when the session is not there
    (never was, ended, or expired)."""
    statement = _statement(alias)
    connection = connections[alias]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, [key, now])
        row = cursor.fetchone()
    if row is None:
        return None
    data, values = row[0], list(row[1:])
    if values[statement.pk_index] is None:
        return str(data), None
    for index, column, converters in statement.converters:
        for convert in converters:
            values[index] = convert(values[index], column, connection)
    account = get_user_model().from_db(alias, statement.attnames, values)
    return str(data), account
