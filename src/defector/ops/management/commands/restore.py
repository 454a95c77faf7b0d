"""``defector restore PATH [--force]``: restore a backup made by ``defector backup``.

Stop the server and the worker first. The backup's engine must be the database's (a SQLite
backup into SQLite, a ``pg_dump`` archive into PostgreSQL). A database that holds data is
replaced only with ``--force``. The keys are not in the backup: the restored sealed fields
open with the deployment's keyring, which must hold the keys they were sealed with. Prints the
restored content hash, to compare with the one ``defector backup`` printed; then run
``defector migrate`` (a backup of an older release) and ``defector audit verify``.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from defector.ops import backups
from defector.ops.management.commands.backup import describe


class Command(BaseCommand):
    help = "Restore a backup over the database (refused over data without --force)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", help="the backup file (as written by `defector backup`)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that holds data (everything in it is lost)",
        )
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backups.restore(Path(options["path"]), force=options["force"])
        except backups.BackupError as exc:
            raise CommandError(str(exc), returncode=2) from None
        if options["json"]:
            self.stdout.write(json.dumps(describe(result), indent=2))
            return
        self.stdout.write(f"restored:      {result.path} ({result.engine})")
        if result.digest is not None:
            self.stdout.write(
                f"content hash:  {result.digest.sha256} "
                f"({len(result.digest.tables)} tables, {result.digest.rows:,} rows)"
            )
        if result.files:
            self.stdout.write(f"sealed files:  {result.files} restored")
        self.stdout.write("next: `defector migrate`, then `defector audit verify`")
