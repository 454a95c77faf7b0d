"""URLs of the cases pages (namespace ``cases``). Cases are addressed by id, never by a name."""

from django.urls import path

from defector.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.CaseListView.as_view(), name="index"),
    path("new/", views.OpenCaseView.as_view(), name="new"),
    path("<int:case_id>/", views.CaseDetailView.as_view(), name="detail"),
    path("<int:case_id>/reveal/", views.RevealView.as_view(), name="reveal"),
]
