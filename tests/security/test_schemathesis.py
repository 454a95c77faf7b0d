"""Schemathesis against the OpenAPI document (``/api/v1/openapi.json``), in process (WSGI):
every operation, 100 generated requests each, each request as one of the roles (an API token
of a demo-like official: case officer, committee member, chair, senior representative,
invited representative, IDC member, DCI delegate, auditor, administrator, an official without
roles, an account that is no official) — zero server errors, and every answer as the document
says (status code, content type, body schema).

Derandomized (the same requests every run), no deadline; the examples share one database, so
writes of one example are seen by the next, as in real use.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = [pytest.mark.django_db, pytest.mark.attack]

ROLES = (
    "case_officer",
    "committee_member",
    "committee_chair",
    "senior_representative",
    "invited_representative",
    "idc_member",
    "dci_delegate",
    "auditor",
    "administrator",
    "no_role",
    "not_an_official",
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = int(os.environ.get("DEFECTOR_SCHEMATHESIS_EXAMPLES", "100"))
#: Requests made, by operation (written to DEFECTOR_SCHEMATHESIS_REPORT if set).
CALLS: Counter[str] = Counter()


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    """Requests made straight to the WSGI application would close the test's database
    connection at their end (``close_old_connections``), as a server does between requests;
    on PostgreSQL that ends the test's transaction. Django's test client disconnects it the
    same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def role_tokens(kit: Any) -> dict[str, str]:
    world = kit.make_world()
    return {role: kit.token_for(world.users[role], "write") for role in ROLES}


def run_operation(operation: Any, tokens: dict[str, str]) -> None:
    """100 (EXAMPLES) generated requests to one operation, each as one of the roles."""

    @given(case=operation.as_strategy(), role=st.sampled_from(ROLES))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any, role: str) -> None:
        CALLS[operation.label] += 1
        case.call_and_validate(headers={"Authorization": f"Bearer {tokens[role]}"}, checks=CHECKS)

    run()


def summary(exc: BaseException) -> str:
    """The failure's gist: each sub-failure's first lines, without the reproduction."""
    parts = []
    for item in getattr(exc, "exceptions", None) or [exc]:
        lines = [line.strip() for line in str(item).splitlines() if line.strip()]
        parts.append(" / ".join(lines[:6]))
    return " || ".join(parts)[:1500]


def test_every_operation_answers_as_documented_for_every_role(
    role_tokens: dict[str, str],
) -> None:
    from defector.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            run_operation(operation, role_tokens)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # every operation is tried; the failures are listed
            failures.append(f"{operation.label}: {summary(exc)}")
    report = os.environ.get("DEFECTOR_SCHEMATHESIS_REPORT")
    if report:
        Path(report).write_text(
            json.dumps(
                {"operations": operations, "calls": sum(CALLS.values()), "by": dict(CALLS)},
                indent=1,
            ),
            encoding="utf-8",
        )
    print(f"\nschemathesis: {operations} operations, {sum(CALLS.values())} requests")
    assert operations > 50
    assert min(CALLS.values()) >= min(EXAMPLES, 1)
    assert failures == [], f"{len(failures)} operations fail:\n" + "\n".join(failures)
