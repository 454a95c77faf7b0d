"""``defector audit``: sign checkpoints of the audit chain, and verify the chain.

- ``defector audit checkpoint [--output FILE]`` appends an ``audit.checkpoint`` event, signs
  (size, head hash, time) with the deployment's Ed25519 key, keeps the checkpoint in the
  database, and prints it as JSON with the public key, for keeping somewhere else.
  On a faulty chain (an event past the head, a gap) it signs nothing and exits 2 naming the
  fault.
- ``defector audit verify [--checkpoint FILE ...] [--public-key B64 ...] [--json]`` checks
  every link, every stored checkpoint and every kept one, that the head row names the last
  event exactly (an event past it is a forged append) and that each ``audit.checkpoint``
  event has its checkpoint row and each row its event; it prints a summary, the first bad
  event and each fault (which event, what kind), and exits 1 on any fault (0 when the chain
  is clean, 2 on bad input).
- ``defector audit public-key`` prints the public key that verifies this deployment's
  checkpoints.

``defector audit verify`` does not set up Django's applications: ``defector.cli`` calls
``core.audit_cli.verify_main`` directly, which reads the chain with raw SQL (``core.rows``) and
needs only the settings and a database connection. ``call_command("audit", "verify", ...)``
runs the same code (``core.audit_cli.verify``).
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from defector.core import actions, audit_cli, chain, signing
from defector.core.audit_cli import add_verify_arguments
from defector.core.errors import DomainError


class Command(BaseCommand):
    help = "Sign a checkpoint of the audit chain, or verify the chain and its checkpoints."
    # No system checks (they load every URL and template tag): verify must start fast, and
    # reads nothing they guard.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        checkpoint = sub.add_parser(
            "checkpoint",
            help="sign the chain's size and head hash; print the checkpoint to keep elsewhere",
        )
        checkpoint.add_argument(
            "--output", metavar="FILE", help="also write the checkpoint to FILE"
        )
        verify = sub.add_parser(
            "verify", help="verify every link and checkpoint; exit 1 on any fault"
        )
        add_verify_arguments(verify)
        sub.add_parser("public-key", help="print the public key that verifies checkpoints")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["verb"] == "checkpoint":
                self.checkpoint(options["output"])
            elif options["verb"] == "verify":
                self.verify(options)
            else:
                self.stdout.write(chain.public_key_text(signing.public_key()))
        except signing.SigningKeyError as exc:
            raise CommandError(str(exc), returncode=2) from None
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from None

    # --- checkpoint ---------------------------------------------------------------------

    def checkpoint(self, output: str | None) -> None:
        _, signed = actions.create_audit_checkpoint(acting_user=None)
        text = json.dumps(
            {**signed.to_dict(), "public_key": chain.public_key_text(signing.public_key())},
            indent=2,
        )
        self.stdout.write(text)
        if output:
            try:
                Path(output).write_text(text + "\n", encoding="utf-8")
            except OSError as exc:
                raise CommandError(
                    f"the checkpoint is stored and printed above, but {output} could not be "
                    f"written: {exc.strerror}",
                    returncode=2,
                ) from None
        self.stderr.write(
            f"checkpoint of {signed.size} events signed by key {signed.key_id}; "
            "keep it where the database's administrators cannot change it"
        )

    # --- verify -------------------------------------------------------------------------

    def verify(self, options: dict[str, Any]) -> None:
        try:
            audit_cli.verify(options, self.stdout, self.stderr)
        except audit_cli.CommandError as exc:
            raise CommandError(str(exc), returncode=exc.returncode) from None
