"""``defector rotate-keys``: re-seal every sealed value with the primary key.

    defector rotate-keys --new-key      # add a key, make it primary, re-seal everything
    defector rotate-keys                # re-seal what is not under the primary yet
    defector rotate-keys --dry-run      # count what would be re-sealed
    defector rotate-keys --retire k1    # drop a key that no value uses any more

Old keys stay in the key file (old backups need them) until retired. The work is done by
``core.sealing`` (``rotate``, ``add_primary_key``, ``retire_key``), batch by batch, each batch
in one transaction with one audit record; progress goes to standard error.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from defector.core import sealing
from defector.core.progress import Progress


def _rows(count: int) -> str:
    return f"{count:,} row{'' if count == 1 else 's'}"


class Command(BaseCommand):
    help = "Re-seal sealed values with the primary key (--new-key adds one); retire old keys."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--new-key",
            action="store_true",
            help="add a new key to the key file and make it primary before re-sealing",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=sealing.DEFAULT_BATCH_SIZE,
            metavar="N",
            help=f"rows per transaction (default {sealing.DEFAULT_BATCH_SIZE})",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="count what would be re-sealed (or retired) and change nothing",
        )
        parser.add_argument(
            "--retire",
            metavar="KEY_ID",
            help="remove this key from the key file; refused while any value uses it",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1", returncode=2)
        try:
            if options["retire"]:
                if options["new_key"]:
                    raise CommandError("--retire cannot be combined with --new-key", returncode=2)
                self._retire(options["retire"], dry_run=options["dry_run"])
            else:
                self._rotate(
                    new_key=options["new_key"],
                    batch_size=options["batch_size"],
                    dry_run=options["dry_run"],
                )
        except sealing.SealingError as exc:
            raise CommandError(str(exc), returncode=2) from None

    def _rotate(self, *, new_key: bool, batch_size: int, dry_run: bool) -> None:
        ring = sealing.keyring()
        if dry_run:
            self._dry_run(ring, new_key=new_key)
            return
        if new_key:
            ring = sealing.add_primary_key()
            self.stdout.write(f"added key {ring.primary} to {sealing.key_source()}; it is primary")
        pending = sealing.count_not_on_primary()
        resealed: dict[str, int] = {}
        # Rows written meanwhile by a process that still sealed with an older key are caught
        # by the count after each pass; a few passes settle it.
        for _ in range(3):
            if not pending:
                break
            with Progress(
                sum(pending.values()),
                label=f"re-sealing with {ring.primary}",
                write=lambda text: self.stderr.write(text, ending=""),
                flush=self.stderr.flush,
                tty=self.stderr.isatty(),
            ) as progress:
                for model in sealing.sealed_models():
                    if model._meta.label_lower in pending:
                        count = sealing.rotate(
                            model, batch_size=batch_size, on_batch=progress.advance
                        )
                        resealed[model._meta.label_lower] = (
                            resealed.get(model._meta.label_lower, 0) + count
                        )
            pending = sealing.count_not_on_primary()
        for label in sorted(resealed):
            self.stdout.write(f"{label}: {_rows(resealed[label])} re-sealed with {ring.primary}")
        if pending:
            left = ", ".join(f"{label}: {_rows(n)}" for label, n in sorted(pending.items()))
            raise CommandError(f"still on older keys after three passes: {left}", returncode=1)
        self.stdout.write(
            f"0 rows remain on older keys; every sealed value is under {ring.primary}"
        )
        self._old_keys(ring)

    def _dry_run(self, ring: sealing.Keyring, *, new_key: bool) -> None:
        if new_key:
            if sealing.keys_from_environment():
                raise sealing.SealingError(
                    f"the sealing keys come from {sealing.KEYS_ENV}: --new-key cannot add one"
                )
            pending = sealing.count_sealed()
            self.stdout.write("dry run: would add a new primary key and re-seal every value")
        else:
            pending = sealing.count_not_on_primary()
            self.stdout.write(f"dry run: would re-seal with the primary key {ring.primary}")
        for label in sorted(pending):
            self.stdout.write(f"{label}: {_rows(pending[label])}")
        self.stdout.write(f"total: {_rows(sum(pending.values()))}")

    def _old_keys(self, ring: sealing.Keyring) -> None:
        for key_id in sorted(set(ring.keys) - {ring.primary}):
            self.stdout.write(
                f"key {key_id} seals no value now; it stays for older backups "
                f"(rotate-keys --retire {key_id} removes it)"
            )

    def _retire(self, key_id: str, *, dry_run: bool) -> None:
        if dry_run:
            sealing.keyring().without(key_id)  # refuses the primary and an unknown key
            in_use = sealing.count_on_key(key_id)
            if in_use:
                for label in sorted(in_use):
                    self.stdout.write(f"{label}: {_rows(in_use[label])} still under {key_id}")
                self.stdout.write(f"dry run: {key_id} cannot be retired yet")
            else:
                self.stdout.write(f"dry run: no value uses {key_id}; it can be retired")
            return
        ring = sealing.retire_key(key_id)
        self.stdout.write(
            f"retired key {key_id}; the keys are now {', '.join(sorted(ring.keys))} "
            f"(primary {ring.primary})"
        )
