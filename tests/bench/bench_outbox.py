"""Notice to SMTP server through the outbox and an idle worker.

A scratch SQLite database (or ``--postgres URL``, a scratch PostgreSQL database), a real SMTP
server on a free local port (aiosmtpd, ``tests/support/smtp.py``) and one ``defector worker``
process, idle. Then, one at a time, a notice with e-mail on is written (the notify call's
transaction commits, queueing the task) and the time until the SMTP server has accepted the
message is measured. Prints p50/p99/max over 200 notices (goal: p99 under 2 s).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]
NOTICES = 200


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", help="a scratch PostgreSQL database's URL")
    parser.add_argument("--notices", type=int, default=NOTICES)
    options = parser.parse_args()
    state = Path(tempfile.mkdtemp(prefix="bench-outbox-"))
    url = options.postgres or f"sqlite:///{state / 'bench.sqlite3'}"
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
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from defector.directory.models import Agency, Official, Post, RoleAssignment
    from defector.notifications import actions

    call_command("migrate", verbosity=0)
    post = Post.objects.create(code="VIENNA", name="Embassy Vienna", country="AT", city="Vienna")
    agency = Agency.objects.create(code="CIA", name="Central Intelligence Agency")
    user = get_user_model().objects.create_user(
        username="bench.member", email="member@example.gov", password=None
    )
    official = Official.objects.create(user=user, agency=agency, post=post, clearance="SECRET")
    RoleAssignment.objects.create(official=official, role="committee_member", post=post)

    worker = subprocess.Popen(
        [sys.executable, "-m", "defector.cli", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(5)  # started, and idle
        latencies = []
        for n in range(options.notices):
            start = time.monotonic()
            actions.notify_officials([official], "case", f"Case AEFOX at VIENNA: change {n}.")
            if not server.wait_for(n + 1, timeout=30):
                raise SystemExit(f"notice {n} did not arrive within 30 s")
            latencies.append(time.monotonic() - start)
            time.sleep(0.3)  # the worker idle again
    finally:
        worker.terminate()
        worker.wait(timeout=10)
        next(servers, None)
    latencies.sort()
    p50 = statistics.median(latencies)
    p99 = latencies[max(0, round(0.99 * len(latencies)) - 1)]
    database = "PostgreSQL" if options.postgres else "SQLite (file, WAL)"
    print(f"machine: {machine()}; database: {database}")
    print(
        f"notice committed -> accepted by the SMTP server, {len(latencies)} notices, idle "
        f"worker (poll 0.25 s): p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
