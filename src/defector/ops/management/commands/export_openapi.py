"""``defector export_openapi``: write the API's OpenAPI document (committed as openapi.json).

The document written is the one the running server serves at ``/api/v1/openapi.json``: the
served view is resolved and called in process, so the two cannot be built in different ways
(they once were, and both listed paths the server does not answer).
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.test import RequestFactory
from django.urls import resolve, reverse

from defector.api import api


def served_document() -> dict[str, Any]:
    """The OpenAPI document exactly as the server answers ``GET /api/v1/openapi.json``."""
    url = reverse(f"{api.urls_namespace}:openapi-json")
    match = resolve(url)
    response = match.func(RequestFactory().get(url), *match.args, **match.kwargs)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    document: dict[str, Any] = json.loads(response.content)
    return document


def openapi_text(document: dict[str, Any] | None = None) -> str:
    """The OpenAPI document (default: the served one) as stable, diff-friendly JSON."""
    plain = served_document() if document is None else document
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
