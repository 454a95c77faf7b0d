"""A scratch SQLite site for the tests that run ``defector`` in processes of their own (the
server, the crash harness, the command line, concurrent writers).

:func:`migrated_sqlite` puts in a state directory the database file that ``defector migrate``
makes in an empty one. The migration runs once per test process, in a process of its own as
before, and each caller gets a copy of its file: migrating costs many seconds of CPU, and the
file is the same every time (the migrations themselves are tested by every test that uses the
suite's database, and by the ones here through that copy).
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import defector

SRC = Path(defector.__file__).resolve().parents[1]
#: The file ``defector`` uses in its state directory (``defector.settings``).
DATABASE_FILE = "defector.sqlite3"

_template: Path | None = None


def _migrate_once() -> Path:
    global _template
    if _template is None:
        where = Path(tempfile.mkdtemp(prefix="defector-migrated-"))
        atexit.register(shutil.rmtree, where, True)
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DEFECTOR_", "PROMETHEUS_")) and k != "DATABASE_URL"
        }
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH", "")]))
        env["DEFECTOR_STATE_DIR"] = str(where)
        done = subprocess.run(
            [sys.executable, "-m", "defector.cli", "migrate", "-v0"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"defector migrate failed:\n{done.stdout}{done.stderr}")
        _template = where / DATABASE_FILE
    return _template


def migrated_sqlite(state: Path) -> Path:
    """``state``'s database file (``state/defector.sqlite3``) just migrated, as ``defector
    migrate`` leaves it in an empty state directory; ``state`` is made if need be."""
    template = _migrate_once()
    state.mkdir(parents=True, exist_ok=True)
    target = state / DATABASE_FILE
    shutil.copy2(template, target)
    return target
