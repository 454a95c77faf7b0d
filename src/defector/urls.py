"""The site's URLs: the web pages and the API."""

from django.urls import include, path

from defector.api import api

urlpatterns = [
    # Probes and the metrics first: resolved before anything else, with no session.
    path("", include("defector.ops.urls")),
    path("api/v1/", api.urls),
    path("directory/", include("defector.directory.urls")),
    path("cases/", include("defector.cases.urls")),
    path("committees/", include("defector.committees.urls")),
    path("escalations/", include("defector.escalations.urls")),
    path("dissemination/", include("defector.dissemination.urls")),
    path("notifications/", include("defector.notifications.urls")),
    path("traces/", include("defector.traces.urls")),
    path("exploitation/", include("defector.exploitation.urls")),
    path("publicity/", include("defector.publicity.urls")),
    path("compliance/", include("defector.compliance.urls")),
    path("powers/", include("defector.powers.urls")),
    path("reports/", include("defector.reports.urls")),
    path("audit/", include("defector.core.urls")),
    path("account/", include("defector.accounts.urls")),
    path("", include("defector.web.urls")),
]

handler400 = "defector.web.views.bad_request"
handler403 = "defector.web.views.permission_denied"
handler404 = "defector.web.views.page_not_found"
handler500 = "defector.web.views.server_error"
