"""``defector backup PATH``: back the database up, online, with its content hash.

- ``defector backup PATH`` writes the backup (SQLite: the online backup API; PostgreSQL:
  ``pg_dump``, custom format) and, if there are sealed files, ``PATH.files.tar``; it prints
  the content hash of what it wrote. The keys are never in a backup: keep them apart.
- ``defector backup --verify PATH`` reads a backup back: a SQLite backup is checked and its
  content hash printed; a PostgreSQL archive's table of contents is read.
- ``defector backup --content-hash`` prints the live database's content hash (compare it with
  a backup's after a restore).

``--json`` prints the result, with each table's rows and hash, as JSON. Exit 2 on a failure.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from defector.ops import backups

KEYS_APART = (
    "not in it: the sealing keys and the audit signing key. Keep them apart from the backup "
    "(docs/operations.md, Backups)."
)


def describe(result: backups.BackupResult) -> dict[str, Any]:
    return {
        "engine": result.engine,
        "path": str(result.path),
        "bytes": result.size,
        "files": result.files,
        **({"entries": result.entries} if result.entries else {}),
        **({"content": result.digest.to_dict()} if result.digest else {}),
    }


class Command(BaseCommand):
    help = "Back the database up online (SQLite backup API or pg_dump) with its content hash."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", nargs="?", help="the backup file to write (or to verify)")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--verify", action="store_true", help="read the backup at PATH back and check it"
        )
        mode.add_argument(
            "--content-hash",
            action="store_true",
            help="print the live database's content hash (no PATH)",
        )
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["content_hash"]:
                if options["path"]:
                    raise CommandError("--content-hash takes no PATH", returncode=2)
                digest = backups.content_digest()
                self.stdout.write(
                    json.dumps(digest.to_dict(), indent=2)
                    if options["json"]
                    else f"content hash: {digest.sha256} ({len(digest.tables)} tables, "
                    f"{digest.rows:,} rows)"
                )
                return
            if not options["path"]:
                raise CommandError("give the PATH of the backup", returncode=2)
            path = Path(options["path"])
            result = backups.verify(path) if options["verify"] else backups.backup(path)
        except backups.BackupError as exc:
            raise CommandError(str(exc), returncode=2) from None
        if options["json"]:
            self.stdout.write(json.dumps(describe(result), indent=2))
            return
        self.stdout.write(f"backup:        {result.path} ({result.engine}, {result.size:,} bytes)")
        if result.digest is not None:
            self.stdout.write(
                f"content hash:  {result.digest.sha256} "
                f"({len(result.digest.tables)} tables, {result.digest.rows:,} rows)"
            )
        if result.entries:
            self.stdout.write(f"archive:       readable, {result.entries} entries")
        if not options["verify"]:
            if result.files:
                archive = backups.files_archive(result.path)
                self.stdout.write(f"sealed files:  {result.files} in {archive}")
            self.stdout.write(KEYS_APART)
