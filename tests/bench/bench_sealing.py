"""Benchmark of sealing (``make bench``): prints figures; never part of the test run.

- seal and open per second, in-process, on 64-byte names (``Keyring.seal``/``Keyring.open``);
- saves per second of a Subject with 5 sealed fields on SQLite, against the same save with
  the 5 fields empty (the cost of sealing in a save);
- ``rotate-keys`` re-sealing throughput (rows of 5 sealed fields per second, batches of 500).

Runs in a temporary state directory (its own SQLite database and key file).
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

OPERATIONS = 50_000
SAVES = 2_000
NAME = "Arkady Nikolayevich Shevchenko, also known as Sasha, born Gorlovka"[:64]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def bench_keyring() -> tuple[float, float]:
    from defector.core.sealing import Keyring

    ring = Keyring.generate()
    associated = b"cases.subject.true_name:00000000-0000-4000-8000-000000000001"
    start = time.perf_counter()
    tokens = [ring.seal(NAME, associated) for _ in range(OPERATIONS)]
    seal_rate = OPERATIONS / (time.perf_counter() - start)
    start = time.perf_counter()
    for token in tokens:
        ring.open(token, associated)
    open_rate = OPERATIONS / (time.perf_counter() - start)
    return seal_rate, open_rate


def bench_saves() -> tuple[float, float, float]:
    from django.core.management import call_command

    from defector.cases.models import Case, Subject
    from defector.core import sealing
    from defector.directory.models import Post

    call_command("migrate", verbosity=0)
    post = Post.objects.create(code="VIENNA", name="Embassy Vienna", country="AT", city="Vienna")
    cases = Case.objects.bulk_create(
        Case(cryptonym=f"AEBENCH{number}", post=post, sensitivity="SECRET")
        for number in range(2 * SAVES)
    )
    sealed, plain = cases[:SAVES], cases[SAVES:]
    values = {
        "true_name": NAME,
        "aliases": "Sasha; A. N. Sevchenko",
        "birth_date": "1930-10-11",
        "birth_place": "Gorlovka, Ukrainian SSR",
        "identity_documents": "USSR diplomatic passport 00 1234567",
    }
    sealing.keyring()  # the key file is made before the clock starts
    start = time.perf_counter()
    for case in plain:
        Subject(case=case).save()
    plain_rate = SAVES / (time.perf_counter() - start)
    start = time.perf_counter()
    for case in sealed:
        Subject(case=case, **values).save()
    sealed_rate = SAVES / (time.perf_counter() - start)

    sealing.add_primary_key()
    start = time.perf_counter()
    rows = sealing.rotate(Subject, batch_size=sealing.DEFAULT_BATCH_SIZE)
    rotate_rate = rows / (time.perf_counter() - start)
    assert rows == SAVES, rows
    assert sealing.count_not_on_primary() == {}
    return sealed_rate, plain_rate, rotate_rate


def main() -> None:
    with tempfile.TemporaryDirectory() as state:
        os.environ["DEFECTOR_STATE_DIR"] = state
        os.environ.pop("DATABASE_URL", None)
        os.environ.pop("DEFECTOR_SEALING_KEYS", None)
        os.environ.pop("DEFECTOR_ENV", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "defector.settings")
        import django

        django.setup()
        print(f"machine: {machine()}")
        seal_rate, open_rate = bench_keyring()
        print(f"seal, in-process, 64-byte name:    {seal_rate:,.0f} /s ({OPERATIONS:,} values)")
        print(f"open, in-process, 64-byte name:    {open_rate:,.0f} /s ({OPERATIONS:,} values)")
        sealed_rate, plain_rate, rotate_rate = bench_saves()
        print(f"Subject save, 5 sealed fields:     {sealed_rate:,.0f} /s (SQLite, {SAVES:,})")
        print(f"Subject save, 5 fields empty:      {plain_rate:,.0f} /s (SQLite, {SAVES:,})")
        print(
            f"rotate-keys, 5 sealed fields/row:  {rotate_rate:,.0f} rows/s (SQLite, batches of 500)"
        )


if __name__ == "__main__":
    main()
