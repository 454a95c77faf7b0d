"""One obligation of a case, and the forms that discharge, waive or reassign it."""

from __future__ import annotations

from django.urls import URLPattern, path

from defector.cases import views

urlpatterns: list[URLPattern] = [
    path(
        "<int:case_id>/obligations/<int:obligation_id>/",
        views.ObligationView.as_view(),
        name="obligation",
    ),
    path(
        "<int:case_id>/obligations/<int:obligation_id>/discharge/",
        views.DischargeView.as_view(),
        name="discharge",
    ),
    path(
        "<int:case_id>/obligations/<int:obligation_id>/waive/",
        views.WaiveView.as_view(),
        name="waive",
    ),
    path(
        "<int:case_id>/obligations/<int:obligation_id>/reassign/",
        views.ReassignView.as_view(),
        name="reassign",
    ),
]
