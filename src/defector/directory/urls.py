"""The directory's pages (namespace ``directory``); management addresses are 404 to all but
administrators."""

from django.urls import path

from defector.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.PostsView.as_view(), name="index"),
    path("posts/new/", views.PostCreateView.as_view(), name="post-create"),
    path("posts/<int:pk>/", views.PostDetailView.as_view(), name="post"),
    path("posts/<int:pk>/edit/", views.PostEditView.as_view(), name="post-edit"),
    path("agencies/", views.AgenciesView.as_view(), name="agencies"),
    path("agencies/new/", views.AgencyCreateView.as_view(), name="agency-create"),
    path("agencies/<int:pk>/edit/", views.AgencyEditView.as_view(), name="agency-edit"),
    path("compartments/", views.CompartmentsView.as_view(), name="compartments"),
    path("compartments/new/", views.CompartmentCreateView.as_view(), name="compartment-create"),
    path(
        "compartments/<int:pk>/edit/",
        views.CompartmentEditView.as_view(),
        name="compartment-edit",
    ),
    path("officials/", views.OfficialsView.as_view(), name="officials"),
    path("officials/new/", views.OfficialCreateView.as_view(), name="official-create"),
    path("officials/<int:pk>/", views.OfficialDetailView.as_view(), name="official"),
    path("officials/<int:pk>/edit/", views.OfficialEditView.as_view(), name="official-edit"),
    path("officials/<int:pk>/roles/", views.GrantRoleView.as_view(), name="role-grant"),
    path(
        "officials/<int:pk>/roles/<int:role_id>/revoke/",
        views.RevokeRoleView.as_view(),
        name="role-revoke",
    ),
    path(
        "officials/<int:pk>/compartments/",
        views.SetCompartmentsView.as_view(),
        name="official-compartments",
    ),
    path(
        "officials/<int:pk>/deactivate/",
        views.SetActiveView.as_view(active=False),
        name="official-deactivate",
    ),
    path(
        "officials/<int:pk>/reactivate/",
        views.SetActiveView.as_view(active=True),
        name="official-reactivate",
    ),
]
