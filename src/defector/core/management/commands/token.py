"""``defector token``: create, list and revoke API tokens."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from defector.core import actions, queries
from defector.core.choices import TokenScope
from defector.core.errors import DomainError, InvalidInput


class Command(BaseCommand):
    help = "Create, list or revoke API tokens (Authorization: Bearer <token>)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="create a token; it is printed once")
        create.add_argument("username", help="the account the token acts as")
        create.add_argument("--name", required=True, help="what the token is for")
        create.add_argument(
            "--days",
            type=int,
            default=90,
            help=f"days until it expires (1-{actions.MAX_TOKEN_DAYS}, default 90)",
        )
        create.add_argument(
            "--scope",
            choices=TokenScope.values,
            default=TokenScope.READ.value,
            help="read: GET only (the default); assess: read and POST /policy/assess; "
            "write: everything the account may do",
        )
        listing = sub.add_parser("list", help="list an account's tokens")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="revoke a token by its id")
        revoke.add_argument("username", help="the token's owner")
        revoke.add_argument("token_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        user = self._user(options["username"])
        try:
            if options["verb"] == "create":
                token, plain = actions.create_api_token(
                    acting_user=None,
                    user=user,
                    name=options["name"],
                    days=options["days"],
                    scope=options["scope"],
                )
                self.stderr.write(
                    f"token {token.pk} for {user.get_username()}, scope {token.scope}, expires "
                    f"{token.expires_at:%Y-%m-%d %H:%M} UTC; it is shown only now:"
                )
                self.stdout.write(plain)
            elif options["verb"] == "list":
                for token in queries.tokens_of(user):
                    state = "active" if token.is_active else "revoked or expired"
                    self.stdout.write(
                        f"{token.pk}\t{token.prefix}…\t{token.name}\t{token.scope}\t"
                        f"expires {token.expires_at:%Y-%m-%d}\t{state}"
                    )
            else:
                actions.revoke_api_token(acting_user=None, token_id=options["token_id"], owner=user)
                self.stdout.write(f"revoked token {options['token_id']}")
        except InvalidInput as exc:
            raise CommandError(
                "; ".join(f"{e['field']}: {e['message']}" for e in exc.errors), returncode=2
            ) from None
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from None

    def _user(self, username: str) -> Any:
        user = queries.user_named(username)
        if user is None:
            raise CommandError(f"no account named {username!r}", returncode=2)
        return user
