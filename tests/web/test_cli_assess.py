"""``defector assess PATH|-`` as outside tools run it (``contracts/assessment.md``, CLI).

Each test runs the installed console script in a subprocess, with its own state directory, so
the exit status, standard output and standard error are exactly what a caller sees.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from defector import policy
from support.require import skip_or_fail

DEFECTOR = Path(sys.executable).parent / "defector"
CONTRACT = Path(__file__).resolve().parents[2].parent / "shared" / "contracts" / "assessment.md"

#: The person of the contract's example outcome: an escaped Soviet walk-in with information.
EXAMPLE_FACTS: dict[str, Any] = {
    "as_of": "1980-01-01",
    "nationalities": ["SU"],
    "location": "AT",
    "escaped_control": True,
    "special_value": ["information"],
    "dissatisfied": True,
    "susceptible": True,
    "willing_to_defect": True,
    "at_us_installation": True,
    "requests": ["asylum"],
}
#: What the contract's example says about that person.
EXAMPLE_CATEGORIES = ["defector", "potential_defector", "disaffected_person", "walk_in"]
EXAMPLE_OBLIGATIONS = [
    "secure_reception",
    "consider_defector_status",
    "political_risk_determination",
    "establish_bona_fides",
    "obtain_voluntary_statement",
    "report_to_idc",
]
OUTCOME_KEYS = [
    "directive",
    "effective",
    "in_force",
    "covered",
    "applies",
    "categories",
    "obligations",
    "findings",
]


@pytest.fixture(scope="module")
def state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("state")


def start(state_dir: Path, *args: str) -> subprocess.Popen[bytes]:
    """Start ``defector ARGS`` with its own state directory (several may run at once)."""
    if not DEFECTOR.exists():
        pytest.fail(f"the console script {DEFECTOR} is not installed (pip install -e .)")
    env = {**os.environ, "DEFECTOR_STATE_DIR": str(state_dir)}
    return subprocess.Popen(
        [str(DEFECTOR), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def finish(process: subprocess.Popen[bytes], stdin: str = "") -> subprocess.CompletedProcess[str]:
    out, err = process.communicate(stdin.encode("utf-8"), timeout=60)
    return subprocess.CompletedProcess(
        process.args, process.returncode, out.decode("utf-8"), err.decode("utf-8")
    )


def run(state_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return finish(start(state_dir, *args), stdin)


def expected(facts: dict[str, Any]) -> dict[str, Any]:
    """The outcome the policy gives in-process (every test input names its ``as_of``)."""
    return policy.assess(policy.parse_facts(facts, today=dt.date(2000, 1, 1))).to_dict()


def test_one_object_from_a_file_prints_the_outcome(state_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(EXAMPLE_FACTS), encoding="utf-8")
    done = run(state_dir, "assess", str(path))
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert list(body) == OUTCOME_KEYS
    assert body == expected(EXAMPLE_FACTS)
    assert body["directive"] == "DCID 4/21"
    assert body["effective"] == "1976-05-18"
    assert body["categories"] == EXAMPLE_CATEGORIES
    assert body["obligations"] == EXAMPLE_OBLIGATIONS
    assert {
        "clause": "2a",
        "holds": True,
        "because": "national of SU; escaped control; special value: information",
    } in body["findings"]


@pytest.fixture(scope="module")
def example_from_stdin(state_dir: Path) -> subprocess.CompletedProcess[str]:
    return run(state_dir, "assess", "-", stdin=json.dumps(EXAMPLE_FACTS))


def test_one_object_from_standard_input_prints_the_same_outcome(
    example_from_stdin: subprocess.CompletedProcess[str],
) -> None:
    done = example_from_stdin
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected(EXAMPLE_FACTS)


def test_the_output_has_the_shape_of_the_contract_example(
    example_from_stdin: subprocess.CompletedProcess[str],
) -> None:
    if not CONTRACT.is_file():
        skip_or_fail("shared", f"{CONTRACT} is missing")
    block = re.search(r"```json\n(.*?)```", CONTRACT.read_text(encoding="utf-8"), re.S)
    assert block is not None, "the contract has no JSON example"
    example = json.loads(block.group(1))
    done = example_from_stdin
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert list(body) == list(example)
    for key in ("directive", "effective", "in_force", "covered", "applies"):
        assert body[key] == example[key], key
    assert body["categories"] == example["categories"]
    assert body["obligations"] == example["obligations"]
    for finding in example["findings"]:
        assert finding in body["findings"]


def test_a_batch_gives_outcomes_in_the_same_order(state_dir: Path, tmp_path: Path) -> None:
    batch = [
        EXAMPLE_FACTS,
        {"as_of": "1975-01-01", "nationalities": ["SU"], "location": "AT"},
        {
            "as_of": "1990-06-01",
            "nationalities": ["IR"],
            "location": "TR",
            "unwilling_to_return": True,
            "persecution_grounds": ["religion"],
        },
        {
            "as_of": "1980-01-01",
            "nationalities": ["CU"],
            "location": "US",
            "escaped_control": True,
            "special_value": ["operational"],
        },
    ]
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(batch), encoding="utf-8")
    done = run(state_dir, "assess", str(path))
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert isinstance(body, list)
    assert body == [expected(facts) for facts in batch]
    assert [outcome["applies"] for outcome in body] == [True, False, False, False]
    assert body[2]["categories"] == ["refugee"]


def test_an_empty_batch_gives_an_empty_array(state_dir: Path) -> None:
    done = run(state_dir, "assess", "-", stdin="[]")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


GOOD = {"as_of": "1980-01-01", "nationalities": ["SU"], "location": "AT"}

INVALID_ROWS: dict[str, tuple[str, list[str]]] = {
    "an unknown field is named with a suggestion": (
        json.dumps({**GOOD, "locaton": "AT"}),
        ["locaton", "location"],
    ),
    "an unknown country code is named": (
        json.dumps({**GOOD, "location": "XX"}),
        ["location", "XX"],
    ),
    "a missing location is named": (
        json.dumps({"nationalities": ["SU"]}),
        ["location", "required"],
    ),
    "a wrong type is named": (
        json.dumps({**GOOD, "escaped_control": "yes"}),
        ["escaped_control"],
    ),
    "an impossible date is named": (
        json.dumps({**GOOD, "as_of": "1976-02-30"}),
        ["as_of", "1976-02-30"],
    ),
    "a bad element of a batch is named with its index": (
        json.dumps([GOOD, {"nationalities": ["SU"]}, GOOD]),
        ["[1]", "location"],
    ),
    "text that is not JSON is refused": (
        '{"nationalities": ["SU"], "location": ',
        ["JSON"],
    ),
    "a key given twice is refused and named": (
        '{"nationalities": ["SU"], "location": "AT", "location": "DE"}',
        ["location", "twice"],
    ),
}


@pytest.fixture(scope="module")
def invalid_runs(state_dir: Path) -> dict[str, subprocess.CompletedProcess[str]]:
    """Every invalid input, run side by side (each run costs about half a second).

    The first runs alone: a fresh state directory gets its secret key file on first use, and
    that first use is not meant to be concurrent.
    """
    first, *rest = INVALID_ROWS
    done = {first: run(state_dir, "assess", "-", stdin=INVALID_ROWS[first][0])}
    started = {name: start(state_dir, "assess", "-") for name in rest}
    done.update({name: finish(process, INVALID_ROWS[name][0]) for name, process in started.items()})
    return done


@pytest.mark.parametrize("row", list(INVALID_ROWS), ids=list(INVALID_ROWS))
def test_invalid_input_exits_2_with_nothing_on_stdout(
    invalid_runs: dict[str, subprocess.CompletedProcess[str]], row: str
) -> None:
    done = invalid_runs[row]
    fragments = INVALID_ROWS[row][1]
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stdout == ""
    for fragment in fragments:
        assert fragment in done.stderr


def test_a_file_that_does_not_exist_exits_2_and_names_it(state_dir: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-facts.json"
    done = run(state_dir, "assess", str(missing))
    assert done.returncode == 2
    assert done.stdout == ""
    assert str(missing) in done.stderr


def test_defector_help_lists_assess(state_dir: Path) -> None:
    done = run(state_dir, "--help")
    assert done.returncode == 0, done.stderr
    assert re.search(r"^\s+assess\s", done.stdout, re.MULTILINE)


def test_defector_assess_help_exits_0(state_dir: Path) -> None:
    done = run(state_dir, "assess", "--help")
    assert done.returncode == 0, done.stderr
    assert "PATH" in done.stdout
