"""The leak scan: a canary true name, sealed at intake, must surface only where revealed.

After a case is opened with a canary true name and every kind of user has looked at it
through the pages and the API, the canary appears in no log line (SQL included), no audit
row, no response to a user who did not reveal it, and not in clear anywhere in the database.
The scanners are checked too: each must find the canary where it is planted on purpose.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from defector.core.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)

CANARY = "Qzanary Vortislav Xyloquist"
ALIAS_CANARY = "Qzanary-alias Tremolo"


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))
        if record.exc_info:
            self.lines.append(logging.Formatter().formatException(record.exc_info))


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    """Every log record of every logger, at DEBUG, with SQL and its parameters."""
    handler = Collect()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    db_logger = logging.getLogger("django.db.backends")
    db_previous = db_logger.level
    db_logger.setLevel(logging.DEBUG)
    connection.force_debug_cursor = True
    try:
        yield handler.lines
    finally:
        connection.force_debug_cursor = False
        db_logger.setLevel(db_previous)
        root.setLevel(previous)
        root.removeHandler(handler)


def database_text() -> bytes:
    """Everything the database holds, as bytes: the SQLite file image, or every PostgreSQL
    row of every table as JSON text."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection
        return bytes(raw.serialize())
    chunks: list[bytes] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT row_to_json(t)::text FROM {quoted} AS t")  # noqa: S608
            chunks.extend(row[0].encode() for row in cursor.fetchall())
    return b"\n".join(chunks)


def audit_text() -> str:
    return "\n".join(
        repr(row)
        for row in AuditEvent.objects.values_list()  # every column of every event
    )


def visit_everything(client: Client, case_id: int) -> list[str]:
    """Every page and endpoint where a case shows, as one user sees them."""
    bodies = []
    for url in (
        "/",
        "/cases/",
        f"/cases/{case_id}/",
        "/api/v1/cases",
        f"/api/v1/cases/{case_id}",
        "/audit/",
        "/directory/",
    ):
        bodies.append(client.get(url).content.decode())
    bodies.append(
        client.post(
            f"/cases/{case_id}/reveal/",
            {"field": "true_name", "reason": "checking whether I may see this"},
        ).content.decode()
    )
    bodies.append(
        client.post(
            f"/api/v1/cases/{case_id}/reveal",
            {"field": "true_name", "reason": "checking whether I may see this"},
            content_type="application/json",
        ).content.decode()
    )
    return bodies


def test_a_sealed_true_name_leaks_nowhere(
    open_case: Any,
    officer: Any,
    member: Any,
    officer_in_bonn: Any,
    idc: Any,
    auditor: Any,
    administrator: Any,
    no_roles: Any,
    not_an_official: Any,
    log_lines: list[str],
) -> None:
    case = open_case(true_name=CANARY, aliases=ALIAS_CANARY)
    unauthorised = [member, officer_in_bonn, idc, auditor, administrator, no_roles, not_an_official]
    for user in unauthorised:
        client = Client()
        client.force_login(user)
        for body in visit_everything(client, case.pk):
            assert CANARY not in body, f"{user.username} saw the true name"
            assert ALIAS_CANARY not in body
    anonymous = visit_everything(Client(), case.pk)
    assert all(CANARY not in body for body in anonymous)

    # The case officer may reveal it, and only that response carries it (the control).
    client = Client()
    client.force_login(officer)
    page = client.post(
        f"/cases/{case.pk}/reveal/",
        {"field": "true_name", "reason": "identity check before the debriefing"},
    )
    assert CANARY in page.content.decode()
    for body in visit_everything(client, case.pk)[:-2]:
        assert CANARY not in body, "the revealed name stayed on another page"

    assert log_lines, "the log collector saw nothing: the scan would be vacuous"
    assert any("INSERT" in line for line in log_lines), "SQL was not logged"
    for line in log_lines:
        assert CANARY not in line, f"log line leaks: {line[:200]}"
        assert ALIAS_CANARY not in line, f"log line leaks: {line[:200]}"
    assert "sealed.reveal" in audit_text()
    assert CANARY not in audit_text()
    assert ALIAS_CANARY not in audit_text()
    stored = database_text()
    assert CANARY.encode() not in stored
    assert ALIAS_CANARY.encode() not in stored
    assert CANARY.encode("utf-16-le") not in stored


def test_the_database_scan_finds_a_name_stored_in_clear(world: Any) -> None:
    world.vienna.city = CANARY
    world.vienna.save()
    assert CANARY.encode() in database_text()


def test_the_log_scan_sees_sql_parameters(world: Any, log_lines: list[str]) -> None:
    world.vienna.city = CANARY
    world.vienna.save()
    assert any(CANARY in line for line in log_lines)
