"""The voluntary statement (``6b(3)(c)``): record one, its page and file, witness, withdraw."""

from __future__ import annotations

from django.urls import URLPattern, path

from defector.cases import views

urlpatterns: list[URLPattern] = [
    path(
        "<int:case_id>/statements/new/",
        views.StatementNewView.as_view(),
        name="statement-new",
    ),
    path(
        "<int:case_id>/statements/<int:item_id>/",
        views.StatementPageView.as_view(),
        name="statement",
    ),
    path(
        "<int:case_id>/statements/<int:item_id>/file/",
        views.StatementFileView.as_view(),
        name="statement-file",
    ),
    path(
        "<int:case_id>/statements/<int:item_id>/<slug:verb>/",
        views.StatementPageView.as_view(http_method_names=["post"]),
        name="statement-act",
    ),
]
