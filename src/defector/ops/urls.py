"""The health checks and the metrics (namespace ``ops``), at the root of the site."""

from django.urls import path

from defector.ops import views

app_name = "ops"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
]
