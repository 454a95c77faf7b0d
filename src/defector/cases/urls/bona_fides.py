"""Bona fides (``6b(3)(b)``): a check added, its page and its result, a verdict."""

from __future__ import annotations

from django.urls import URLPattern, path

from defector.cases import views

urlpatterns: list[URLPattern] = [
    path(
        "<int:case_id>/bona-fides/checks/",
        views.CheckAddView.as_view(),
        name="check-add",
    ),
    path(
        "<int:case_id>/bona-fides/checks/<int:item_id>/",
        views.CheckPageView.as_view(),
        name="check",
    ),
    path(
        "<int:case_id>/bona-fides/checks/<int:item_id>/<slug:verb>/",
        views.CheckPageView.as_view(http_method_names=["post"]),
        name="check-act",
    ),
    path(
        "<int:case_id>/bona-fides/verdicts/",
        views.VerdictAddView.as_view(),
        name="verdict-add",
    ),
]
