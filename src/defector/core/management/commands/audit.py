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
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from defector.core import actions, audit, chain, signing
from defector.core.errors import DomainError

#: How often (in events) ``verify`` reports its progress on a terminal.
PROGRESS_EVERY = 100_000
#: How many faults ``verify`` lists before it stops.
MAX_FAULTS = 100


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
        verify.add_argument("--json", action="store_true", help="print the report as JSON")
        progress = verify.add_mutually_exclusive_group()
        progress.add_argument(
            "--progress",
            action="store_true",
            default=None,
            help="report progress on standard error (default: when it is a terminal)",
        )
        progress.add_argument("--no-progress", dest="progress", action="store_false")
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
        kept = [checkpoint for path in options["checkpoint"] for checkpoint in read_kept(path)]
        keys = signing.verification_keys(options["public_key"])
        show_progress = options["progress"]
        if show_progress is None:
            show_progress = self.stderr.isatty() and options["verbosity"] >= 1

        def progress(count: int) -> None:
            self.stderr.write(f"verified {count:,} events…")

        result = audit.verify_stored(
            kept=kept,
            public_keys=keys,
            progress=progress if show_progress else None,
            progress_every=PROGRESS_EVERY,
            max_faults=MAX_FAULTS,
        )
        if options["json"]:
            self.stdout.write(json.dumps(result.to_dict(), indent=2))
        else:
            self.stdout.write(summary(result))
        if not result.ok:
            count = len(result.report.faults)
            raise CommandError(
                f"the audit chain has {count} fault{'s' if count != 1 else ''}", returncode=1
            )


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


def summary(result: audit.Verification) -> str:
    """The report as people read it: counts, head, speed, then the faults."""
    report = result.report
    lines = [
        f"events:       {report.events:,}",
        f"checkpoints:  {report.checkpoints:,} checked "
        f"({result.stored_checkpoints:,} stored, {result.kept_checkpoints:,} kept)",
        f"head:         {report.head}",
        f"time:         {result.seconds:.2f} s ({result.events_per_second:,.0f} events/s)",
    ]
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
