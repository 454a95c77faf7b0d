"""URLs of the compliance pages (namespace ``compliance``)."""

from django.urls import path

from defector.compliance import views

app_name = "compliance"

urlpatterns = [
    path("", views.ComplianceView.as_view(), name="index"),
    path("posts/<int:post_id>/", views.ComplianceView.as_view(), name="post"),
    path("export/", views.ExportView.as_view(), name="export"),
]
