"""The determinations' and inducement's forms on the case page."""

from __future__ import annotations

from django.urls import URLPattern, path

from defector.cases import views

urlpatterns: list[URLPattern] = [
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
