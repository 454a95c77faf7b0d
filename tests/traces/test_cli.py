"""The command line of ``contracts/traces.md``: ``defector import-watchlist`` and
``defector trace``, their options, output, and exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from defector.core.models import AuditEvent
from defector.traces.models import WatchlistEntry, WatchlistSource

from .conftest import LIAISON, RunCli, WriteCsv

pytestmark = pytest.mark.django_db


# --- import-watchlist ---------------------------------------------------------------------------


def test_an_import_prints_one_summary_line_and_exits_0(
    write_csv: WriteCsv, run_cli: RunCli
) -> None:
    result = run_cli("import-watchlist", str(write_csv()))
    assert result.code == 0
    assert result.err == ""
    lines = result.out.strip().splitlines()
    assert len(lines) == 1
    assert "3 entries" in lines[0]
    assert "6 names" in lines[0]
    source = WatchlistSource.objects.get()
    assert source.name == "liaison-1964"  # the file's name without its extension
    assert source.entry_count == 3
    entry = WatchlistEntry.objects.get(reference="A-1142")
    assert entry.aliases == ["Iurii Nossenko", "Yura Nosenko"]
    assert entry.date_of_birth == "1927-10-30"
    assert entry.nationality == "SU"


def test_source_names_the_list(write_csv: WriteCsv, run_cli: RunCli) -> None:
    assert run_cli("import-watchlist", str(write_csv()), "--source", "bnd-list").code == 0
    assert list(WatchlistSource.objects.values_list("name", flat=True)) == ["bnd-list"]


def test_an_import_is_audited_without_names(write_csv: WriteCsv, run_cli: RunCli) -> None:
    run_cli("import-watchlist", str(write_csv()))
    event = AuditEvent.objects.get(action="traces.watchlistsource.import")
    assert event.after["entries"] == 3
    assert "Носенко" not in json.dumps(event.after, ensure_ascii=False)


def test_a_bad_row_imports_nothing_and_names_its_line_and_column(
    write_csv: WriteCsv, run_cli: RunCli
) -> None:
    text = (
        "reference,name,date_of_birth,nationality\n"
        "A-1,Good Name,1950,SU\n"
        'A-2,"Two\nlines",1990-13-01,XX\n'
        "A-1,,,\n"
    )
    result = run_cli("import-watchlist", str(write_csv(text, "bad.csv")))
    assert result.code == 2
    assert result.out == ""
    assert "line 3, column 3 (date_of_birth)" in result.err
    assert "line 3, column 4 (nationality)" in result.err
    # the row after a quoted line break starts on line 5
    assert "line 5, column 1 (reference)" in result.err
    assert "line 5, column 2 (name): is required" in result.err
    assert not WatchlistSource.objects.exists()
    assert not WatchlistEntry.objects.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("reference,name,remarks\nA,B,C\n", "line 1, column 3 (remarks): unknown column"),
        ("reference,aliases\nA,B\n", "the column 'name' is required"),
        ("reference,name\nA,B,C\n", "line 2: has 3 fields"),
        ("reference,name,nationality\nA,B,su\n", "country codes are upper-case"),
        ("", "the file is empty"),
        ("reference,name\n", "the file holds no entries"),
    ],
)
def test_bad_files_exit_2_with_the_problem_on_stderr(
    write_csv: WriteCsv, run_cli: RunCli, text: str, expected: str
) -> None:
    result = run_cli("import-watchlist", str(write_csv(text, "bad.csv")))
    assert result.code == 2
    assert result.out == ""
    assert expected in result.err


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path, run_cli: RunCli) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("reference,name\nA,Müller\n".encode("latin-1"))
    result = run_cli("import-watchlist", str(path))
    assert result.code == 2
    assert "line 2" in result.err
    assert "UTF-8" in result.err


def test_historical_country_codes_are_accepted(write_csv: WriteCsv, run_cli: RunCli) -> None:
    text = "reference,name,nationality\nA,One,SU\nB,Two,CS\nC,Three,DD\nD,Four,YU\n"
    assert run_cli("import-watchlist", str(write_csv(text, "old.csv"))).code == 0
    assert WatchlistEntry.objects.count() == 4


def test_importing_a_source_again_replaces_its_entries(
    write_csv: WriteCsv, run_cli: RunCli
) -> None:
    run_cli("import-watchlist", str(write_csv()))
    other = write_csv("reference,name\nZ-1,Jan Nowak\n", "other.csv")
    run_cli("import-watchlist", str(other), "--source", "other")
    again = write_csv("reference,name\nA-1142,Yuri Nosenko\nD-9,Ivan Petrov\n", "liaison-1964.csv")
    result = run_cli("import-watchlist", str(again))
    assert result.code == 0
    assert sorted(
        WatchlistEntry.objects.filter(source__name="liaison-1964").values_list(
            "reference", flat=True
        )
    ) == ["A-1142", "D-9"]
    assert WatchlistEntry.objects.filter(source__name="other").count() == 1
    assert run_cli("trace", "Jan Kowalski", "--json").out.count("B-7") == 0


def test_a_refused_reimport_keeps_the_source_as_it_was(
    write_csv: WriteCsv, run_cli: RunCli
) -> None:
    run_cli("import-watchlist", str(write_csv()))
    bad = write_csv("reference,name\nA-1,\n", "liaison-1964.csv")
    assert run_cli("import-watchlist", str(bad)).code == 2
    assert WatchlistEntry.objects.count() == 3


# --- trace --------------------------------------------------------------------------------------


def test_trace_json_has_the_contracts_shape(liaison: Path, run_cli: RunCli) -> None:
    result = run_cli("trace", "Юрий Иванович Носенко", "--json")
    assert result.code == 0
    data = json.loads(result.out)
    assert data["query"] == {"name": "Юрий Иванович Носенко", "dob": None, "nationality": None}
    assert data["hits"], "an exact same name is found"
    first = data["hits"][0]
    assert set(first) == {"source", "reference", "name", "matched", "score", "reasons"}
    assert first["source"] == "liaison-1964"
    assert first["reference"] == "A-1142"
    assert first["name"] == "Юрий Иванович Носенко"
    assert first["matched"] in ("Юрий Иванович Носенко", "Iurii Nossenko", "Yura Nosenko")
    for hit in data["hits"]:
        assert 0 <= hit["score"] <= 1
        assert hit["reasons"]
        assert all(isinstance(reason, str) for reason in hit["reasons"])
    scores = [hit["score"] for hit in data["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_trace_finds_an_alias(liaison: Path, run_cli: RunCli) -> None:
    data = json.loads(run_cli("trace", "Iurii Nossenko", "--json").out)
    assert data["hits"][0]["reference"] == "A-1142"


def test_trace_echoes_dob_and_nationality(liaison: Path, run_cli: RunCli) -> None:
    result = run_cli("trace", "Jan Kowalski", "--dob", "1950", "--nationality", "PL", "--json")
    data = json.loads(result.out)
    assert data["query"] == {"name": "Jan Kowalski", "dob": "1950", "nationality": "PL"}
    assert data["hits"][0]["reference"] == "B-7"


def test_limit_caps_the_hits(write_csv: WriteCsv, run_cli: RunCli) -> None:
    rows = "".join(f"R-{n},Ivan Petrov,,,\n" for n in range(15))
    run_cli(
        "import-watchlist",
        str(write_csv("reference,name,aliases,date_of_birth,nationality\n" + rows)),
    )
    assert len(json.loads(run_cli("trace", "Ivan Petrov", "--json").out)["hits"]) == 10
    result = run_cli("trace", "Ivan Petrov", "--limit", "3", "--json")
    assert len(json.loads(result.out)["hits"]) == 3


def test_no_hit_is_an_empty_list_and_exit_0(liaison: Path, run_cli: RunCli) -> None:
    result = run_cli("trace", "Zzyzx Qwerty", "--json")
    assert result.code == 0
    assert json.loads(result.out)["hits"] == []


def test_trace_without_json_prints_lines(liaison: Path, run_cli: RunCli) -> None:
    result = run_cli("trace", "Jan Kowalski")
    assert result.code == 0
    assert "B-7" in result.out


@pytest.mark.parametrize(
    "args",
    [
        ("",),
        ("   ",),
        ("Jan Kowalski", "--dob", "1950-02-30"),
        ("Jan Kowalski", "--dob", "50"),
        ("Jan Kowalski", "--nationality", "XX"),
        ("Jan Kowalski", "--limit", "0"),
        ("Jan Kowalski", "--limit", "-2"),
        ("Jan Kowalski", "--limit", "ten"),
    ],
)
def test_bad_input_exits_2_with_nothing_on_stdout(
    liaison: Path, run_cli: RunCli, args: tuple[str, ...]
) -> None:
    result = run_cli("trace", *args, "--json")
    assert result.code == 2
    assert result.out == ""
    assert result.err.strip()


def test_the_command_line_never_reads_case_records(
    liaison: Path, run_cli: RunCli, open_case: object
) -> None:
    open_case(true_name="Jan Kowalski")  # type: ignore[operator]
    data = json.loads(run_cli("trace", "Jan Kowalski", "--json").out)
    assert [hit["reference"] for hit in data["hits"]] == ["B-7"]


def test_the_contract_example_file_imports(write_csv: WriteCsv, run_cli: RunCli) -> None:
    assert run_cli("import-watchlist", str(write_csv(LIAISON))).code == 0
