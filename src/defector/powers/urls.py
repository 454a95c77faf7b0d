"""URLs of Washington's powers (namespace ``powers``): ``1`` and ``3``."""

from django.urls import path

from defector.powers import views

app_name = "powers"

urlpatterns = [
    path("", views.PowersView.as_view(), name="index"),
    path("new/", views.RecordPowerView.as_view(), name="new"),
    path("<int:power_id>/revoke/", views.RevokePowerView.as_view(), name="revoke"),
]
