"""URLs of the determinations' forms on the case page (in the ``cases`` namespace: added to
``cases.urls``)."""

from django.urls import path

from defector.cases import views_determination as views

urlpatterns = [
    path(
        "<int:case_id>/political-risk/",
        views.PoliticalRiskView.as_view(),
        name="political_risk",
    ),
    path("<int:case_id>/status/", views.StatusView.as_view(), name="status"),
    path(
        "<int:case_id>/refugee-referral/",
        views.ReferralView.as_view(),
        name="refugee_referral",
    ),
    path(
        "<int:case_id>/recruitment-in-place/",
        views.ConsiderationView.as_view(),
        name="recruitment_consideration",
    ),
    path(
        "<int:case_id>/inducement-plans/",
        views.PlanView.as_view(),
        name="inducement_plan",
    ),
    path(
        "<int:case_id>/inducement-acts/",
        views.ActView.as_view(),
        name="inducement_act",
    ),
]
