"""Where a read's time goes, in one process: ``GET /api/v1/me``, a case read, the case page,
the case list page (``/cases/``), ``GET /api/v1/cases`` and ``shell`` (a signed-in page whose
view does nothing: the base layout with an empty content block, what every page of the site
pays besides its own work), each asked ``--requests`` times
through Django's test client (the whole middleware stack, no server), timed one after another
(``--only``: some of them), then profiled with cProfile.

Against a database already seeded (``defector migrate`` and ``defector seed``, as
``bench_table.py`` does), named by the usual environment (``DEFECTOR_STATE_DIR`` or
``DATABASE_URL``)::

    DEFECTOR_STATE_DIR=/tmp/db DEFECTOR_DEMO=true DEFECTOR_DEBUG=false PYTHONPATH=src \\
        .venv/bin/python tests/bench/profile_reads.py --requests 200 --profile case

It prints each read's mean CPU time and SQL queries, their ratio to ``/api/v1/me``, and (with
``--profile``) cProfile's top functions by cumulative and by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
import types
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "defector.settings")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--profile",
        choices=("me", "case", "page", "list", "cases", "shell", "none"),
        default="none",
    )
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--sql", action="store_true", help="print each read's SQL once")
    parser.add_argument("--only", default="", help="the reads to time, e.g. me,list,cases")
    parser.add_argument(
        "--role",
        default="case_officer",
        help="the reader's role: case_officer (at the post with most cases), committee_chair, "
        "committee_member, senior_representative (at that post), idc_member or dci_delegate",
    )
    args = parser.parse_args()

    import django

    django.setup()
    _add_shell_page()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from defector.cases.models import Case
    from defector.core import actions as core_actions
    from defector.directory.models import RoleAssignment

    post_id = Case.objects.values("post").annotate(n=Count("id")).order_by("-n")[0]["post"]
    at_post = {"post_id": post_id} if args.role not in {"idc_member", "dci_delegate"} else {}
    assignment = (
        RoleAssignment.objects.filter(role=args.role, **at_post)
        .select_related("official__user")
        .order_by("pk")
        .first()
    )
    assert assignment is not None, "seed the database first"
    user = assignment.official.user
    _, token = core_actions.create_api_token(acting_user=user, user=user, name="profile", days=1)
    api = Client(headers={"Authorization": f"Bearer {token}"}, HTTP_HOST="127.0.0.1")
    web = Client(HTTP_HOST="127.0.0.1")
    web.force_login(user)
    listed = api.get("/api/v1/cases?limit=1").json()
    case = (listed["items"] if isinstance(listed, dict) else listed)[0]["id"]
    reads = {
        "me": (api, "/api/v1/me"),
        "case": (api, f"/api/v1/cases/{case}"),
        "page": (web, f"/cases/{case}/"),
        "list": (web, "/cases/"),
        "cases": (api, "/api/v1/cases"),
        "shell": (web, SHELL_PATH),
    }

    def run(name: str, times: int) -> float:
        """The mean CPU time of the process per request (wall-clock time would count the
        other work of a shared machine): with the database in the process (SQLite), the
        whole cost of the request; on PostgreSQL, the server's side of it."""
        client, path = reads[name]
        start = time.process_time()
        for _ in range(times):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        return (time.process_time() - start) / times

    means: dict[str, float] = {}
    chosen = [n for n in reads if not args.only or n in {"me", *args.only.split(",")}]
    for name in chosen:
        run(name, 5)  # warm
        queries: list[str] = []

        def count(execute: Any, sql: str, *rest: Any, into: list[str] = queries) -> Any:
            into.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(count):
            run(name, 1)
        means[name] = run(name, args.requests)
        print(
            f"{name:5} {reads[name][1]:28} {means[name] * 1000:7.2f} ms  "
            f"{len(queries):3} queries  ratio {means['me'] / means[name]:.2f}",
            flush=True,
        )
        if args.sql:
            for sql in queries:
                print("   ", sql[:400])
    if args.profile != "none":
        profiler = cProfile.Profile()
        profiler.enable()
        run(args.profile, args.requests)
        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
    return 0


#: The address of the ``shell`` read, added after the site's own (:func:`_add_shell_page`).
SHELL_PATH = "/bench/shell/"
SHELL_TEMPLATE = '{% extends "web/base.html" %}{% block content %}<h1>Shell</h1>{% endblock %}'


def _add_shell_page() -> None:
    """Serve the site's URL configuration with one page more, first: a
    signed-in page rendering the base layout around an empty content block (through the
    template engine's context processors, as every page does)."""
    from django.conf import settings
    from django.contrib.auth.decorators import login_required
    from django.http import HttpRequest, HttpResponse
    from django.template import engines
    from django.urls import clear_url_caches, include, path

    template = engines["django"].from_string(SHELL_TEMPLATE)

    @login_required
    def shell(request: HttpRequest) -> HttpResponse:
        return HttpResponse(template.render({}, request))

    urls = types.ModuleType("profile_reads_urls")
    urls.urlpatterns = [  # type: ignore[attr-defined]
        path(SHELL_PATH.lstrip("/"), shell, name="bench-shell"),
        path("", include(settings.ROOT_URLCONF)),
    ]
    sys.modules[urls.__name__] = urls
    settings.ROOT_URLCONF = urls.__name__
    clear_url_caches()


if __name__ == "__main__":
    sys.exit(main())
