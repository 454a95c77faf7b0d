"""URLs of the dissemination pages (namespace ``dissemination``): threat reports
(``6b(3)(a)``)."""

from django.urls import path

from defector.dissemination import views

app_name = "dissemination"

urlpatterns = [
    path("", views.ReportListView.as_view(), name="index"),
    path("cases/<int:case_id>/new/", views.IssueView.as_view(), name="issue"),
    path("<int:report_id>/", views.ReportDetailView.as_view(), name="report"),
    path("<int:report_id>/deliveries/", views.DeliveriesView.as_view(), name="deliveries"),
    path("<int:report_id>/acknowledge/", views.AcknowledgeView.as_view(), name="acknowledge"),
    path(
        "posts/<int:post_id>/distribution/",
        views.DistributionPage.as_view(),
        name="distribution",
    ),
]
