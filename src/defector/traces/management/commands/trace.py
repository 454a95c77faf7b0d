"""``defector trace NAME [--dob DATE] [--nationality CC] [--limit N] [--json]``: trace a name
against the imported watch lists (contracts/traces.md).

An operator's tool: it never reads case records (traces over case subjects are made from a
case, under the user's access). Bad input: exit status 2, nothing on standard output, the
problem on standard error.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from defector.traces.choices import DEFAULT_LIMIT
from defector.traces.search import search_watchlists
from defector.traces.validation import check_query, query_identity

EXIT_INVALID = 2


class Command(BaseCommand):
    help = "Trace a name against the watch lists (--json for the contract's JSON)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name", metavar="NAME", help="the name, in any script")
        parser.add_argument(
            "--dob", metavar="DATE", default=None, help="YYYY-MM-DD, YYYY-MM or YYYY"
        )
        parser.add_argument("--nationality", metavar="CC", default=None, help="a country code")
        parser.add_argument(
            "--limit",
            metavar="N",
            default=str(DEFAULT_LIMIT),
            help=f"at most N hits (default {DEFAULT_LIMIT})",
        )
        parser.add_argument("--json", action="store_true", help="one JSON object on stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        name: str = options["name"]
        dob: str | None = options["dob"]
        nationality: str | None = options["nationality"]
        labels = {"name": "NAME", "dob": "--dob", "nationality": "--nationality"}
        problems = [
            f"{labels[problem.field]}: {problem.message}"
            for problem in check_query(name, dob, nationality)
        ]
        if dob == "":
            problems.append("--dob: must not be empty")
        if nationality == "":
            problems.append("--nationality: must not be empty")
        limit = _limit(options["limit"], problems)
        if problems:
            raise CommandError("; ".join(problems), returncode=EXIT_INVALID)
        identity = query_identity([name], dob, nationality)
        hits = search_watchlists(identity, limit=limit)
        rows: list[dict[str, Any]] = [
            {
                "source": hit.entry.source.name,
                "reference": hit.entry.reference,
                "name": hit.entry.name,
                "matched": hit.score.matched,
                "score": round(hit.score.score, 4),
                "reasons": list(hit.score.reasons),
            }
            for hit in hits
            if hit.entry is not None
        ]
        if options["json"]:
            query = {"name": name, "dob": dob, "nationality": nationality}
            self.stdout.write(json.dumps({"query": query, "hits": rows}, ensure_ascii=False))
            return
        if not rows:
            self.stdout.write("no hits")
        for rank, row in enumerate(rows, start=1):
            self.stdout.write(
                f"{rank:>3}. {row['score']:.2f}  {row['source']} {row['reference']}  "
                f"{row['name']}  (matched {row['matched']}; {'; '.join(row['reasons'])})"
            )


def _limit(text: str, problems: list[str]) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1 or not text.strip().isdigit():
        problems.append("--limit: must be a positive whole number")
        return 1
    return value
