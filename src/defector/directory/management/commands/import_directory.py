"""``defector import_directory FILE.csv``: import agencies, compartments, posts and officials."""

from __future__ import annotations

import sys
from argparse import ArgumentParser, RawDescriptionHelpFormatter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from defector.core.errors import DomainError, InvalidInput
from defector.directory import actions
from defector.directory.importing import FORMAT_HELP


class Command(BaseCommand):
    help = (
        "Import agencies, compartments, posts and officials from a CSV file (all or nothing).\n\n"
        + FORMAT_HELP
        + "\n\nEvery error is reported on standard error as 'row N: column: message' (N is the\n"
        "line the row starts on; the header is line 1), the command exits with status 2, and\n"
        "nothing is imported. New officials have no password until an operator sets one with\n"
        "'defector changepassword USERNAME'.\n\n"
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", help="the CSV file to import, or - for standard input")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"]
        text = self._read(path)
        source = "standard input" if path == "-" else str(path)
        try:
            summary = actions.import_directory(acting_user=None, text=text, source=source)
        except InvalidInput as exc:
            for error in exc.errors:
                self.stderr.write(f"{error['field']}: {error['message']}")
            raise CommandError(
                f"nothing was imported: {len(exc.errors)} error(s) in {source}", returncode=2
            ) from None
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from None
        self.stdout.write(f"imported from {source}: {summary.describe()}")
        if summary.linked:
            self.stdout.write(
                "existing accounts made officials: " + ", ".join(sorted(summary.linked))
            )
        if summary.without_password:
            self.stdout.write(
                "these accounts have no password yet; set each with "
                "'defector changepassword USERNAME':"
            )
            for username in summary.without_password:
                self.stdout.write(f"  defector changepassword {username}")

    def _read(self, path: str) -> str:
        if path == "-":
            return sys.stdin.read()
        try:
            return Path(path).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"no such file: {path}", returncode=2) from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text", returncode=2) from None
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}", returncode=2) from None
