"""URLs of the cases pages (namespace ``cases``). Cases are addressed by id, never by a name.

One module a part of the case, in this order: the case (list, intake, note search, the case
page and its forms), obligations, determinations and inducement, bona fides, statements, tasks,
moves between posts; then the tabs of the case page (``/cases/<id>/<key>/``).
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
    # Last: a tab of the case page (``cases.sections``); an action whose address is a tab's
    # (``<id>/notes/``) comes first and shows that tab on a GET.
    *case.tab_urlpatterns,
]

__all__ = ["app_name", "urlpatterns"]
