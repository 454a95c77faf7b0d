"""The stored chain verified in two processes (``core.split``): the far half by a forked helper
over a SQLite file, taken only when it checks out and links to the near half; otherwise read
again in one process, so every fault is still named at its event."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from defector.core import chain
from support.scratch import migrated_sqlite

SCRIPT = """
import json
import django
django.setup()
from django.core.management import call_command
from django.conf import settings
from django.db import connection, transaction
from defector.core import audit, rows, signing, sources

def touch(count):
    for n in range(count):
        with transaction.atomic():
            audit.record(actor=None, action="test.thing.touch", object_id=n, after={"n": n})

def report(source=None):
    found = rows.verify_chain(
        public_keys=signing.verification_keys(), processes=2, split_from=10, batch_size=7,
        source=source,
    )
    faults = [(fault.seq, fault.kind) for fault in found.report.faults]
    return [found.processes, found.report.events, found.report.checkpoints, faults]

def reports():
    # Django's connection, and the file opened with sqlite3 alone (`defector audit verify`).
    source = sources.sqlite_source(settings.DATABASES["default"])
    try:
        return [report(), report(source)]
    finally:
        source.raw.close()

def edit(seq):
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM core_auditevent WHERE seq = %s", [seq])
        body = bytes(cursor.fetchone()[0]).replace(b'"n":', b'"n":9')
        cursor.execute("UPDATE core_auditevent SET body = %s WHERE seq = %s", [body, seq])

touch(30)
call_command("audit", "checkpoint", stdout=open("/dev/null", "w"))  # event 31, the far half
touch(9)
found = [reports()]
edit(5)  # the near half: named here, the helper's half still taken
found.append(reports())
edit(33)  # the helper's half: not taken, read again here
found.append(reports())
print(json.dumps(found))
"""


def test_the_far_half_is_verified_by_a_helper_process_and_every_fault_still_named(
    tmp_path: Path,
) -> None:
    migrated_sqlite(tmp_path)
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DEFECTOR_STATE_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "defector.settings",
        "DEFECTOR_AUDIT_SIGNING_KEY": chain.new_private_key_text(),
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    clean, near_edited, both_edited = json.loads(done.stdout)
    # 40 events, the checkpoint (event 31) checked against the helper's hash: two processes.
    # Each report twice: through Django's connection, and through sqlite3 alone.
    assert clean == [[2, 40, 1, []]] * 2
    assert near_edited == [[2, 40, 1, [[5, "altered"]]]] * 2
    # The helper's half did not check out: this process read it again and named the event.
    assert both_edited == [[1, 40, 1, [[5, "altered"], [33, "altered"]]]] * 2
