"""Benchmarks (``make bench``): print figures; never part of the pass/fail test run.

- facts assessed per second by the pure function, in-process (parsing included and not);
- ``defector assess`` on a 100,000-object batch, whole process.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from defector import policy  # noqa: E402
from defector.policy import countries  # noqa: E402

BATCH = 100_000


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


def random_facts(rng: random.Random) -> dict[str, Any]:
    codes = sorted(countries.COUNTRIES)
    named = sorted(countries.SECTION_2A_COUNTRIES)
    nationalities = [rng.choice(named if rng.random() < 0.7 else codes)]
    facts: dict[str, Any] = {
        "as_of": (dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(20_000))).isoformat(),
        "nationalities": nationalities,
        "location": rng.choice(codes),
        "special_value": rng.sample(
            ["information", "operational", "psychological"], rng.randrange(4)
        ),
        "requests": rng.sample(["asylum", "escape_assistance"], rng.randrange(3)),
        "persecution_grounds": rng.sample(
            ["race", "religion", "political_opinion"], rng.randrange(4)
        ),
    }
    for name in (
        "escaped_control",
        "unwilling_to_return",
        "dissatisfied",
        "susceptible",
        "willing_to_defect",
        "at_us_installation",
        "threat_information",
        "dci_extension",
    ):
        facts[name] = rng.random() < 0.5
    return facts


def bench_in_process(samples: list[dict[str, Any]]) -> tuple[float, float]:
    today = dt.date(2026, 11, 30)
    parsed = [policy.parse_facts(sample, today=today) for sample in samples]
    start = time.perf_counter()
    for facts in parsed:
        policy.assess(facts).to_dict()
    assess_rate = len(parsed) / (time.perf_counter() - start)
    start = time.perf_counter()
    for sample in samples:
        policy.assess(policy.parse_facts(sample, today=today)).to_dict()
    full_rate = len(samples) / (time.perf_counter() - start)
    return assess_rate, full_rate


def bench_cli(samples: list[dict[str, Any]]) -> tuple[float, float]:
    defector = Path(sys.executable).parent / "defector"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "batch.json"
        path.write_text(json.dumps(samples))
        env = {**os.environ, "DEFECTOR_STATE_DIR": tmp}
        start = time.perf_counter()
        result = subprocess.run(
            [str(defector), "assess", str(path)], env=env, capture_output=True, check=True
        )
        seconds = time.perf_counter() - start
        assert len(json.loads(result.stdout)) == len(samples)
        start = time.perf_counter()
        subprocess.run(
            [str(defector), "assess", "-"], env=env, input=b"[]", capture_output=True, check=True
        )
        startup = time.perf_counter() - start
    return seconds, startup


def main() -> None:
    rng = random.Random(4_21)
    samples = [random_facts(rng) for _ in range(BATCH)]
    print(f"machine: {machine()}")
    assess_rate, full_rate = bench_in_process(samples)
    print(f"in-process, assess only:        {assess_rate:,.0f} facts/s")
    print(f"in-process, parse + assess:     {full_rate:,.0f} facts/s")
    seconds, startup = bench_cli(samples)
    print(
        f"defector assess, {BATCH:,} objects: {seconds:.2f} s whole process "
        f"({BATCH / seconds:,.0f} facts/s; start-up alone {startup:.2f} s)"
    )


if __name__ == "__main__":
    main()
