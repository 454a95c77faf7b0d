"""The authorization matrix: every page of the URL resolver and every operation of the OpenAPI
document × every role × the relation to the object (own post, other post, Washington) × its
sensitivity, against the expected decision of ``authorization.toml`` (one versioned table).

Every address is filled with a real object of its kind (``conftest.furnish`` makes them
through the actions): each case's own check, statement and task; each post's committee,
meeting, agenda item, procedures, guidance, briefed person and mutual problem — at the own
post and another. Default deny: an API operation or a page addressing a record that the table
does not name is a failure, and so is a row, object or default that names nothing.

Decisions: ``allow``, ``deny-404`` (as if it did not exist), ``deny-403`` (known but refused),
``sign-in`` (a page redirects to sign-in, the API answers 401). Pages are fetched with GET (a
page that only takes POST is posted empty); safe API operations with GET; unsafe ones are sent
with a body made from their schema inside a transaction that is rolled back, so an allowed
role changes nothing. An endpoint that nobody classified fails with where to classify it.

``DEFECTOR_MATRIX_DUMP=FILE`` writes every observed cell as JSON (to review a change);
``DEFECTOR_MATRIX_ONLY=PREFIX,…`` limits the run to the endpoints whose key starts with one
of the prefixes (while working on a few rows; the full run is the test).
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
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from defector.core.models import ApiToken, AuditEvent
from defector.directory.models import RoleAssignment

pytestmark = [pytest.mark.django_db, pytest.mark.attack]

TABLE_PATH = Path(__file__).with_name("authorization.toml")
TABLE = tomllib.loads(TABLE_PATH.read_text(encoding="utf-8"))
DECISIONS = {"allow", "deny-404", "deny-403", "sign-in"}
ROLES = ("anonymous", *TABLE["roles"])


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


#: Namespaces whose every endpoint needs its own row: they hold case and committee content.
UNDEFAULTED = frozenset({"cases", "committees", "escalations"})


def defaultable(endpoint: Endpoint) -> bool:
    """Whether a namespace default may classify ``endpoint``: a page of a namespace not in
    ``UNDEFAULTED`` that addresses no record."""
    return not endpoint.api and not endpoint.params and endpoint.namespace not in UNDEFAULTED


def classification(endpoint: Endpoint) -> dict[str, Any] | None:
    """The table's row for an endpoint: its own; else, for a page that takes no URL
    parameter, its namespace's default. Default deny: an API operation, or a page that
    addresses a record, has no row unless the table gives it one (a new operation is
    unclassified, so a failure, until someone says who may call it)."""
    row = TABLE["endpoints"].get(endpoint.key)
    if row is None and defaultable(endpoint):
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


#: Records that belong to a case (one of each per case, ``conftest.furnish``) and records that
#: belong to a post's committee (one of each at VIENNA and at BONN).
CASE_RECORDS = frozenset(
    {
        "check",
        "statement",
        "task",
        "obligation",
        "plan",
        "trace",
        "hit",
        "threat-report",
        "case-requirement",
        "debriefing",
        "attachment",
        "transfer",
        "proposal",
        "idc-report",
    }
)
POST_RECORDS = frozenset(
    {
        "committee",
        "meeting",
        "agenda-item",
        "procedures",
        "procedures-effective",
        "guidance",
        "briefed",
        "problem",
    }
)


@dataclass(frozen=True)
class Target:
    url: str
    relation_of: Any  # the post code of the object, or None
    sensitivity: str


def fill(route: str, values: dict[str, Any]) -> str:
    url = route
    for param, value in values.items():
        url = url.replace("{" + param + "}", str(value))
        for converter in ("int", "slug", "str", "path", "uuid"):
            url = url.replace(f"<{converter}:{param}>", str(value))
    return url


def targets(
    endpoint: Endpoint, world: Any, records: dict[str, dict[Any, int]], fixed: dict[str, Any]
) -> Iterator[Target]:
    """Each URL to request: one per case when the endpoint takes a case (with that case's
    own records, and once more the own SECRET case with another case's records: sensitivity
    "foreign"), one per post (VIENNA, BONN) when it takes a committee's record (and the own
    post's meeting with another post's agenda item: "foreign"), else one."""
    kinds = {param: object_kind(endpoint, param) for param in endpoint.params}
    constant = {
        param: fixed[kind]
        for param, kind in kinds.items()
        if kind != "case" and kind not in CASE_RECORDS | POST_RECORDS
    }
    if any(kind == "case" or kind in CASE_RECORDS for kind in kinds.values()):
        for key, case in world.cases.items():
            values = dict(constant)
            for param, kind in kinds.items():
                if kind == "case":
                    values[param] = case.pk
                elif kind in CASE_RECORDS:
                    values[param] = records[kind][key]
            post, sensitivity = key
            yield Target(fill(endpoint.path, values), post, sensitivity)
        if any(kind in CASE_RECORDS for kind in kinds.values()):
            # the own SECRET case, with the records of the other post's SECRET case: a
            # record is reached only through its own case
            values = dict(constant)
            for param, kind in kinds.items():
                if kind == "case":
                    values[param] = world.cases[("VIENNA", "SECRET")].pk
                elif kind in CASE_RECORDS:
                    values[param] = records[kind][("BONN", "SECRET")]
            yield Target(fill(endpoint.path, values), "VIENNA", "foreign")
    elif any(kind in POST_RECORDS for kind in kinds.values()):
        for post in ("VIENNA", "BONN"):
            values = dict(constant)
            for param, kind in kinds.items():
                if kind in POST_RECORDS:
                    values[param] = records[kind][post]
            yield Target(fill(endpoint.path, values), post, "-")
        posted = [param for param, kind in kinds.items() if kind in POST_RECORDS]
        if len(posted) > 1:
            # the own post's record holding another post's (a meeting and an agenda item)
            values = dict(constant)
            for param in posted:
                post = "VIENNA" if param == posted[0] else "BONN"
                values[param] = records[kinds[param]][post]
            yield Target(fill(endpoint.path, values), "VIENNA", "foreign")
    else:
        yield Target(fill(endpoint.path, constant), None, "-")


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


def send(
    client: Client, endpoint: Endpoint, url: str, row: dict[str, Any], objects: dict[str, int]
) -> Any:
    method = row.get("method", endpoint.method)
    if "query" in row:  # a required query parameter (``q`` of a search)
        url = f"{url}?{row['query']}"
    if method in ("GET", "HEAD"):
        response = client.get(url)
        # A page that only takes POST answers a GET with 303 to its page (keeping ``Allow``).
        post_only = response.status_code == 405 or (
            response.status_code == 303 and "GET" not in response.get("Allow", "GET")
        )
        if not post_only or endpoint.api:
            return response
        method = "POST"  # a page that only takes POST: post it (empty unless the row says)
    if "form" in row:  # a multipart upload: the row's fields and a small PDF as ``upload``
        with transaction.atomic():
            upload = SimpleUploadedFile("matrix.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
            response = client.post(url, {**row["form"], row["upload"]: upload})
            transaction.set_rollback(True)
        return response
    body = row.get("body")
    if "body_objects" in row:  # fields naming a record of VIENNA
        body = {
            **(body or {}),
            **{name: objects[kind] for name, kind in row["body_objects"].items()},
        }
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
    used = set()
    for key, row in {**TABLE["defaults"], **TABLE["endpoints"]}.items():
        profile = row if isinstance(row, str) else row["profile"]
        assert profile in TABLE["profiles"], f"{key}: no profile {profile!r}"
        used.add(profile)
    unused = sorted(set(TABLE["profiles"]) - used)
    assert unused == [], f"profiles that no row uses: {unused}"


def test_an_operation_without_its_own_row_is_unclassified_not_defaulted() -> None:
    """Default deny: a new API operation, a new page addressing a record, and a new page of
    the cases, committees or escalations are failures of the matrix until someone gives them
    a row, never classified by their namespace's default."""
    unknown = [
        Endpoint(
            "GET /api/v1/cases/{case_id}/secrets",
            "api:cases",
            "GET",
            "/api/v1/cases/{case_id}/secrets",
            ("case_id",),
            True,
        ),
        Endpoint(
            "GET /api/v1/directory/secrets",
            "api:directory",
            "GET",
            "/api/v1/directory/secrets",
            (),
            True,
        ),
        Endpoint("cases:secrets", "cases", "GET", "/cases/secrets/", (), False),
        Endpoint("committees:secrets", "committees", "GET", "/committees/secrets/", (), False),
        Endpoint(
            "directory:secret", "directory", "GET", "/directory/secrets/<int:pk>/", ("pk",), False
        ),
    ]
    assert [classification(endpoint) for endpoint in unknown] == [None] * len(unknown)
    assert all(not key.startswith("api:") for key in TABLE["defaults"])
    assert UNDEFAULTED.isdisjoint(TABLE["defaults"])


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
    found = endpoints(routes, operations)
    keys = {e.key for e in found}
    stale = [key for key in TABLE["endpoints"] if key not in keys]
    assert stale == [], f"rows for endpoints that no longer exist: {stale}"
    params = {f"{e.key}.{param}" for e in found for param in e.params} | {
        param for e in found for param in e.params
    }
    stale = [key for key in TABLE["objects"] if key not in params]
    assert stale == [], f"[objects] rows for URL parameters that no longer exist: {stale}"
    namespaces = {e.namespace for e in found if defaultable(e)}
    stale = [key for key in TABLE["defaults"] if key not in namespaces]
    assert stale == [], f"[defaults] rows that classify no page: {stale}"


def test_every_cell_of_the_matrix_gets_its_expected_decision(
    world: Any, kit: Any, routes: list[Any], operations: list[Any]
) -> None:
    clients: dict[str, Client] = {"anonymous": Client()}
    for role in TABLE["roles"]:
        client = Client()
        client.force_login(world.users[role])
        clients[role] = client
    kit.token_for(world.users["case_officer"], "read")
    records = kit.furnish(world)

    fixed = {
        "post": world.vienna.pk,
        "other-post": world.bonn.pk,
        "agency": world.cia.pk,
        "official": world.official("case_officer").pk,
        "role": RoleAssignment.objects.get(official=world.official("case_officer")).pk,
        "compartment": world.alpha.pk,
        "audit-event": AuditEvent.objects.order_by("seq").first().seq,
        "token": ApiToken.objects.get(user=world.users["case_officer"]).pk,
        "step": "resolve_locally",
        "verb": "withdraw",
        "result-verb": "result",
        "tab": "timeline",
        "notice": records["notice"]["-"],
        "source": records["source"]["-"],
        "requirement": records["requirement"]["-"],
        "transfer-verb": "accept",
        "power": records["power"]["-"],
    }
    vienna = {kind: by_post["VIENNA"] for kind, by_post in records.items() if "VIENNA" in by_post}
    only = tuple(os.environ.get("DEFECTOR_MATRIX_ONLY", "").split(","))
    observed: list[dict[str, str]] = []
    wrong: list[str] = []
    for endpoint in endpoints(routes, operations):
        row = classification(endpoint)
        if row is None or not endpoint.key.startswith(only):
            continue  # an unclassified one is reported by test_every_endpoint_is_classified
        for target in targets(endpoint, world, records, fixed):
            for role in ROLES:
                rel = relation(role, target.relation_of)
                want = expected(row["profile"], role, rel, target.sensitivity)
                response = send(clients[role], endpoint, target.url, row, vienna)
                got = decision_of(response)
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
                        "status": str(response.status_code),
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
