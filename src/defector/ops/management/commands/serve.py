"""``defector serve [ADDR]``: serve the site and the API under gunicorn.

Gunicorn (a maintained production WSGI server), configured by :mod:`defector.ops.server`:
its sync worker with one thread a process (the default), its threaded worker with more; the
number of processes, of threads and of connections a threaded process holds come from the
settings (``DEFECTOR_SERVER_WORKERS``, ``DEFECTOR_SERVER_THREADS``,
``DEFECTOR_SERVER_CONNECTIONS``); each process settles its garbage collector once the
application is loaded (``DEFECTOR_SERVER_GC_FREEZE``, ``DEFECTOR_SERVER_GC_THRESHOLD``: see
:func:`defector.ops.server.settle_collector`). The command replaces itself with gunicorn
(``exec``), so SIGTERM and SIGINT reach gunicorn's master directly, and both stop it
gracefully. In production it first collects the static files (hashed and compressed, served
by WhiteNoise).
``ADDR`` is ``PORT``, ``HOST:PORT`` or ``[IPv6]:PORT`` (default 127.0.0.1:8000).
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

DEFAULT_ADDRESS = "127.0.0.1:8000"
_ADDRESS = re.compile(r"(?:(?P<host>\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):)?(?P<port>\d{1,5})")


def bind_address(text: str) -> str:
    """Gunicorn's ``--bind`` for ``PORT``, ``HOST:PORT`` or ``[IPv6]:PORT``."""
    match = _ADDRESS.fullmatch(text.strip())
    if match is None or not 0 < int(match["port"]) < 65536:
        raise CommandError(
            f"{text!r} is not an address: give PORT, HOST:PORT or [IPv6]:PORT", returncode=2
        )
    return f"{match['host'] or '127.0.0.1'}:{int(match['port'])}"


def gunicorn_command(address: str, *, reload: bool) -> list[str]:
    """The gunicorn command line for ``address`` with the settings' workers and threads."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:defector.ops.server",
        "--bind",
        address,
        "--workers",
        str(settings.SERVER_WORKERS),
        "--threads",
        str(settings.SERVER_THREADS),
        # A process takes a connection only when it has room, and answers it with
        # ``Connection: close``: the connections waiting go to whichever process has room
        # first. A kept-alive connection would stay with the process that accepted it, and
        # one process can accept most of a client's connections while the others idle
        # (docs/operations.md, "Connections").
        "--worker-connections",
        str(settings.SERVER_CONNECTIONS),
        "--keep-alive",
        "0",
        "--graceful-timeout",
        str(settings.SERVER_GRACEFUL_SECONDS),
        "--timeout",
        str(settings.SERVER_TIMEOUT_SECONDS),
    ]
    if reload:
        command.append("--reload")
    return command


class Command(BaseCommand):
    help = "Serve the web application and the API under gunicorn (default 127.0.0.1:8000)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "addrport",
            nargs="?",
            default=DEFAULT_ADDRESS,
            help=f"PORT, HOST:PORT or [IPv6]:PORT to listen on (default {DEFAULT_ADDRESS})",
        )
        parser.add_argument(
            "--reload",
            action="store_true",
            help="restart the workers when the code changes (development)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        address = bind_address(options["addrport"])
        if settings.PRODUCTION:
            # WhiteNoise serves the hashed, compressed copies that collectstatic makes.
            call_command("collectstatic", interactive=False, verbosity=0)
        command = gunicorn_command(address, reload=options["reload"])
        env = dict(os.environ)
        # Each worker keeps its request metrics in files here; /metrics adds them up.
        env["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="defector-metrics-")
        env.setdefault("DJANGO_SETTINGS_MODULE", "defector.settings")
        self.stdout.write(
            f"Serving http://{address}/ with gunicorn: {settings.SERVER_WORKERS} processes "
            f"of {settings.SERVER_THREADS} threads. Stop with Ctrl-C or SIGTERM."
        )
        self.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, command, env)  # noqa: S606  (our own interpreter, our args)
