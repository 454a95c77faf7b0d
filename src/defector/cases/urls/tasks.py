"""Tasks (``6b(3)(d)``): assign one, its page and the forms that answer or change it."""

from __future__ import annotations

from django.urls import URLPattern, path

from defector.cases import views

urlpatterns: list[URLPattern] = [
    path("<int:case_id>/invited/", views.InviteView.as_view(), name="invite"),
    path(
        "<int:case_id>/invited/withdraw/",
        views.WithdrawInvitationView.as_view(),
        name="invite-withdraw",
    ),
    path(
        "<int:case_id>/tasks/",
        views.TaskAddView.as_view(),
        name="task-add",
    ),
    path(
        "<int:case_id>/tasks/<int:item_id>/",
        views.TaskPageView.as_view(),
        name="task",
    ),
    path(
        "<int:case_id>/tasks/<int:item_id>/<slug:verb>/",
        views.TaskPageView.as_view(http_method_names=["post"]),
        name="task-act",
    ),
]
