"""URLs of the notifications pages (namespace ``notifications``): What's new (``6e``)."""

from django.urls import path

from defector.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.WhatsNewView.as_view(), name="index"),
    path("acknowledge/", views.AcknowledgeView.as_view(), name="acknowledge"),
]
