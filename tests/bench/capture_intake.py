"""Receive a fixed set of intakes with the clock fixed and every random draw seeded, and print
a digest of the answers and of every table's rows, to compare two versions of the code byte
for byte (the same rows, audit events and hash chain, notices, traces…): ``diff`` the output
of two runs, each on a fresh copy of the same database.

The 60 requests through the API (``/api/v1/cases/walk-ins``, its preview, ``/reports``) by a
case officer of the busiest post: walk-ins with and without a note, aliases, a date of birth,
more officers, other facts (one of them refused: a day in the future), reports of both kinds,
an ``Idempotency-Key`` replayed; the last 15 repeat earlier names, so that their traces hit
(and tell the IDC). Every draw of ``secrets`` and ``uuid.uuid4`` (cryptonyms, seals' nonces,
uids, request ids) comes from one ``random.Random``, and ``django.utils.timezone.now`` moves
by 1.234 ms a call from a fixed moment::

    cp -r /tmp/small /tmp/copy
    DEFECTOR_STATE_DIR=/tmp/copy DEFECTOR_DEMO=true DEFECTOR_DEBUG=false PYTHONPATH=src \\
        .venv/bin/python tests/bench/capture_intake.py > /tmp/before.txt

(PostgreSQL: ``DATABASE_URL`` naming a copy, ``createdb -T``, with the same state directory's
keys.) Every intake is written: run it on a scratch copy.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import random
import secrets
import uuid
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "defector.settings")

DRAW = random.Random(42)  # a reproducible draw, on purpose
START = dt.datetime(2026, 12, 7, 4, 0, 0, tzinfo=dt.UTC)
FACTS: dict[str, Any] = {
    "nationalities": ["SU"],
    "escaped_control": True,
    "dissatisfied": True,
    "susceptible": True,
    "willing_to_defect": True,
    "special_value": ["information"],
    "requests": ["asylum"],
    "threat_information": True,
}
SYLLABLES = [c + v for c in "bdgklmnprstvz" for v in "aeiou"]


def _bytes(count: int = 32) -> bytes:
    return bytes(DRAW.getrandbits(8) for _ in range(count))


def _seed() -> None:
    """Every random draw from :data:`DRAW`, the clock from :data:`START` (before Django)."""
    secrets.choice = DRAW.choice  # type: ignore[assignment]
    secrets.token_bytes = _bytes
    secrets.token_hex = lambda count=32: _bytes(count).hex()
    secrets.token_urlsafe = lambda count=32: (
        base64.urlsafe_b64encode(_bytes(count)).rstrip(b"=").decode()
    )
    secrets.randbelow = DRAW.randrange
    uuid.uuid4 = lambda: uuid.UUID(int=DRAW.getrandbits(128), version=4)


def _word() -> str:
    return "".join(DRAW.choice(SYLLABLES) for _ in range(4)).capitalize()


def main() -> int:
    _seed()
    import django
    from django.utils import timezone

    clock = [START]

    def now() -> dt.datetime:
        clock[0] += dt.timedelta(microseconds=1234)
        return clock[0]

    timezone.now = now
    django.setup()
    from django.apps import apps
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from defector.cases.models import Case
    from defector.core import actions as core_actions
    from defector.directory.models import RoleAssignment

    # The fields whose default was taken before (a uid, the time) draw from the same.
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            default = getattr(field.default, "__name__", "")
            if default == "uuid4":
                field.default = uuid.uuid4
            elif default == "now" and field.default.__module__ == "django.utils.timezone":
                field.default = now
    busiest = Case.objects.values("post").annotate(n=Count("id")).order_by("-n", "post")[0]
    post_id = busiest["post"]
    officers = list(
        RoleAssignment.objects.filter(role="case_officer", post_id=post_id)
        .select_related("official__user")
        .order_by("pk")
    )
    user = officers[0].official.user
    _, token = core_actions.create_api_token(acting_user=user, user=user, name="capture", days=1)
    api = Client(headers={"Authorization": f"Bearer {token}"}, HTTP_HOST="127.0.0.1")
    answers: list[tuple[str, int, bytes]] = []

    def post(path: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        response = api.post(
            path, json.dumps(body), content_type="application/json", headers=headers or {}
        )
        answers.append((path, response.status_code, response.content))

    names = [f"{_word()} {_word()}" for _ in range(30)]
    for i in range(60):
        body: dict[str, Any] = {
            "facts": dict(FACTS),
            "post_id": post_id,
            "received_where": "front desk",
            "true_name": names[i % 30],
        }
        if i % 5 == 1:
            body["facts"] = {"nationalities": ["CN", "SU"], "requests": ["escape_assistance"]}
            body["aliases"] = f"{_word()}; {_word()}"
            body["birth_date"] = "1941-03"
        if i % 7 == 2:
            body["note"] = "Walked in at the consular window."
            body["request_other"] = "medical help"
        if i % 9 == 3 and len(officers) > 1:
            body["officer_ids"] = [o.official_id for o in officers[1:3]]
        if i % 11 == 4:
            body["facts"] = {"nationalities": ["DE"]}
        if i % 13 == 5:
            body["facts"]["threat_information"] = False
            body["facts"]["escaped_control"] = False
        if i % 10 == 6:
            kind = "potential_defector" if i % 20 == 6 else "disaffected_person"
            post("/api/v1/cases/reports", dict(body, kind=kind, note="Reported by a source."))
            continue
        if i % 17 == 8:
            body["facts"]["as_of"] = "2030-01-01"  # in the future: refused
        if i == 12:
            post("/api/v1/cases/walk-ins", body, {"Idempotency-Key": "k-12"})
            post("/api/v1/cases/walk-ins", body, {"Idempotency-Key": "k-12"})
            continue
        post("/api/v1/cases/walk-ins", body)
        post("/api/v1/cases/walk-ins/preview", {"facts": body["facts"], "post_id": post_id})
    codes = [status for _, status, _ in answers]
    digest = hashlib.sha256(repr(answers).encode()).hexdigest()[:16]
    print("answers", len(answers), {c: codes.count(c) for c in sorted(set(codes))}, digest)
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (the database's own tables)
            rows = sorted(
                tuple(bytes(v).hex() if isinstance(v, bytes | memoryview) else str(v) for v in row)
                for row in cursor.fetchall()
            )
            print(table, len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()[:16])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
