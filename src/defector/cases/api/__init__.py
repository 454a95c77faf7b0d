"""The cases router, mounted at ``/api/v1/cases``: one module per part of the case. Intake,
notes, the case itself, its obligations, determinations, inducement, bona fides, statements
and tasks add their routes, in that order, to the one router (``common.router``).

Thin: each endpoint calls one query or action. A case the caller may not see answers 404,
exactly as a case that does not exist. Every change takes the version of the case the caller
read — ``version`` in the body or an ``If-Match`` header (``GET /cases/{id}`` answers with the
version as its ``ETag``) — and answers 409 when someone changed the case since.

The intake, note-search and moves routes come before the case's own: ``/walk-ins``,
``/notes/search`` and ``/transfers`` are not case ids.
"""

from __future__ import annotations

# The order of these imports is the order of the routes: the fixed paths of intake and of the
# note search (``/walk-ins``, ``/notes/search``) come before the case's ``/{case_id}``.
# isort: off
from defector.cases.api import intake, notes, transfers  # noqa: F401  (they add their routes)
from defector.cases.api import case, obligations  # noqa: F401  (they add their routes)
from defector.cases.api import determination, inducement  # noqa: F401  (they add their routes)
from defector.cases.api import bona_fides, statements, tasks  # noqa: F401  (they add their routes)

# isort: on
from defector.cases.api.common import router

__all__ = ["router"]
