"""``defector serve``: run the web server."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the web application and the API (default http://127.0.0.1:8000)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "addrport",
            nargs="?",
            default="127.0.0.1:8000",
            help="address and port to listen on (default 127.0.0.1:8000)",
        )
        parser.add_argument(
            "--reload",
            action="store_true",
            help="restart when the code changes (development)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            self.stderr.write(
                "Production: run a WSGI server on defector.wsgi:application behind HTTPS; "
                "`defector serve` is for the embedded default and demos."
            )
        call_command(
            "runserver",
            options["addrport"],
            use_reloader=options["reload"],
            use_threading=True,
        )
