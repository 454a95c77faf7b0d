"""Directory writes: agencies, posts, compartments, officials, their roles, and the CSV import.

Every action takes a keyword-only ``acting_user``; ``None`` means an operator at the console
(``defector import_directory``, ``defector demo``), recorded in the audit log as the system.
Only administrators manage the directory (``core.access``: the ``directory`` rule): creating
as anyone else is refused (403), and changing a particular row answers as if it did not
exist (404). Each action validates everything first and raises :class:`InvalidInput` listing
every bad field, so nothing partial is saved; then it makes its change in one transaction
with one audit record (before and after) per change.
"""

from __future__ import annotations

from defector.directory.actions.agencies import (
    AGENCY_FIELDS,
    create_agency,
    update_agency,
)
from defector.directory.actions.bulk_import import (
    ImportSummary,
    import_directory,
)
from defector.directory.actions.common import (
    CODE_RE,
    OPERATOR,
    WASHINGTON,
    Check,
    Errors,
    RoleSpec,
)
from defector.directory.actions.compartments import (
    create_compartment,
    update_compartment,
)
from defector.directory.actions.officials import (
    OFFICIAL_FIELDS,
    USER_FIELDS,
    create_official,
    deactivate_official,
    grant_role,
    official_state,
    reactivate_official,
    revoke_role,
    role_state,
    set_compartments,
    update_official,
)
from defector.directory.actions.posts import (
    POST_FIELDS,
    create_post,
    update_post,
)

__all__ = [
    "AGENCY_FIELDS",
    "CODE_RE",
    "OFFICIAL_FIELDS",
    "OPERATOR",
    "POST_FIELDS",
    "USER_FIELDS",
    "WASHINGTON",
    "Check",
    "Errors",
    "ImportSummary",
    "RoleSpec",
    "create_agency",
    "create_compartment",
    "create_official",
    "create_post",
    "deactivate_official",
    "grant_role",
    "import_directory",
    "official_state",
    "reactivate_official",
    "revoke_role",
    "role_state",
    "set_compartments",
    "update_agency",
    "update_compartment",
    "update_official",
    "update_post",
]
