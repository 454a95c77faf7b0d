"""``defector committees ensure|check``: a committee for every post with diplomatic
representation (``6``)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from defector.committees import actions, queries
from defector.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "A Defector Committee for every post with diplomatic representation (6): 'check' "
        "lists the posts without one (exit 1 if any), 'ensure' creates them (audited)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("check", help="list the posts without a committee; exit 1 if any")
        sub.add_parser("ensure", help="create the missing committees (audited)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "check":
            codes = queries.posts_without_committee_codes()
            if codes:
                for code in codes:
                    self.stdout.write(code)
                raise CommandError(
                    f"{len(codes)} post(s) with diplomatic representation have no committee; "
                    "run 'defector committees ensure'",
                    returncode=1,
                )
            self.stdout.write("every post with diplomatic representation has a committee")
            return
        try:
            created = actions.ensure_committees(acting_user=None)
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from None
        for committee in created:
            self.stdout.write(f"created the committee of {committee.post.code}")
        self.stdout.write(f"{len(created)} committee(s) created")
