"""Where a page's rendering time goes, in one process: the case page (``GET /cases/{id}/``), and
with ``--path`` any other page, asked ``--requests`` times through Django's test client as a
case officer of the busiest post; printed: the mean CPU time per request, the part of it
spent rendering the template (``rendered_content``), and each template's own share (its time
less the templates it includes, and the number of times it is rendered per request).

Against a database already seeded (``defector migrate`` and ``defector seed``), named by the
usual environment::

    DEFECTOR_STATE_DIR=/tmp/db DEFECTOR_DEMO=true DEFECTOR_DEBUG=false PYTHONPATH=src \\
        .venv/bin/python tests/bench/profile_rendering.py --requests 200

CPU time (``time.process_time``), not wall-clock: the figures hold up on a shared machine.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "defector.settings")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--path", help="a page other than the case page, e.g. /cases/")
    parser.add_argument("--role", default="case_officer")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db.models import Count
    from django.template import base
    from django.template.response import SimpleTemplateResponse
    from django.test import Client

    from defector.cases.models import Case
    from defector.directory.models import RoleAssignment

    post_id = Case.objects.values("post").annotate(n=Count("id")).order_by("-n")[0]["post"]
    assignment = (
        RoleAssignment.objects.filter(role=args.role, post_id=post_id)
        .select_related("official__user")
        .order_by("pk")
        .first()
    )
    assert assignment is not None, "seed the database first"
    web = Client(HTTP_HOST="127.0.0.1")
    web.force_login(assignment.official.user)
    path = args.path
    if path is None:
        cases = Case.objects.filter(post_id=post_id).order_by("-pk").values_list("pk", flat=True)
        path = next(f"/cases/{pk}/" for pk in cases if web.get(f"/cases/{pk}/").status_code == 200)

    own: dict[str, float] = collections.defaultdict(float)
    times: collections.Counter[str] = collections.Counter()
    rendering = [0.0]
    stack: list[float] = []
    template_render = getattr(base.Template, "_render")  # noqa: B009
    rendered_content = SimpleTemplateResponse.rendered_content

    def timed_template(self: Any, context: Any) -> Any:
        start = time.process_time()
        stack.append(0.0)
        try:
            return template_render(self, context)
        finally:
            spent = time.process_time() - start
            own[self.name] += spent - stack.pop()
            times[self.name] += 1
            if stack:
                stack[-1] += spent

    def timed_content(self: Any) -> Any:
        start = time.process_time()
        try:
            return rendered_content.fget(self)  # type: ignore[attr-defined]
        finally:
            rendering[0] += time.process_time() - start

    setattr(base.Template, "_render", timed_template)  # noqa: B010
    SimpleTemplateResponse.rendered_content = property(timed_content)  # type: ignore[assignment,method-assign]
    for _ in range(5):  # warm
        assert web.get(path).status_code == 200
    own.clear()
    times.clear()
    rendering[0] = 0.0
    start = time.process_time()
    for _ in range(args.requests):
        web.get(path)
    total = (time.process_time() - start) / args.requests
    print(
        f"{path}: {total * 1000:.2f} ms per request, of which rendering "
        f"{rendering[0] / args.requests * 1000:.2f} ms",
        flush=True,
    )
    for name, spent in sorted(own.items(), key=lambda item: -item[1]):
        print(
            f"  {spent / args.requests * 1000:6.3f} ms {times[name] / args.requests:5.1f}x {name}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
