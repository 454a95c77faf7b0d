"""Fixtures of the traces tests: the cast of :mod:`support.three_posts` (VIENNA's committee and
case officer, BONN's member, the IDC), watch lists written to files, the ``defector`` command
run in-process, and ``api(user)`` to call ``/api/v1/traces``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from defector import cli
from defector.cases.models import Case
from support.api import api_fixture
from support.builders import case_opener
from support.fixtures import MakeOfficial
from support.three_posts import (  # noqa: F401 (fixtures)
    _sealed,
    administrator,
    auditor,
    bonn_member,
    chair,
    cia_member,
    committee,
    default_agency,
    idc,
    invited,
    officer,
    open_case,
    second_idc,
    senior,
    state_member,
    tokyo_member,
    tokyo_senior,
    world_parts,
)
from support.world import World

api = api_fixture("/api/v1/traces")

#: A liaison service's list: one man in Cyrillic with Latin aliases, one Pole, one Chinese name.
LIAISON = (
    "reference,name,aliases,date_of_birth,nationality\n"
    "A-1142,Юрий Иванович Носенко,Iurii Nossenko;Yura Nosenko,1927-10-30,SU\n"
    "B-7,Jan Kowalski,,1950,PL\n"
    'C-3,"Wang, Li",王力,1940-05,CN\n'
)


@dataclass
class Run:
    code: int
    out: str
    err: str


RunCli = Callable[..., Run]


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> RunCli:
    """``run_cli("trace", "Yuriy Nosenko", "--json")``: the ``defector`` command in-process,
    with its exit status, standard output and standard error. A command closes the database
    connections when it ends; here they stay open, inside the test's transaction."""
    monkeypatch.setattr(connections, "close_all", lambda: None)

    def run(*args: str) -> Run:
        capsys.readouterr()
        code = 0
        try:
            cli.main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


WriteCsv = Callable[..., Path]


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteCsv:
    def write(text: str = LIAISON, name: str = "liaison-1964.csv") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode("utf-8"))
        return path

    return write


@pytest.fixture
def liaison(write_csv: WriteCsv, run_cli: RunCli, db: Any) -> Path:
    """The liaison list, imported."""
    path = write_csv()
    assert run_cli("import-watchlist", str(path)).code == 0
    return path


@pytest.fixture
def open_bonn_case(world: World, make_official: MakeOfficial) -> Callable[..., Case]:
    """Open a case at BONN as a case officer there (VIENNA's officials may not see it)."""
    opener = make_official("bonn.officer", ("case_officer", world.bonn))
    return case_opener(acting_user=opener, post_id=world.bonn.pk)
