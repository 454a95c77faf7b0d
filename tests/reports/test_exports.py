"""Exports (``6d``): a status report as PDF and CSV, the worldwide view and a post's reports as
CSV — each an audited action, none holding a true name."""

from __future__ import annotations

import csv
import io
import re
import zlib
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from defector.cases.models import Case
from defector.core.exports import csv_text, safe_cell
from defector.core.models import AuditEvent
from defector.reports import actions
from defector.reports.models import StatusReport
from support.builders import signed_in_client

from .conftest import CANARY, Pursue, version_of

pytestmark = pytest.mark.django_db

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)


def pdf_text(content: bytes) -> str:
    """Every content stream of a PDF, inflated when compressed: the text drawn is in its
    string operands (the standard fonts write Latin-1 text as it is)."""
    assert content.startswith(b"%PDF-")
    parts = []
    for raw in STREAM.findall(content):
        try:
            parts.append(zlib.decompress(raw))
        except zlib.error:
            parts.append(raw)
    return b"\n".join(parts).decode("latin-1")


@pytest.fixture
def sent(officer: User, chair: User, defector_case: Case, pursue: Pursue) -> StatusReport:
    pursue(defector_case, "DCI-1", "satisfied", priority=1)
    pursue(defector_case, "DIA-7", "in_progress")
    report = actions.draft_report(
        acting_user=officer,
        case_id=defector_case.pk,
        expected_version=version_of(defector_case),
        comment="Debriefings continue at the safe house.",
    )
    return actions.send_report(acting_user=chair, report_id=report.pk, expected_version=1)


def test_the_pdf_holds_the_exploitation_per_requirement_and_no_true_name(
    idc: User, sent: StatusReport, defector_case: Case
) -> None:
    name, content = actions.export_report(acting_user=idc, report_id=sent.pk, fmt="pdf")
    assert name == f"report-{defector_case.cryptonym.lower()}-1.pdf"
    text = pdf_text(content)
    assert defector_case.cryptonym in text  # the extraction reads the text: it can fail
    assert "DCI-1" in text
    assert "DIA-7" in text
    assert "Satisfied" in text
    assert "In progress" in text
    for part in CANARY.replace("-", " ").split():
        assert part not in text
    assert CANARY not in content.decode("latin-1")


def test_the_csv_holds_the_exploitation_per_requirement_and_no_true_name(
    idc: User, sent: StatusReport, defector_case: Case
) -> None:
    _, content = actions.export_report(acting_user=idc, report_id=sent.pk, fmt="csv")
    rows = list(csv.reader(io.StringIO(content.decode())))
    assert rows[0] == ["section", "item", "value"]
    assert ["Case", "Cryptonym", defector_case.cryptonym] in rows
    exploitation = {row[1].split()[0]: row[2] for row in rows if row[0] == "Exploitation"}
    assert exploitation["DCI-1"] == "Satisfied"
    assert exploitation["DIA-7"] == "In progress"
    assert "Canarywing" not in content.decode()


def test_every_export_is_audited_with_who_what_and_the_filter(
    idc: User, chair: User, sent: StatusReport, world: Any
) -> None:
    actions.export_report(acting_user=idc, report_id=sent.pk, fmt="pdf")
    _name, lines = actions.export_world(acting_user=idc, filters={"stage": "reception"})
    text = "".join(lines)
    assert "Canarywing" not in text
    _, post_lines = actions.export_post(acting_user=chair, post_id=world.vienna.pk)
    assert "Canarywing" not in "".join(post_lines)
    events = {e.action: e for e in AuditEvent.objects.filter(action__endswith=".export")}
    assert events["reports.report.export"].actor_id == idc.pk
    assert events["reports.report.export"].after["format"] == "pdf"
    assert events["reports.world.export"].after == {
        "format": "csv",
        "filters": {"stage": "reception"},
        "rows": 1,
    }
    assert events["reports.post.export"].after["filters"] == {"post": "VIENNA"}
    assert events["reports.post.export"].actor_id == chair.pk


def test_the_pages_download_the_pdf_and_the_csvs(
    idc: User, sent: StatusReport, defector_case: Case
) -> None:
    client = signed_in_client(idc)
    pdf = client.get(f"/reports/{sent.pk}/pdf/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    world = client.get("/reports/world/export/?overdue=no")
    assert world.status_code == 200
    body = b"".join(world.streaming_content).decode()
    assert defector_case.cryptonym in body
    assert "Canarywing" not in body
    assert client.get(f"/reports/{sent.pk}/csv/").status_code == 200


def test_a_cell_a_spreadsheet_would_run_is_written_as_text() -> None:
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell(-3) == -3
    assert csv_text(("a", "b"), [["@x", None]]) == "a,b\n'@x,\n"


def test_the_command_line_exports_the_worldwide_view_audited(
    idc: User, sent: StatusReport, defector_case: Case, tmp_path: Any
) -> None:
    out = io.StringIO()
    call_command("report", "world", "--as", idc.username, "--overdue", "no", stdout=out)
    assert defector_case.cryptonym in out.getvalue()
    target = tmp_path / "report.pdf"
    call_command("report", "export", str(sent.pk), "--as", idc.username, "-o", str(target))
    assert target.read_bytes().startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="reports.world.export", actor_id=idc.pk).exists()
    with pytest.raises(CommandError):
        call_command("report", "world", "--as", "nobody.here")
