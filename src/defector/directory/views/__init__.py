"""The directory's pages (``/directory/``): posts, agencies, officials and compartments.

Every official (and every administrator) may look the directory up; only administrators see
the management forms, and anyone else gets 404 from a management address. Views are thin:
they read through ``queries``, write through ``actions``, and put an action's field errors
back on the form.
"""

from __future__ import annotations

from defector.directory.views.base import (
    PER_PAGE,
    SECTIONS,
    DirectoryPage,
    ManageFormMixin,
    ManagePage,
    page_of,
    query_without_page,
)
from defector.directory.views.browse import (
    AgenciesView,
    CompartmentsView,
    OfficialDetailView,
    OfficialsView,
    PostDetailView,
    PostsView,
)
from defector.directory.views.edit import (
    AgencyCreateView,
    AgencyEditView,
    CompartmentCreateView,
    CompartmentEditView,
    FormPage,
    OfficialCreateView,
    OfficialEditView,
    PostCreateView,
    PostEditView,
)
from defector.directory.views.officials import (
    GrantRoleView,
    OfficialChangeView,
    RevokeRoleView,
    SetActiveView,
    SetCompartmentsView,
)

__all__ = [
    "PER_PAGE",
    "SECTIONS",
    "AgenciesView",
    "AgencyCreateView",
    "AgencyEditView",
    "CompartmentCreateView",
    "CompartmentEditView",
    "CompartmentsView",
    "DirectoryPage",
    "FormPage",
    "GrantRoleView",
    "ManageFormMixin",
    "ManagePage",
    "OfficialChangeView",
    "OfficialCreateView",
    "OfficialDetailView",
    "OfficialEditView",
    "OfficialsView",
    "PostCreateView",
    "PostDetailView",
    "PostEditView",
    "PostsView",
    "RevokeRoleView",
    "SetActiveView",
    "SetCompartmentsView",
    "page_of",
    "query_without_page",
]
