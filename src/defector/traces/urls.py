"""URLs of the traces pages (namespace ``traces``): a case's name traces and the watch lists."""

from django.urls import path

from defector.traces import views

app_name = "traces"

urlpatterns = [
    path("watchlists/", views.WatchlistListView.as_view(), name="watchlists"),
    path("watchlists/<int:source_id>/", views.WatchlistDetailView.as_view(), name="watchlist"),
    path(
        "watchlists/<int:source_id>/delete/",
        views.WatchlistDeleteView.as_view(),
        name="watchlist-delete",
    ),
    path("cases/<int:case_id>/", views.CaseTracesView.as_view(), name="case"),
    path("cases/<int:case_id>/<int:trace_id>/", views.TraceView.as_view(), name="trace"),
    path(
        "cases/<int:case_id>/<int:trace_id>/hits/<int:hit_id>/mark/",
        views.MarkHitView.as_view(),
        name="mark",
    ),
    path(
        "cases/<int:case_id>/<int:trace_id>/conclude/",
        views.ConcludeView.as_view(),
        name="conclude",
    ),
]
