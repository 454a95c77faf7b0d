"""The ``defector`` command: the project's management commands under one name.

``defector COMMAND [ARGS]`` runs a management command with the project's settings;
``defector --help`` lists the project's own commands first, then Django's.
"""

from __future__ import annotations

import gc
import os
import sys


def _project_commands() -> dict[str, str]:
    """The project's own commands (those of ``defector.*`` apps) with their one-line help."""
    from django.core.management import get_commands, load_command_class

    found: dict[str, str] = {}
    for name, app in sorted(get_commands().items()):
        if isinstance(app, str) and app.startswith("defector."):
            command = load_command_class(app, name)
            found[name] = (command.help or "").strip().splitlines()[0] if command.help else ""
    return found


def _other_commands() -> list[str]:
    from django.core.management import get_commands

    return sorted(
        name
        for name, app in get_commands().items()
        if not (isinstance(app, str) and app.startswith("defector."))
    )


def print_help() -> None:
    import django

    django.setup()
    print("usage: defector COMMAND [ARGS]   (defector COMMAND --help for a command's options)")
    print()
    print("The case system of the Defector Program Abroad (DCID No. 4/21).")
    print()
    print("Commands:")
    # Project commands are shown with dashes (`rotate-keys`); both spellings work.
    commands = {name.replace("_", "-"): text for name, text in _project_commands().items()}
    width = max((len(name) for name in commands), default=0)
    for name, text in commands.items():
        print(f"  {name.ljust(width)}  {text}")
    print()
    print("Django's commands (for operators):")
    others = _other_commands()
    for start in range(0, len(others), 6):
        print("  " + ", ".join(others[start : start + 6]))


def _audit_verify(args: list[str]) -> int:
    """``defector audit verify``: reads the chain with raw SQL, so it needs no application set
    up (seconds), nor Django's database backend: the database is opened with its driver alone.
    The cyclic collector is off from the start (``core.audit_cli.verify_main``), its imports
    included."""
    gc.disable()
    from django.conf import settings

    from defector.core.audit_cli import verify_main

    if settings.DATABASES["default"].get("ENGINE") == "django.db.backends.postgresql":
        import psycopg

        from defector.core.postgres import postgres_source

        return verify_main(args, postgres_source, (psycopg.Error,))
    from defector.core.sources import sqlite_source

    return verify_main(args, sqlite_source)


def _exit_now(status: int) -> None:
    """End the process with ``status`` once its output is written, without the interpreter's
    tidying up (each module torn down: a few hundredths of a second of a verification that
    has closed its database and its helper already)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "defector.settings")
    if not args or args[0] in {"-h", "--help"} or args == ["help"]:
        print_help()
        return
    # `defector rotate-keys` is the `rotate_keys` command: a dashed name is the underscored one.
    named = 1 if args[0] == "help" and len(args) > 1 else 0
    if not args[named].startswith("-"):
        args[named] = args[named].replace("-", "_")
    if args[:2] == ["audit", "verify"]:
        status = _audit_verify(args[2:])
        if argv is None:  # the command itself, run from the shell: nothing left to tidy
            _exit_now(status)
        sys.exit(status)
    from django.core.management import execute_from_command_line

    from defector.core.context import new_request_id, request_context

    # Audit records written by an operator's command carry one id per invocation.
    with request_context(new_request_id("cli-")):
        execute_from_command_line(["defector", *args])


if __name__ == "__main__":
    main()
