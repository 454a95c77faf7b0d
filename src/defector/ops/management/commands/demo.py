"""``defector demo``: prepare the embedded default with demo data and print the logins."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from defector.core import sealing, signing
from defector.ops import demo


class Command(BaseCommand):
    help = "Migrate the database, load the demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000/",
            help="the address to print for the site (default http://127.0.0.1:8000/)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("demo data is never loaded in production", returncode=2)
        call_command("migrate", interactive=False, verbosity=0)
        # The keys live under var/ (git-ignored), made on the first run: sealing keys for true
        # names and the signing key of audit checkpoints.
        sealing.keyring()
        signing.signing_key()
        accounts = demo.load()
        self.stdout.write("")
        self.stdout.write(f"Defector Program case system (demo): {options['url']}")
        self.stdout.write(f"API documentation: {options['url']}api/v1/docs")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (every password is {demo.DEMO_PASSWORD!r}):")
        width = max(len(account.username) for account in accounts)
        for group, members in demo.grouped(accounts):
            if not members:
                continue
            self.stdout.write("")
            self.stdout.write(f"  {group}")
            for account in members:
                who = f"{account.first_name} {account.last_name} ({account.agency})"
                self.stdout.write(
                    f"    {account.username.ljust(width)}  {who}, {account.description}"
                )
        self.stdout.write("")
        self.stdout.write(
            f"The directory holds {len(demo.POSTS)} posts and {len(demo.AGENCIES)} agencies: "
            f"{options['url']}directory/"
        )
        self.stdout.write("")
