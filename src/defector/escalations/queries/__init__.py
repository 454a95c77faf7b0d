"""Reads of the escalations app for display, with access control applied (``core.access``).

The problem list of the page and of the API are one query with one set of filters
(:class:`ProblemFilters`); a problem's page and ``GET /problems/{id}`` share :func:`describe`,
which also says which steps of ``6c`` the user may take now. The committees' agenda reads
:func:`open_problems_for_post`.
"""

from __future__ import annotations

from defector.escalations.queries.details import (
    CommunicationView,
    OfficialRef,
    ProblemRow,
    ProblemView,
    ReferralView,
    ResolutionView,
    UrgentView,
    describe,
    idc_status_of,
    ref,
    rows,
)
from defector.escalations.queries.problems import (
    MAX_QUERY_LENGTH,
    ProblemFilters,
    access_problem,
    active_agencies,
    cases_visible,
    open_problems_for_post,
    posts_with_problems,
    problem_detail,
    problems_for,
)
from defector.escalations.queries.seats import (
    can_raise_problems,
    cia_members,
    is_idc,
    is_member,
    is_participant,
    is_senior_representative,
    may_take,
    posts_for_raising,
    senior_representatives,
    steps_for,
)

__all__ = [
    "MAX_QUERY_LENGTH",
    "CommunicationView",
    "OfficialRef",
    "ProblemFilters",
    "ProblemRow",
    "ProblemView",
    "ReferralView",
    "ResolutionView",
    "UrgentView",
    "access_problem",
    "active_agencies",
    "can_raise_problems",
    "cases_visible",
    "cia_members",
    "describe",
    "idc_status_of",
    "is_idc",
    "is_member",
    "is_participant",
    "is_senior_representative",
    "may_take",
    "open_problems_for_post",
    "posts_for_raising",
    "posts_with_problems",
    "problem_detail",
    "problems_for",
    "ref",
    "rows",
    "senior_representatives",
    "steps_for",
]
