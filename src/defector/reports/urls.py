"""URLs of the reports pages (namespace ``reports``)."""

from django.urls import path

from defector.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("world/", views.WorldView.as_view(), name="world"),
    path("world/export/", views.WorldExportView.as_view(), name="world-export"),
    path("posts/<int:post_id>/", views.PostView.as_view(), name="post"),
    path("posts/<int:post_id>/export/", views.PostExportView.as_view(), name="post-export"),
    path("cases/<int:case_id>/draft/", views.DraftView.as_view(), name="draft"),
    path("<int:idc_report_id>/", views.ReportView.as_view(), name="detail"),
    path(
        "<int:idc_report_id>/export/<str:fmt>/",
        views.ReportExportView.as_view(),
        name="export",
    ),
    path("<int:idc_report_id>/<str:step>/", views.StepView.as_view(), name="step"),
]
