"""``defector export_openapi``: write the API's OpenAPI document (committed as openapi.json)."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from defector.api import api


def openapi_text() -> str:
    """The OpenAPI document as stable, diff-friendly JSON."""
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    # A round trip turns keys that are not strings (status codes) into JSON's strings first,
    # so that the keys can be sorted.
    plain = json.loads(json.dumps(schema, ensure_ascii=False))
    return json.dumps(plain, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Write the API's OpenAPI document to PATH (default: print it)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", nargs="?", help="file to write; omit to print")

    def handle(self, *args: Any, **options: Any) -> None:
        text = openapi_text()
        if options["path"]:
            Path(options["path"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"wrote {options['path']}")
        else:
            self.stdout.write(text, ending="")
