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
    path("<int:idc_report_id>/pdf/", views.ReportExportView.as_view(), {"fmt": "pdf"}, name="pdf"),
    path("<int:idc_report_id>/csv/", views.ReportExportView.as_view(), {"fmt": "csv"}, name="csv"),
    path(
        "<int:idc_report_id>/regenerate/",
        views.StepView.as_view(),
        {"step": "regenerate"},
        name="regenerate",
    ),
    path("<int:idc_report_id>/send/", views.StepView.as_view(), {"step": "send"}, name="send"),
    path(
        "<int:idc_report_id>/acknowledge/",
        views.StepView.as_view(),
        {"step": "acknowledge"},
        name="acknowledge",
    ),
]
