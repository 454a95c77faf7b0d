"""The case list, intake, the note search, and one case: its page, a reveal, its facts, its
stage and its notes."""

from __future__ import annotations

from django.urls import URLPattern, path

from defector.cases import views

urlpatterns: list[URLPattern] = [
    path("", views.CaseListView.as_view(), name="index"),
    path("new/", views.WalkInView.as_view(), name="new"),
    path("new/preview/", views.WalkInPreviewView.as_view(), name="new-preview"),
    path("report/", views.ReportView.as_view(), name="report"),
    path("report/preview/", views.ReportPreviewView.as_view(), name="report-preview"),
    path("notes/", views.NoteSearchView.as_view(), name="search"),
    path("<int:case_id>/", views.CaseDetailView.as_view(), name="detail"),
    path("<int:case_id>/reveal/", views.RevealView.as_view(), name="reveal"),
    path("<int:case_id>/facts/", views.FactsView.as_view(), name="facts"),
    path("<int:case_id>/stage/", views.MoveView.as_view(), name="move"),
    path("<int:case_id>/notes/", views.NoteView.as_view(), name="note"),
]

#: A tab of the case page: a registered section's own page (``cases.sections``).
tab_urlpatterns: list[URLPattern] = [
    path("<int:case_id>/<slug:tab>/", views.CaseDetailView.as_view(), name="tab"),
]
