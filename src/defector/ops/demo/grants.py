"""How a demo case reaches defector status: through the cases app's own actions."""

from __future__ import annotations

import base64
import datetime as dt
import struct
import zlib
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils import timezone

from defector.cases import actions as determination
from defector.cases import actions as handling
from defector.cases import queries
from defector.cases.models import Case
from defector.directory.models import Official


@dataclass(frozen=True)
class DemoGrant:
    """How a demo case reaches defector status the proper way: bona fides checks and an
    "established" verdict (``6b(3)(b)``), a signed statement witnessed by another official of
    the post (``6b(3)(c)``), the Senior US Representative's ``7a`` determination and the
    committee chair's grant, every represented agency concurring (``6b(2)``)."""

    witness: str
    senior: str
    chair: str
    language_code: str
    language_name: str
    statement: str
    statement_english: str
    risk: str
    rationale: str


def signature_png() -> str:
    """A tiny valid PNG (a 1×1 black pixel) as a data URL: the demo's signature drawn on
    screen (``cases.signatures.drawn``)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1×1, 8-bit greyscale
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


#: How many steps :func:`grant` takes (for spreading the demo's times).
GRANT_STEPS = 7


def grant(
    case: Case,
    grant: DemoGrant,
    *,
    officer: User,
    users: dict[str, User],
    at: dt.datetime,
    step: dt.timedelta,
) -> None:
    """Take ``case`` to defector status through the actions (:class:`DemoGrant`)."""
    analyst = Official.objects.get(user=officer)
    checks = []
    for kind, finding in (
        ("name_traces", "Name traces negative for deception."),
        ("interview_or_polygraph", "Polygraph: no deception indicated."),
    ):
        at += step
        case.refresh_from_db()
        checks.append(
            handling.add_bona_fides_check(
                acting_user=officer,
                case_id=case.pk,
                expected_version=case.version,
                kind=kind,
                analyst_id=analyst.pk,
                result="consistent",
                checked_on=timezone.localdate(at),
                finding=finding,
                at=at,
            )
        )
    at += step
    case.refresh_from_db()
    handling.record_bona_fides_verdict(
        acting_user=officer,
        case_id=case.pk,
        expected_version=case.version,
        verdict="established",
        check_ids=[check.pk for check in checks],
        rationale="Traces and polygraph consistent; bona fides established.",
        at=at,
    )
    at += step
    case.refresh_from_db()
    statement = handling.record_statement(
        acting_user=officer,
        case_id=case.pk,
        expected_version=case.version,
        language_code=grant.language_code,
        language_name=grant.language_name,
        text_original=grant.statement,
        text_english=grant.statement_english,
        signed_at=at,
        signature_drawing=signature_png(),
        at=at,
    )
    at += step
    case.refresh_from_db()
    handling.witness_statement(
        acting_user=users[grant.witness],
        case_id=case.pk,
        statement_id=statement.pk,
        expected_version=case.version,
        at=at,
    )
    at += step
    case.refresh_from_db()
    determination.determine_political_risk(
        acting_user=users[grant.senior],
        case_id=case.pk,
        expected_version=case.version,
        subject="case",
        level="low",
        reasoning=grant.risk,
        at=at,
    )
    at += step
    case.refresh_from_db()
    determination.determine_status(
        acting_user=users[grant.chair],
        case_id=case.pk,
        expected_version=case.version,
        decision="grant",
        special_value="Scientific information of special value (2a).",
        rationale=grant.rationale,
        positions=[
            {"agency_id": agency.pk, "stance": "concur", "note": ""}
            for agency in queries.represented_agencies(case.post)
        ],
        at=at,
    )
