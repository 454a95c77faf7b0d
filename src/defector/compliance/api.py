"""The compliance router, mounted at ``/api/v1/compliance``: the same tables as the pages.

A post's committee members, chair and senior US representative read their posts'; the IDC
reads every post's; anyone else, and a post not theirs, is answered 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from defector.compliance import queries
from defector.compliance.schemas import ComplianceOut
from defector.core.schemas import READ_ERRORS

router = Router()


def _out(found: queries.Overview) -> dict[str, Any]:
    return {
        "scope": found.scope.code,
        "label": found.scope.label,
        "worldwide": found.scope.worldwide,
        "as_of": found.now,
        "tables": [
            {"slug": t.slug, "title": t.title, "columns": list(t.columns), "rows": t.rows}
            for t in found.tables.values()
        ],
    }


@router.get(
    "",
    response={200: ComplianceOut, **READ_ERRORS},
    summary="Your compliance view",
    description="The IDC: every post. A post's committee members, chair and senior US "
    "representative: their posts. Open and overdue obligations by clause and by post, the "
    "overdue ones, time to bona fides and to dissemination, meetings by quarter (6a).",
)
def my_compliance(request: HttpRequest) -> Any:
    return _out(queries.overview(request.user))


@router.get(
    "/posts/{post_id}",
    response={200: ComplianceOut, **READ_ERRORS},
    summary="One post's compliance view",
    description="The post's committee members, chair and senior US representative, and the "
    "IDC; anyone else is answered 404.",
)
def post_compliance(request: HttpRequest, post_id: int) -> Any:
    return _out(queries.overview(request.user, post_id))
