"""``defector mfa``: an operator resets an account's second factor (a lost phone)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from defector.accounts import actions
from defector.core import queries


class Command(BaseCommand):
    help = "Reset an account's second factor: it sets up its authenticator app again."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        reset = sub.add_parser(
            "reset",
            help="remove the account's authenticator app and recovery codes, end its sessions",
        )
        reset.add_argument("username")
        reset.add_argument("--reason", default="", help="why (recorded in the audit log)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = queries.user_named(options["username"])
        if user is None:
            raise CommandError(f"no account named {options['username']!r}", returncode=2)
        removed = actions.reset_second_factor(acting_user=None, user=user, reason=options["reason"])
        self.stdout.write(
            f"reset the second factor of {user.get_username()} ({removed} records removed); "
            "it sets up an authenticator app at its next sign-in"
        )
