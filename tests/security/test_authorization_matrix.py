"""The authorization matrix: every page of the URL resolver and every operation of the OpenAPI
document × every role × the relation to the object (own post, other post, Washington) × its
sensitivity, against the expected decision of ``authorization.toml`` (one versioned table).

Decisions: ``allow``, ``deny-404`` (as if it did not exist), ``deny-403`` (known but refused),
``sign-in`` (a page redirects to sign-in, the API answers 401). Pages are fetched with GET (a
page that only takes POST is posted empty); safe API operations with GET; unsafe ones are sent
with a body made from their schema inside a transaction that is rolled back, so an allowed
role changes nothing. An endpoint that nobody classified fails with where to classify it.

``DEFECTOR_MATRIX_DUMP=FILE`` writes every observed cell as JSON (to review a change).
"""

from __future__ import annotations

import json
import os
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.attack]

TABLE_PATH = Path(__file__).with_name("authorization.toml")
TABLE = tomllib.loads(TABLE_PATH.read_text(encoding="utf-8"))
DECISIONS = {"allow", "deny-404", "deny-403", "sign-in"}
ROLES = ("anonymous", *TABLE["roles"])
MISSING_ID = 999_999


@dataclass(frozen=True)
class Endpoint:
    key: str
    namespace: str
    method: str
    path: str
    params: tuple[str, ...]
    api: bool
    body_schema: dict[str, Any] | None = None


def endpoints(routes: list[Any], operations: list[Any]) -> list[Endpoint]:
    found = [Endpoint(r.name, r.namespace, "GET", r.route, r.params, False) for r in routes]
    found += [
        Endpoint(o.key, o.namespace, o.method, o.path, o.params, True, o.body_schema)
        for o in operations
    ]
    return found


def classification(endpoint: Endpoint) -> dict[str, Any] | None:
    """The table's row for an endpoint: its own, else its namespace's default."""
    row = TABLE["endpoints"].get(endpoint.key)
    if row is None:
        row = TABLE["defaults"].get(endpoint.namespace)
    if row is None:
        return None
    return {"profile": row} if isinstance(row, str) else dict(row)


def expected(profile: str, role: str, relation: str, sensitivity: str) -> str:
    cells = TABLE["profiles"][profile]
    for key in (
        f"{role}@{relation}/{sensitivity}",
        f"{role}@{relation}",
        role,
        f"*@{relation}/{sensitivity}",
        f"*@{relation}",
        "*",
    ):
        if key in cells:
            return str(cells[key])
    raise AssertionError(f"profile {profile!r} has no cell for {role}@{relation}/{sensitivity}")


# --- filling the URL ------------------------------------------------------------------------


def object_kind(endpoint: Endpoint, param: str) -> str:
    kinds = TABLE["objects"]
    kind = kinds.get(f"{endpoint.key}.{param}") or kinds.get(param)
    if kind is None:
        raise AssertionError(
            f"{endpoint.key}: no object for the URL parameter {param!r}; say which in "
            "[objects] of tests/security/authorization.toml"
        )
    return str(kind)


@dataclass(frozen=True)
class Target:
    url: str
    relation_of: Any  # callable(role) -> relation, or None
    sensitivity: str


def targets(endpoint: Endpoint, world: Any, fixed: dict[str, Any]) -> Iterator[Target]:
    """Each URL to request: one per case when the endpoint takes a case, else one."""
    values: dict[str, Any] = {}
    case_params = []
    for param in endpoint.params:
        kind = object_kind(endpoint, param)
        if kind == "case":
            case_params.append(param)
        else:
            values[param] = fixed[kind]
    cases = list(world.cases.items()) if case_params else [(None, None)]
    for key, case in cases:
        for param in case_params:
            values[param] = case.pk
        url = endpoint.path
        for param, value in values.items():
            url = url.replace("{" + param + "}", str(value))
            for converter in ("int", "slug", "str", "path", "uuid"):
                url = url.replace(f"<{converter}:{param}>", str(value))
        if key is None:
            yield Target(url, None, "-")
        else:
            post, sensitivity = key
            yield Target(url, post, sensitivity)


def relation(role: str, post: str | None) -> str:
    if post is None:
        return "-"
    where = TABLE["roles"].get(role)
    if where == "own":
        return "own" if post == "VIENNA" else "other"
    if where == "washington":
        return "washington"
    return "none"


# --- a body from a schema -------------------------------------------------------------------


def example(schema: Any, root: dict[str, Any], depth: int = 0) -> Any:
    """A small instance of ``schema``: required properties only, the first of any choice."""
    if depth > 8 or not isinstance(schema, dict):
        return None
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return example(root["components"]["schemas"][name], root, depth + 1)
    for choice in ("anyOf", "oneOf"):
        if choice in schema:
            options = [o for o in schema[choice] if o.get("type") != "null"]
            return example(options[0] if options else {}, root, depth + 1)
    if "allOf" in schema:
        return example(schema["allOf"][0], root, depth + 1)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {
            name: example(properties.get(name, {}), root, depth + 1)
            for name in schema.get("required", [])
        }
    if kind == "array":
        count = int(schema.get("minItems", 0))
        return [example(schema.get("items", {}), root, depth + 1) for _ in range(count)]
    if kind == "string":
        fmt = schema.get("format", "")
        if fmt == "date":
            return "1976-06-01"
        if fmt == "date-time":
            return "1976-06-01T09:00:00+00:00"
        low = int(schema.get("minLength", 0))
        high = int(schema.get("maxLength", 200))
        return ("Matrix test text " * 10)[: max(low, min(high, 40))]
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return False
    return None


# --- requests -------------------------------------------------------------------------------


def decision_of(response: Any) -> str:
    status = response.status_code
    if status >= 500:
        return f"server-error-{status}"
    if status == 401:
        return "sign-in"
    if status in (301, 302, 303) and response["Location"].startswith(reverse("web:sign-in")):
        return "sign-in"
    if status == 403:
        return "deny-403"
    if status == 404:
        return "deny-404"
    if status == 405:
        return "method-not-allowed"
    return "allow"


def send(client: Client, endpoint: Endpoint, url: str, row: dict[str, Any]) -> Any:
    method = row.get("method", endpoint.method)
    if method in ("GET", "HEAD"):
        response = client.get(url)
        if response.status_code != 405 or endpoint.api:
            return response
        method = "POST"  # a page that only takes POST: post it (empty unless the row says)
    body = row.get("body")
    if body is None and endpoint.api and endpoint.body_schema is not None:
        body = example(endpoint.body_schema, endpoint.body_schema)
    with transaction.atomic():
        if endpoint.api:
            response = client.generic(
                method,
                url,
                json.dumps(body if body is not None else {}),
                content_type="application/json",
            )
        else:
            response = client.post(url, row.get("data", {}))
        transaction.set_rollback(True)
    return response


# --- the tests ------------------------------------------------------------------------------


def test_the_table_is_well_formed() -> None:
    assert isinstance(TABLE["version"], int)
    for name, cells in TABLE["profiles"].items():
        assert "*" in cells or all(
            any(key == role or key.startswith(f"{role}@") for key in cells) for role in ROLES
        ), f"profile {name} has no default cell"
        for key, decision in cells.items():
            assert decision in DECISIONS, f"{name}.{key}: {decision!r} is not a decision"
    for key, row in {**TABLE["defaults"], **TABLE["endpoints"]}.items():
        profile = row if isinstance(row, str) else row["profile"]
        assert profile in TABLE["profiles"], f"{key}: no profile {profile!r}"


def test_every_endpoint_is_classified(routes: list[Any], operations: list[Any]) -> None:
    unclassified = [e.key for e in endpoints(routes, operations) if classification(e) is None]
    assert unclassified == [], (
        "these endpoints are in no row of tests/security/authorization.toml: classify each "
        "(a row under [endpoints], or a default for its namespace under [defaults]) with the "
        "decision every role should get:\n  " + "\n  ".join(unclassified)
    )


def test_every_row_of_the_table_names_an_endpoint_that_exists(
    routes: list[Any], operations: list[Any]
) -> None:
    keys = {e.key for e in endpoints(routes, operations)}
    stale = [key for key in TABLE["endpoints"] if key not in keys]
    assert stale == [], f"rows for endpoints that no longer exist: {stale}"


def test_every_cell_of_the_matrix_gets_its_expected_decision(
    world: Any, kit: Any, routes: list[Any], operations: list[Any]
) -> None:
    clients: dict[str, Client] = {"anonymous": Client()}
    for role in TABLE["roles"]:
        client = Client()
        client.force_login(world.users[role])
        clients[role] = client
    own_token = kit.token_for(world.users["case_officer"], "read")
    del own_token
    from defector.core.models import ApiToken, AuditEvent

    fixed = {
        "post": world.vienna.pk,
        "other-post": world.bonn.pk,
        "agency": world.cia.pk,
        "official": world.official("case_officer").pk,
        "audit-event": AuditEvent.objects.order_by("seq").first().seq,
        "token": ApiToken.objects.get(user=world.users["case_officer"]).pk,
        "missing": MISSING_ID,
        "step": "resolve",
        "verb": "withdraw",
    }
    observed: list[dict[str, str]] = []
    wrong: list[str] = []
    for endpoint in endpoints(routes, operations):
        row = classification(endpoint)
        if row is None:
            continue  # reported by test_every_endpoint_is_classified
        for target in targets(endpoint, world, fixed):
            for role in ROLES:
                rel = relation(role, target.relation_of)
                want = expected(row["profile"], role, rel, target.sensitivity)
                got = decision_of(send(clients[role], endpoint, target.url, row))
                if row.get("signs_out") and role != "anonymous":
                    clients[role].force_login(world.users[role])  # sign-out ended its sessions
                observed.append(
                    {
                        "endpoint": endpoint.key,
                        "role": role,
                        "relation": rel,
                        "sensitivity": target.sensitivity,
                        "expected": want,
                        "got": got,
                    }
                )
                if got != want:
                    wrong.append(
                        f"{endpoint.key} [{row['profile']}] as {role} "
                        f"({rel}/{target.sensitivity}) {target.url}: expected {want}, got {got}"
                    )
    dump = os.environ.get("DEFECTOR_MATRIX_DUMP")
    if dump:
        Path(dump).write_text(json.dumps(observed, indent=1), encoding="utf-8")
    counts = Counter(cell["got"] for cell in observed)
    print(f"\nauthorization matrix: {len(observed)} cells, {dict(sorted(counts.items()))}")
    assert wrong == [], f"{len(wrong)} of {len(observed)} cells differ:\n" + "\n".join(wrong)
