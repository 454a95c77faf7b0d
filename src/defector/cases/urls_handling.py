"""URLs of the handling pages (in the ``cases`` namespace, included by ``cases.urls``): bona
fides (``6b(3)(b)``), the voluntary statement (``6b(3)(c)``), tasks (``6b(3)(d)``)."""

from django.urls import path

from defector.cases import views_handling as views

urlpatterns = [
    path(
        "<int:case_id>/bona-fides/checks/",
        views.CheckAddView.as_view(),
        name="check-add",
    ),
    path(
        "<int:case_id>/bona-fides/checks/<int:item_id>/",
        views.CheckPageView.as_view(),
        name="check",
    ),
    path(
        "<int:case_id>/bona-fides/checks/<int:item_id>/<slug:verb>/",
        views.CheckPageView.as_view(http_method_names=["post"]),
        name="check-act",
    ),
    path(
        "<int:case_id>/bona-fides/verdicts/",
        views.VerdictAddView.as_view(),
        name="verdict-add",
    ),
    path(
        "<int:case_id>/statements/new/",
        views.StatementNewView.as_view(),
        name="statement-new",
    ),
    path(
        "<int:case_id>/statements/<int:item_id>/",
        views.StatementPageView.as_view(),
        name="statement",
    ),
    path(
        "<int:case_id>/statements/<int:item_id>/file/",
        views.StatementFileView.as_view(),
        name="statement-file",
    ),
    path(
        "<int:case_id>/statements/<int:item_id>/<slug:verb>/",
        views.StatementPageView.as_view(http_method_names=["post"]),
        name="statement-act",
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
