"""Capture the HTML of the case page (its Overview and every tab it shows), the home page and
the case list, for an official of every role, over cases at every stage, to compare the pages
byte for byte before and after a change of their rendering (``diff -r before after``).

The clock is frozen (``django.utils.timezone.now``) and the CSRF tokens are masked, so two
captures of the same data and code are identical. For each case the pages are read by one
official of each role at the case's post (or anywhere, for the roles without a post), and by
the case's first assigned officer; a case officer of another post reads it too (a 404). Where
the Overview shows the move form, an empty move is posted (it fails validation, so nothing is
written) to capture the form with its errors.

Against a copy of a seeded database (signing in writes sessions)::

    DEFECTOR_STATE_DIR=/tmp/copy DEFECTOR_DEMO=true DEFECTOR_DEBUG=false PYTHONPATH=src \\
        .venv/bin/python tests/bench/capture_pages.py --out /tmp/before
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from pathlib import Path
from typing import Any
from unittest import mock

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "defector.settings")

CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
TAB = re.compile(rb'data-tab="([^"]+)"')
VERSION = re.compile(rb'<input type="hidden" name="version" value="(\d+)"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--per-stage", type=int, default=2, help="cases of each stage")
    parser.add_argument("--at", default="2026-12-06T12:00:00+00:00", help="the frozen clock")
    args = parser.parse_args()
    frozen = dt.datetime.fromisoformat(args.at)
    with mock.patch("django.utils.timezone.now", return_value=frozen):
        return capture(args.out, args.per_stage)


def capture(out: Path, per_stage: int) -> int:
    import django

    django.setup()
    from django.db.models import Count
    from django.test import Client

    from defector.cases.choices import Stage
    from defector.cases.models import Case
    from defector.directory.models import RoleAssignment

    post_id = Case.objects.values("post").annotate(n=Count("id")).order_by("-n")[0]["post"]
    cases: list[Any] = []
    for stage in Stage:
        found = list(Case.objects.filter(post_id=post_id, stage=stage).order_by("-pk")[:per_stage])
        cases += found
    # Cases of other shapes: in Washington, at each sensitivity, in a compartment, with an
    # open obligation past its due date, with an open threat obligation (the banner).
    from django.utils import timezone

    from defector.cases.models import Obligation

    extra = [
        Case.objects.filter(in_washington=True).order_by("-pk").first(),
        Case.objects.filter(compartments__isnull=False).order_by("-pk").first(),
        *(
            Case.objects.filter(post_id=post_id, sensitivity=level).order_by("pk").first()
            for level in ("UNCLASSIFIED", "CONFIDENTIAL", "SECRET", "TOP SECRET")
        ),
    ]
    for obligations in (
        Obligation.objects.filter(status="open", due_at__lt=timezone.now()),
        Obligation.objects.filter(status="open", clause__startswith="6b(3)(a)"),
        Obligation.objects.filter(status="waived"),
        Obligation.objects.filter(due_at__isnull=True),
    ):
        found_obligation = obligations.filter(case__post_id=post_id).order_by("-pk").first()
        extra.append(found_obligation.case if found_obligation is not None else None)
    cases += [c for c in dict.fromkeys(extra) if c is not None and c not in cases]
    readers: dict[str, Any] = {}
    for role, _ in RoleAssignment._meta.get_field("role").choices or []:
        at_post = RoleAssignment.objects.filter(role=role, post_id=post_id).order_by("pk")
        anywhere = RoleAssignment.objects.filter(role=role).order_by("pk")
        assignment = at_post.first() or anywhere.first()
        if assignment is not None:
            readers[role] = assignment.official.user
    elsewhere = (
        RoleAssignment.objects.filter(role="case_officer")
        .exclude(post_id=post_id)
        .exclude(post__isnull=True)
        .order_by("pk")
        .first()
    )
    if elsewhere is not None:
        readers["case_officer_elsewhere"] = elsewhere.official.user
    clients: dict[int, Client] = {}

    def client_of(user: Any) -> Client:
        if user.pk not in clients:
            clients[user.pk] = Client(HTTP_HOST="127.0.0.1")
            clients[user.pk].force_login(user)
        return clients[user.pk]

    pages = 0

    def keep(name: str, path: Path, response: Any) -> bytes:
        nonlocal pages
        body = CSRF.sub(rb"\1-\2", response.content)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(f"{response.status_code}\n".encode() + body)
        pages += 1
        return bytes(body)

    for role, user in readers.items():
        web = client_of(user)
        keep(role, out / role / "home.html", web.get("/"))
        keep(role, out / role / "cases.html", web.get("/cases/"))
    for case in cases:
        who = dict(readers)
        officer = case.officers.order_by("pk").first()
        if officer is not None:
            who["assigned_officer"] = officer.user
        for role, user in who.items():
            web = client_of(user)
            where = out / role / f"case-{case.pk}"
            body = keep(role, where / "overview.html", web.get(f"/cases/{case.pk}/"))
            for key in sorted({m.decode() for m in TAB.findall(body)} - {"overview"}):
                keep(role, where / f"{key}.html", web.get(f"/cases/{case.pk}/{key}/"))
            version = VERSION.search(body)
            if version is not None:
                posted = web.post(
                    f"/cases/{case.pk}/stage/",
                    {"version": version.group(1).decode(), "to": ""},
                )
                keep(role, where / "move-invalid.html", posted)
    print(f"{pages} pages of {len(cases)} cases for {len(readers)} readers in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
