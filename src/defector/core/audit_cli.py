"""``defector audit verify`` without Django's application set-up, and its report.

``defector.cli`` runs :func:`verify_main` for ``defector audit verify`` instead of setting up
every application (their imports and signals take seconds): a verification reads the chain
with raw SQL (``core.rows``) and needs only the settings and a database connection, which it
opens with the database's driver alone (``core.sources``: Django's database backend and its
management machinery are not even imported). The management command
(``core/management/commands/audit.py``) runs the same :func:`verify` on Django's connection.
This module imports no model.
"""

from __future__ import annotations

import gc
import json
import os
import sqlite3
import sys
import warnings
from argparse import ArgumentParser
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.db import DatabaseError, connections

from defector.core import chain, rows, signing
from defector.core.sources import Source

#: How often (in events) ``verify`` reports its progress on a terminal.
PROGRESS_EVERY = 100_000
#: How many faults ``verify`` lists before it stops.
MAX_FAULTS = 100
#: Processes ``verify`` uses by default: two where there are two cores (``core.split``).
DEFAULT_PROCESSES = 2 if (os.cpu_count() or 1) >= 2 else 1


def add_verify_arguments(verify: ArgumentParser) -> None:
    verify.add_argument(
        "--checkpoint",
        metavar="FILE",
        action="append",
        default=[],
        help="a kept checkpoint (as printed by `audit checkpoint`); may be repeated",
    )
    verify.add_argument(
        "--public-key",
        metavar="B64",
        action="append",
        default=[],
        help="another public key checkpoints may be signed by (an earlier key); repeatable",
    )
    verify.add_argument(
        "--deep",
        action="store_true",
        help="also check each event's columns (what the pages filter on) against the bytes "
        "its hash covers; slower",
    )
    verify.add_argument(
        "--processes",
        type=int,
        choices=[1, 2],
        default=DEFAULT_PROCESSES,
        help="verify the far half of a long chain in a second process "
        f"(default: {DEFAULT_PROCESSES}, with this machine's cores)",
    )
    verify.add_argument("--json", action="store_true", help="print the report as JSON")
    progress = verify.add_mutually_exclusive_group()
    progress.add_argument(
        "--progress",
        action="store_true",
        default=None,
        help="report progress on standard error (default: when it is a terminal)",
    )
    progress.add_argument("--no-progress", dest="progress", action="store_false")


class CommandError(Exception):
    """``audit verify`` failed: the message and the exit status (1 faults, 2 bad input). The
    management command raises Django's ``CommandError`` with both (whose import would cost
    the command run from the shell a tenth of its start-up)."""

    def __init__(self, message: str, returncode: int = 1) -> None:
        super().__init__(message)
        self.returncode = returncode


#: Opens the database for :func:`verify_main` with its driver (``core.sources``): None when
#: the settings name another kind of database (then Django's connection is used).
Connect = Callable[[Mapping[str, Any]], Source | None]


def verify(options: dict[str, Any], stdout: Any, stderr: Any, source: Source | None = None) -> None:
    """``audit verify``: raises :class:`CommandError` (status 1 on faults, 2 on bad input).
    ``source``: the database opened in a read transaction (default Django's connection)."""
    kept = [checkpoint for path in options["checkpoint"] for checkpoint in read_kept(path)]
    try:
        keys = signing.verification_keys(options["public_key"])
    except signing.SigningKeyError as exc:
        raise CommandError(str(exc), returncode=2) from None
    show_progress = options["progress"]
    if show_progress is None:
        show_progress = stderr.isatty() and options.get("verbosity", 1) >= 1

    def progress(count: int) -> None:
        stderr.write(f"verified {count:,} events…")

    result = rows.verify_chain(
        kept=kept,
        public_keys=keys,
        progress=progress if show_progress else None,
        progress_every=PROGRESS_EVERY,
        max_faults=MAX_FAULTS,
        deep=options.get("deep", False),
        processes=options.get("processes", 1),
        source=source,
    )
    if options["json"]:
        stdout.write(json.dumps(result.to_dict(), indent=2))
    else:
        stdout.write(summary(result))
    if not result.ok:
        count = len(result.report.faults)
        raise CommandError(
            f"the audit chain has {count} fault{'s' if count != 1 else ''}", returncode=1
        )


class _Lines:
    """A stream that ends each write with a newline, as a command's ``self.stdout`` does."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> None:
        self.stream.write(text if text.endswith("\n") else text + "\n")

    def isatty(self) -> bool:
        return self.stream.isatty()


def verify_main(
    argv: list[str], connect: Connect | None = None, errors: tuple[type[Exception], ...] = ()
) -> int:
    """``defector audit verify ARGS`` without setting up Django's applications: the settings
    and the database connection are all it needs. ``connect`` opens the database with its
    driver (``errors``: the driver's); without it, or where it opens nothing, Django's
    connection is used. The exit status as the command's."""
    parser = ArgumentParser(
        prog="defector audit verify",
        description="Verify every link and checkpoint of the audit chain; exit 1 on any fault.",
    )
    add_verify_arguments(parser)
    parser.add_argument("-v", "--verbosity", type=int, default=1, choices=[0, 1, 2, 3])
    options = vars(parser.parse_args(argv))
    # Django warns of queries before its applications are ready; here none is needed.
    warnings.filterwarnings("ignore", "Accessing the database during app initialization")
    # Reading the chain makes a row and its bytes per event (two million objects over a
    # million events, each freed as soon as its batch is checked) and no reference cycle: the
    # cyclic collector, run every 700 of them, only walked them, about a tenth of the reading's
    # time. Off for the command (and its helper process, which is forked from it).
    gc.disable()
    unreadable: tuple[type[Exception], ...] = (DatabaseError, sqlite3.Error, *errors)
    source: Source | None = None
    try:
        source = connect(settings.DATABASES["default"]) if connect is not None else None
        verify(options, _Lines(sys.stdout), _Lines(sys.stderr), source)
    except CommandError as exc:
        sys.stderr.write(f"CommandError: {exc}\n")
        return exc.returncode
    except unreadable as exc:
        sys.stderr.write(
            f"CommandError: cannot read the audit chain ({exc}); is the database migrated "
            "(`defector migrate`)?\n"
        )
        return 2
    finally:
        if source is not None:
            source.raw.close()
        else:
            connections.close_all()
    return 0


def read_kept(path: str) -> list[chain.Checkpoint]:
    """The checkpoints in a kept file: one object, or a list of them, as printed."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CommandError(f"cannot read checkpoint {path}: {exc.strerror}", returncode=2) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CommandError(f"{path} is not JSON: {exc}", returncode=2) from None
    items = data if isinstance(data, list) else [data]
    found = []
    for item in items:
        if not isinstance(item, dict):
            raise CommandError(f"{path}: not a checkpoint object", returncode=2)
        try:
            found.append(chain.Checkpoint.from_dict(item))
        except ValueError as exc:
            raise CommandError(f"{path}: {exc}", returncode=2) from None
    return found


def summary(result: rows.Verification) -> str:
    """The report as people read it: counts, head, speed, then the faults."""
    report = result.report
    lines = [
        f"events:       {report.events:,}",
        f"checkpoints:  {report.checkpoints:,} checked "
        f"({result.stored_checkpoints:,} stored, {result.kept_checkpoints:,} kept)",
        f"head:         {report.head}",
        f"time:         {result.seconds:.2f} s ({result.events_per_second:,.0f} events/s"
        + (f", {result.processes} processes)" if result.processes > 1 else ")"),
    ]
    if result.deep:
        lines.append("columns:      checked against the bytes hashed (--deep)")
    first = report.first_bad
    if first is None:
        lines.append("result:       OK, every link and checkpoint verifies")
        return "\n".join(lines)
    lines.append(f"first bad:    {first}" if first.position else f"first fault:  {first}")
    lines.append(f"faults ({len(report.faults)}):")
    lines += [f"  {fault}" for fault in report.faults]
    if not report.complete:
        lines.append(f"  … stopped after {len(report.faults)} faults; later events not checked")
    lines.append("result:       FAULTY")
    return "\n".join(lines)
