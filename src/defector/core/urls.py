"""URLs of the audit pages (namespace ``audit``), for auditors only."""

from django.urls import path

from defector.core import views

app_name = "audit"

urlpatterns = [
    path("", views.AuditIndexView.as_view(), name="index"),
    path("events/<int:seq>/", views.AuditEventView.as_view(), name="event"),
    path("verify/", views.AuditVerifyView.as_view(), name="verify"),
    path("export/", views.AuditExportView.as_view(), name="export"),
]
