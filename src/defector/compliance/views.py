"""Pages of the compliance app: a post's compliance and the world's (the IDC's), and the CSV
download of each table.

Thin: each view asks one query or action. Whoever has no compliance view, or asks for a post
that is not theirs, is answered 404, as if the page did not exist.
"""

from __future__ import annotations

from typing import Any, Final

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.views import View
from django.views.generic import TemplateView

from defector.compliance import actions, charts, queries
from defector.compliance.charts import Series
from defector.core.errors import NotFound

#: The charts of a view: table slug → (series names, the columns they draw, label columns).
CHARTS: Final[dict[str, tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]]] = {
    "by-clause": (("Open", "Overdue"), (2, 3), (0, 1)),
    "by-post": (("Open", "Overdue"), (2, 3), (0,)),
    "bona-fides": (("Cases",), (1,), (0,)),
    "dissemination": (("Cases",), (1,), (0,)),
}


def chart_of(table: queries.Table) -> Any:
    """The SVG chart of a table that has one, else ``None``."""
    if table.slug == "meetings":
        quarters = list(table.columns[1:])
        met = [sum(isinstance(row[i + 1], int) for row in table.rows) for i in range(len(quarters))]
        missed = [sum(row[i + 1] == "missed" for row in table.rows) for i in range(len(quarters))]
        return charts.bar_chart(
            "chart-meetings",
            f"{table.title}: committees that met, and that missed a quarter",
            quarters,
            [Series("Met", met), Series("Missed", missed)],
        )
    if table.slug not in CHARTS:
        return None
    names, columns, label_columns = CHARTS[table.slug]
    labels = [" ".join(str(row[c]) for c in label_columns) for row in table.rows]
    series = [
        Series(name, [int(row[column]) for row in table.rows])
        for name, column in zip(names, columns, strict=True)
    ]
    return charts.bar_chart(f"chart-{table.slug}", table.title, labels, series)


class ComplianceView(LoginRequiredMixin, TemplateView):
    """A compliance view: open and overdue obligations by clause and by post, the overdue
    ones, time to bona fides and to dissemination, meetings by quarter (``6a``)."""

    template_name = "compliance/overview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        try:
            found = queries.overview(self.request.user, kwargs.get("post_id"))
        except NotFound:
            raise Http404("no such compliance view") from None
        context |= {
            "scope": found.scope,
            "now": found.now,
            "sections": [
                {"table": table, "chart": chart_of(table)} for table in found.tables.values()
            ],
            "post_query": f"&post={found.scope.posts[0].pk}"
            if found.scope.posts is not None and len(found.scope.posts) == 1
            else "",
        }
        return context


class ExportView(LoginRequiredMixin, View):
    """One table as CSV (``?table=by-clause&post=ID``): audited, cryptonyms and codes only."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            name, text = actions.export_table(
                acting_user=request.user,
                table=request.GET.get("table", ""),
                post_id=request.GET.get("post") or None,
            )
        except NotFound:
            raise Http404("no such table") from None
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
