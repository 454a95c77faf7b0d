"""The cases router, mounted at ``/api/v1/cases``: one module per part of the case. Intake,
notes, the case itself and its obligations add their routes to the router
(``common.router``); determinations, inducement, bona fides, statements and tasks are routers
of their own, added to it in that order.

Thin: each endpoint calls one query or action. A case the caller may not see answers 404,
exactly as a case that does not exist. Every change takes the version of the case the caller
read — ``version`` in the body or an ``If-Match`` header (``GET /cases/{id}`` answers with the
version as its ``ETag``) — and answers 409 when someone changed the case since.

The intake and note-search routes come before the case's own: ``/walk-ins`` and
``/notes/search`` are not case ids.
"""

from __future__ import annotations

# The order of these imports is the order of the routes: the fixed paths of intake and of the
# note search (``/walk-ins``, ``/notes/search``) come before the case's ``/{case_id}``.
# isort: off
from defector.cases.api import intake, notes  # noqa: F401  (they add their routes)
from defector.cases.api import case, obligations  # noqa: F401  (they add their routes)

# isort: on
from defector.cases.api.bona_fides import router as bona_fides_router
from defector.cases.api.common import router
from defector.cases.api.determination import router as determination_router
from defector.cases.api.inducement import router as inducement_router
from defector.cases.api.statements import router as statements_router
from defector.cases.api.tasks import router as tasks_router

for part in (
    determination_router,
    inducement_router,
    bona_fides_router,
    statements_router,
    tasks_router,
):
    router.add_router("", part)

__all__ = ["router"]
