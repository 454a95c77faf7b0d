"""``defector createuser``: create an account."""

from __future__ import annotations

import getpass
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from defector.core import actions
from defector.core.errors import InvalidInput


class Command(BaseCommand):
    help = "Create an account; the password is read from standard input or asked for."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", help="the sign-in name")
        parser.add_argument("--email", default="", help="e-mail address")
        parser.add_argument("--first-name", default="", help="given name")
        parser.add_argument("--last-name", default="", help="family name")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of standard input",
        )
        parser.add_argument(
            "--administrator",
            action="store_true",
            help="make the account an administrator (manages accounts; sees no case content)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("the passwords differ", returncode=2)
        try:
            user = actions.create_user(
                acting_user=None,
                username=options["username"],
                password=password,
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                administrator=options["administrator"],
            )
        except InvalidInput as exc:
            raise CommandError(
                "cannot create the account:\n  "
                + "\n  ".join(f"{e['field']}: {e['message']}" for e in exc.errors),
                returncode=2,
            ) from None
        self.stdout.write(f"created {user.get_username()}")
