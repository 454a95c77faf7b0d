"""``defector assess PATH|-``: assess facts against the directive (contracts/assessment.md)."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from defector import policy
from defector.web.queries import load_json

EXIT_INVALID = 2


class Command(BaseCommand):
    help = "Assess a person's facts (one JSON object, or an array of them) against DCID 4/21."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "path",
            metavar="PATH",
            help="file holding one facts object or a JSON array of them; - for standard input",
        )
        parser.add_argument(
            "--indent",
            type=int,
            default=None,
            help="indent the JSON output by this many spaces (default: one line)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = self._read(options["path"])
        try:
            data = load_json(text)
        except ValueError as exc:
            raise CommandError(str(exc), returncode=EXIT_INVALID) from None
        today = timezone.localdate()
        if isinstance(data, list):
            outcomes: Any = []
            errors: list[policy.FieldError] = []
            for index, item in enumerate(data):
                try:
                    facts = policy.parse_facts(item, today=today)
                except policy.FactsInvalid as exc:
                    errors.extend(error.prefixed(f"[{index}]") for error in exc.errors)
                    continue
                outcomes.append(policy.assess(facts).to_dict())
            if errors:
                raise CommandError(_describe(errors), returncode=EXIT_INVALID)
        else:
            try:
                facts = policy.parse_facts(data, today=today)
            except policy.FactsInvalid as exc:
                raise CommandError(_describe(exc.errors), returncode=EXIT_INVALID) from None
            outcomes = policy.assess(facts).to_dict()
        self.stdout.write(json.dumps(outcomes, indent=options["indent"]))

    def _read(self, path: str) -> bytes:
        if path == "-":
            return sys.stdin.buffer.read()
        try:
            return Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(
                f"cannot read {path}: {exc.strerror or exc}", returncode=EXIT_INVALID
            ) from None


def _describe(errors: tuple[policy.FieldError, ...] | list[policy.FieldError]) -> str:
    lines = [str(error) for error in errors]
    if len(lines) == 1:
        return f"invalid facts: {lines[0]}"
    return "invalid facts:\n  " + "\n  ".join(lines)
