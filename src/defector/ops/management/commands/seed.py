"""``defector seed``: build a realistic data set at scale, reproducibly (``ops.seed``)."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from defector.core import sealing
from defector.core.context import current_request_id
from defector.core.progress import Progress
from defector.ops import seed


class Command(BaseCommand):
    help = (
        "Fill an empty database with a realistic data set (posts, officials, cases at every "
        "stage, obligations, notes, audit chain), the same for the same --seed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--posts", type=int, default=10, help="posts to create (default 10)")
        parser.add_argument("--cases", type=int, default=1000, help="cases (default 1000)")
        parser.add_argument(
            "--audit-events",
            type=int,
            default=10_000,
            help="audit events in all; what the directory and cases do not need becomes later "
            "notes on the cases (default 10000)",
        )
        parser.add_argument("--seed", type=int, default=1, help="the random seed (default 1)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="add to a database that already holds data",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed data is never loaded in production", returncode=2)
        if not options["force"] and not seed.is_empty():
            raise CommandError(
                "the database already holds data (posts, officials, cases or audit events); "
                "seed an empty database, or pass --force to add to it",
                returncode=2,
            )
        size = seed.SeedSize(
            posts=options["posts"],
            cases=options["cases"],
            audit_events=options["audit_events"],
            seed=options["seed"],
        )
        sealing.keyring()
        started = time.monotonic()
        progress = Progress(size.audit_events, label="seeding")
        try:
            with progress:
                written = seed.seed(size, request_id=current_request_id(), progress=progress)
        except (seed.TooFewEvents, ValueError) as exc:
            raise CommandError(str(exc), returncode=2) from None
        seconds = time.monotonic() - started
        self.stdout.write(
            f"seeded {size.posts} posts, {size.cases} cases and {written} audit events "
            f"in {seconds:.1f} s (seed {size.seed})"
        )
        self.stdout.write(f"content digest: {seed.content_digest()}")
