"""URLs of the cases pages (namespace ``cases``). Cases are addressed by id, never by a name.

One module a part of the case, in this order: the case (list, intake, note search, the case
page and its forms), obligations, determinations and inducement, bona fides, statements, tasks,
moves between posts.
"""

from __future__ import annotations

from django.urls import URLPattern

from defector.cases.urls import (
    bona_fides,
    case,
    determination,
    obligations,
    statements,
    tasks,
    transfers,
)

app_name = "cases"

urlpatterns: list[URLPattern] = [
    *case.urlpatterns,
    *obligations.urlpatterns,
    *determination.urlpatterns,
    *bona_fides.urlpatterns,
    *statements.urlpatterns,
    *tasks.urlpatterns,
    *transfers.urlpatterns,
]

__all__ = ["app_name", "urlpatterns"]
