"""URLs of the committees pages (namespace ``committees``)."""

from django.urls import path

from defector.committees import views

app_name = "committees"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("minutes-received/", views.MinutesReceivedView.as_view(), name="minutes-received"),
    path("<int:committee_id>/", views.CommitteeView.as_view(), name="detail"),
    path("<int:committee_id>/calendar.ics", views.CalendarFeedView.as_view(), name="calendar"),
    path("<int:committee_id>/procedures/", views.ProceduresView.as_view(), name="procedures"),
    path("<int:committee_id>/senior/", views.SeniorView.as_view(), name="senior"),
    path("meetings/<int:meeting_id>/", views.MeetingView.as_view(), name="meeting"),
    path(
        "meetings/<int:meeting_id>/meeting.ics", views.MeetingIcsView.as_view(), name="meeting-ics"
    ),
    path(
        "procedures/<int:version_id>/",
        views.ProceduresVersionView.as_view(),
        name="procedures-version",
    ),
    path(
        "procedures/<int:version_id>/diff/",
        views.ProceduresDiffView.as_view(),
        name="procedures-diff",
    ),
    path("guidance/<int:version_id>/", views.GuidanceView.as_view(), name="guidance"),
]
