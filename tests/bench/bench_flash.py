"""A FLASH threat report's time to the first recipient's inbox and to the SMTP server.

A scratch SQLite database (or ``--postgres URL``: a scratch database made on that server and
dropped at the end), a real SMTP server on a free local port (aiosmtpd,
``tests/support/smtp.py``) and one ``defector worker`` process, idle; e-mail notices on. The
cast is built with ``tests/support`` (the world's VIENNA, its committee and chair, its senior
representative, an IDC member, every recipient with an e-mail address) and the case officer
opens a walk-in holding threat information (``6b(3)(a)``). Then, one at a time, the officer
issues a FLASH report (``dissemination.actions.issue_report``) and two times are measured from
the start of the call:

- inbox: until a recipient's notice of that report exists (read back from the database; the
  notices are written after the report's commit, in the issuing process);
- SMTP: until the SMTP server has accepted the first message of that report (sent by the
  worker through the outbox).

Prints p50/p99/max of both over 200 reports (goal: p99 under 2 s with the worker idle).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]
REPORTS = 200
#: The facts of a walk-in holding threat information.
THREAT_FACTS: dict[str, Any] = {
    "nationalities": ["SU"],
    "escaped_control": True,
    "unwilling_to_return": True,
    "dissatisfied": True,
    "willing_to_defect": True,
    "requests": ["asylum"],
    "threat_information": True,
}
REPORT = {
    "precedence": "flash",
    "threatened": "The embassy's motor pool",
    "location": "Vienna, the embassy garage",
    "timing": "Tonight, before midnight local time",
}


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    load = os.getloadavg()
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load[0]:.1f}"
    )


def temporary_postgres(url: str) -> tuple[str, str]:
    import psycopg

    parts = urlsplit(url)
    name = f"defector_bench_flash_{os.getpid()}"
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), maintenance


def drop_postgres(maintenance: str, url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def cast() -> tuple[Any, Any, int]:
    """VIENNA with its committee, chair, senior representative and an IDC member (each with an
    e-mail address), the case officer, and a case holding threat information. Returns the
    officer, the case and the number of recipients of a report."""
    from support.builders import case_opener, make_committee, make_official
    from support.world import build_world

    world = build_world(("cia", "state", "vienna"))
    officer = make_official(
        "case.officer",
        ("case_officer", world.vienna),
        agency=world.cia,
        clearance="TOP SECRET",
        email="officer@example.gov",
    )
    make_official(
        "chris.chair",
        ("committee_chair", world.vienna),
        agency=world.state,
        email="chair@example.gov",
    )
    make_official(
        "ambassador.vienna",
        ("senior_representative", world.vienna),
        agency=world.state,
        email="ambassador@example.gov",
    )
    make_official("idc.member", ("idc_member", None), agency=world.state, email="idc@example.gov")
    make_committee(world.vienna)
    case = case_opener(acting_user=officer, post_id=world.vienna.pk)(facts=THREAT_FACTS)
    return officer, case, 3


def percentiles(values: list[float]) -> str:
    values = sorted(values)
    p50 = statistics.median(values)
    p99 = values[max(0, round(0.99 * len(values)) - 1)]
    return f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {values[-1] * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", help="a PostgreSQL server's URL (a scratch database is made)")
    parser.add_argument("--reports", type=int, default=REPORTS)
    options = parser.parse_args()
    state = Path(tempfile.mkdtemp(prefix="bench-flash-"))
    maintenance = ""
    if options.postgres:
        url, maintenance = temporary_postgres(options.postgres)
    else:
        url = f"sqlite:///{state / 'bench.sqlite3'}"
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from support.smtp import run_smtp_server

    servers = run_smtp_server()
    server = next(servers)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "defector.settings",
        "DATABASE_URL": url,
        "DEFECTOR_STATE_DIR": str(state),
        "DEFECTOR_EMAIL_NOTICES": "true",
        "DEFECTOR_EMAIL_HOST": server.host,
        "DEFECTOR_EMAIL_PORT": str(server.port),
        "DEFECTOR_LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from defector.core import sealing

    env[sealing.KEYS_ENV] = os.environ[sealing.KEYS_ENV] = sealing.Keyring(
        primary="b1", keys={"b1": AESGCM.generate_key(256)}
    ).to_json()
    sealing.reset_keyring()

    from defector.dissemination import actions
    from defector.dissemination.actions.common import report_link
    from defector.notifications.models import Notice

    worker = None
    try:
        call_command("migrate", verbosity=0)
        officer, case, recipients = cast()
        server.wait_for(recipients + 10, timeout=3)  # the intake's e-mails, if any
        worker = subprocess.Popen(
            [sys.executable, "-m", "defector.cli", "worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(5)  # started, and idle; the intake's e-mails sent
        inbox: list[float] = []
        smtp: list[float] = []
        for n in range(options.reports):
            before = len(server.received)
            start = time.monotonic()
            report = actions.issue_report(
                acting_user=officer, case_id=case.pk, **REPORT, details=f"Report {n}."
            )
            if not Notice.objects.filter(link=report_link(report)).exists():
                raise SystemExit(f"report {n}: no notice after the issue call returned")
            inbox.append(time.monotonic() - start)
            if not server.wait_for(before + 1, timeout=30):
                raise SystemExit(f"report {n}: no e-mail within 30 s")
            smtp.append(time.monotonic() - start)
            if not server.wait_for(before + recipients, timeout=30):
                raise SystemExit(f"report {n}: not every e-mail within 30 s")
            time.sleep(0.3)  # the worker idle again
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=10)
        next(servers, None)
        if options.postgres:
            drop_postgres(maintenance, url)
        shutil.rmtree(state, ignore_errors=True)
    database = "PostgreSQL" if options.postgres else "SQLite (file, WAL)"
    print(f"machine: {machine()}; database: {database}")
    print(f"{len(inbox)} FLASH reports, {recipients} recipients each, idle worker (poll 0.25 s)")
    print(f"issue -> first recipient's notice (inbox): {percentiles(inbox)}")
    print(f"issue -> first e-mail accepted by the SMTP server: {percentiles(smtp)}")


if __name__ == "__main__":
    main()
