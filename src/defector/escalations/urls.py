"""URLs of the escalations pages (namespace ``escalations``): mutual problems (``6c``)."""

from django.urls import path

from defector.escalations import views

app_name = "escalations"

urlpatterns = [
    path("", views.ProblemListView.as_view(), name="index"),
    path("new/", views.RaiseProblemView.as_view(), name="new"),
    path("<int:problem_id>/", views.ProblemDetailView.as_view(), name="detail"),
    path("<int:problem_id>/steps/<slug:step>/", views.StepView.as_view(), name="step"),
]
