"""``defector report world|export|rebuild-standing``: the reports to the IDC (``6d``) from the
command line, as an official (``--as USERNAME``), under their access, each export audited as in
the pages.

- ``defector report world --as idc.analyst [--post ID] [--country CC] [--stage S]
  [--exploitation E] [--overdue yes|no] [--proposals yes|no] [-o FILE]``: Washington's
  worldwide view as CSV;
- ``defector report export ID --as USER --format pdf|csv -o FILE``: one report;
- ``defector report rebuild-standing``: the worldwide view's standing rows recomputed from the
  source tables (after the tables were written by other means than the actions; audited).

Bad input, an unknown user, or what the user may not see: exit status 2, the problem on
standard error, nothing written.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from defector.core.errors import DomainError
from defector.reports import actions
from defector.reports.queries import FACETS

EXIT_INVALID = 2


class Command(BaseCommand):
    help = "Reports to the IDC (6d): the worldwide view as CSV, or one report as PDF or CSV."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        world = sub.add_parser("world", help="Washington's worldwide view as CSV (audited)")
        world.add_argument("--as", dest="username", required=True, help="the official")
        for facet in FACETS:
            world.add_argument(f"--{facet}", default="", help=f"filter: {FACETS[facet]}")
        world.add_argument("-o", "--output", default="-", help="a file (default: stdout)")
        one = sub.add_parser("export", help="one report as PDF or CSV (audited)")
        one.add_argument("report_id", metavar="ID")
        one.add_argument("--as", dest="username", required=True, help="the official")
        one.add_argument("--format", choices=("pdf", "csv"), default="pdf")
        one.add_argument("-o", "--output", required=True, help="the file to write")
        sub.add_parser(
            "rebuild-standing",
            help="recompute the worldwide view's standing rows from the source tables (audited)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "rebuild-standing":
            rows = actions.rebuild_standing(acting_user=None)
            self.stdout.write(f"{rows} standing rows rebuilt")
            return
        users = get_user_model()._default_manager
        try:
            user = users.get_by_natural_key(options["username"])
        except users.model.DoesNotExist:
            raise CommandError(
                f"--as: no user {options['username']!r}", returncode=EXIT_INVALID
            ) from None
        try:
            if options["verb"] == "world":
                filters = {facet: options[facet] for facet in FACETS if options[facet]}
                _, lines = actions.export_world(acting_user=user, filters=filters)
                text = "".join(lines)
                if options["output"] == "-":
                    self.stdout.write(text, ending="")
                else:
                    Path(options["output"]).write_text(text, encoding="utf-8")
                return
            name, content = actions.export_report(
                acting_user=user, report_id=options["report_id"], fmt=options["format"]
            )
        except DomainError as exc:
            raise CommandError(exc.message, returncode=EXIT_INVALID) from None
        Path(options["output"]).write_bytes(content)
        self.stdout.write(f"wrote {name} to {options['output']}")
