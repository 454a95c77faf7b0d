"""URLs of the publicity pages (namespace ``publicity``)."""

from django.urls import path

from defector.publicity import views

app_name = "publicity"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("cases/<int:case_id>/new/", views.NewView.as_view(), name="new"),
    path("<int:proposal_id>/", views.DetailView.as_view(), name="detail"),
    path("<int:proposal_id>/sign-off/", views.SignOffView.as_view(), name="sign-off"),
    path("<int:proposal_id>/override/", views.OverrideView.as_view(), name="override"),
    path("<int:proposal_id>/decide/", views.DecideView.as_view(), name="decide"),
    path("<int:proposal_id>/release/", views.ReleaseView.as_view(), name="release"),
    path("<int:proposal_id>/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
]
