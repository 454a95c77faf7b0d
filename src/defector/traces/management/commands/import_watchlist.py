"""``defector import-watchlist PATH [--source NAME]``: import a watch list (contracts/traces.md).

All or nothing: any bad row and nothing is imported, exit status 2, and standard error names
each bad row by its line and column. Success: exit 0 and one summary line on standard output.
Importing a source again replaces its entries in one transaction.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from defector.core.errors import InvalidInput
from defector.traces import actions

EXIT_INVALID = 2


class Command(BaseCommand):
    help = "Import a watch list's CSV file for name traces (all or nothing; replaces the source)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", metavar="PATH", help="the CSV file (UTF-8, header row)")
        parser.add_argument(
            "--source",
            metavar="NAME",
            default=None,
            help="the watch list's name (default: the file's name without its extension)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                f"cannot read {path}: {exc.strerror or exc}", returncode=EXIT_INVALID
            ) from None
        source = options["source"] if options["source"] is not None else path.stem
        try:
            summary = actions.import_watchlist(acting_user=None, source=source, data=data)
        except InvalidInput as exc:
            lines = [
                error["message"]
                if error["field"] == "file"
                else f"{error['field']}: {error['message']}"
                for error in exc.errors
            ]
            raise CommandError(
                f"{path}: nothing imported:\n  " + "\n  ".join(lines), returncode=EXIT_INVALID
            ) from None
        self.stdout.write(summary.line())
