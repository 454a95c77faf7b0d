"""``defector reindex-traces``: rebuild the name traces' blind index under the primary key.

Run it after ``defector rotate-keys --new-key``: the index keys are derived from the sealing
keys, and rows under an older key are still searched (the query is hashed under each key the
index uses) until this moves them. Batch by batch, each batch in one transaction with one
audit record; ``--dry-run`` counts the rows not under the primary key.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from defector.traces import actions, blind


class Command(BaseCommand):
    help = "Rebuild the name traces' blind index under the primary sealing key."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=actions.DEFAULT_BATCH_SIZE,
            metavar="N",
            help=f"subjects or entries per transaction (default {actions.DEFAULT_BATCH_SIZE})",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="count the rows not under the primary key"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1", returncode=2)
        key_id = blind.primary_key_id()
        if options["dry_run"]:
            self.stdout.write(
                f"dry run: {actions.count_stale()} index rows are not under the primary key "
                f"{key_id}"
            )
            return
        done = actions.reindex(batch_size=options["batch_size"])
        self.stdout.write(
            f"re-indexed {done['subjects']} subjects and {done['entries']} watch-list entries "
            f"({done['terms']} index rows) under {key_id}"
        )
