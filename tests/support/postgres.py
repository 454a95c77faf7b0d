"""Helpers for tests that reach past PostgreSQL's safeguards, as an attacker with database
access could."""

from __future__ import annotations

from typing import Any


def settle_deferred_checks(cursor: Any) -> None:
    """Run now the checks PostgreSQL defers to COMMIT (the audit head's,
    ``core_auditevent_moves_head``), then defer them again.

    A test runs in one transaction that it never commits; the appends it made leave those
    checks pending, and PostgreSQL refuses to ``ALTER TABLE`` (to disable a trigger and tamper
    with the log) while they are. An attacker would tamper in a transaction of their own, where
    nothing is pending: this puts the test's transaction in the same state."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
