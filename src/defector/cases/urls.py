"""URLs of the cases pages (namespace ``cases``). Cases are addressed by id, never by a name."""

from django.urls import include, path

from defector.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.CaseListView.as_view(), name="index"),
    path("new/", views.WalkInView.as_view(), name="new"),
    path("report/", views.ReportView.as_view(), name="report"),
    path("notes/", views.NoteSearchView.as_view(), name="search"),
    path("<int:case_id>/", views.CaseDetailView.as_view(), name="detail"),
    path("<int:case_id>/reveal/", views.RevealView.as_view(), name="reveal"),
    path("<int:case_id>/facts/", views.FactsView.as_view(), name="facts"),
    path("<int:case_id>/stage/", views.MoveView.as_view(), name="move"),
    path("<int:case_id>/notes/", views.NoteView.as_view(), name="note"),
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
    path("", include("defector.cases.urls_determination")),
    path("", include("defector.cases.urls_handling")),
]
