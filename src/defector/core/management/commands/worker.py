"""``defector worker``: run queued tasks and the periodic sweeps (see ``core.worker``)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from defector.core import sweeps
from defector.core.worker import Worker


class Command(BaseCommand):
    help = "Run the background worker: queued tasks (e-mail), periodic sweeps, a heartbeat."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=0.25,
            help="seconds to wait when there is nothing to do (default 0.25)",
        )
        parser.add_argument(
            "--turns",
            type=int,
            default=None,
            help="stop after this many turns of the loop (tests; default: run until stopped)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval = float(options["interval"])
        if interval < 0:
            self.stderr.write("--interval must be zero or more")
            raise SystemExit(2)
        worker = Worker(interval=interval, max_turns=options["turns"])
        names = ", ".join(sweep.name for sweep in sweeps.registered()) or "none"
        self.stdout.write(f"Worker {worker.name}: tasks from the database queue; sweeps: {names}.")
        self.stdout.flush()
        worker.configure_signals()
        worker.run()
