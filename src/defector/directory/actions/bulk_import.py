"""The CSV import: every row through the same actions as the pages and the API."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from defector.core import audit
from defector.core.errors import InvalidInput
from defector.core.users import AnyUser
from defector.directory import importing
from defector.directory.actions.agencies import create_agency
from defector.directory.actions.common import (
    OPERATOR,
    require_administrator,
)
from defector.directory.actions.compartments import create_compartment
from defector.directory.actions.officials import create_official
from defector.directory.actions.posts import create_post
from defector.directory.choices import AgencyKind, PostKind


@dataclass
class ImportSummary:
    """What an import added, by kind, and the accounts that still need a password."""

    source: str = ""
    agencies: int = 0
    compartments: int = 0
    posts: int = 0
    officials: int = 0
    roles: int = 0
    linked: list[str] = field(default_factory=list)
    without_password: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """``1 agency, 2 posts, 3 officials, 4 roles`` (kinds with none left out)."""
        singular = {
            "agencies": "agency",
            "compartments": "compartment",
            "posts": "post",
            "officials": "official",
            "roles": "role",
        }
        parts = [
            f"{number} {name if number != 1 else singular[name]}"
            for name, number in self.counts().items()
            if number
        ]
        return ", ".join(parts) or "nothing"

    def counts(self) -> dict[str, int]:
        return {
            "agencies": self.agencies,
            "compartments": self.compartments,
            "posts": self.posts,
            "officials": self.officials,
            "roles": self.roles,
        }


def _import_row(
    acting_user: AnyUser | None, row: importing.Row, summary: ImportSummary, reason: str
) -> None:
    values = dict(row.values)
    if row.kind == "agency":
        create_agency(
            acting_user=acting_user,
            code=values.get("code", ""),
            name=values.get("name", ""),
            kind=values.get("agency_kind", AgencyKind.AGENCY),
        )
        summary.agencies += 1
    elif row.kind == "compartment":
        create_compartment(
            acting_user=acting_user, code=values.get("code", ""), name=values.get("name", "")
        )
        summary.compartments += 1
    elif row.kind == "post":
        representation = importing.flag(values.get("diplomatic_representation", "yes"))
        if representation is None:
            raise InvalidInput(
                [{"field": "diplomatic_representation", "message": "must be yes or no"}]
            )
        create_post(
            acting_user=acting_user,
            code=values.get("code", ""),
            name=values.get("name", ""),
            kind=values.get("post_kind", PostKind.EMBASSY),
            country=values.get("country", ""),
            city=values.get("city", ""),
            diplomatic_representation=representation,
        )
        summary.posts += 1
    else:
        username = values.get("username", "")
        roles = importing.roles(values.get("roles", ""), values.get("post", ""))
        existed = get_user_model().objects.filter(username__iexact=username).exists()
        official = create_official(
            acting_user=acting_user,
            username=username,
            first_name=values.get("first_name", ""),
            last_name=values.get("last_name", ""),
            email=values.get("email", ""),
            title=values.get("title", ""),
            agency=values.get("agency", ""),
            post=values.get("post") or None,
            clearance=values.get("clearance", ""),
            compartments=values.get("compartments", "").split(),
            roles=roles,
            link_existing=True,
            reason=reason,
        )
        summary.officials += 1
        summary.roles += len(roles)
        if existed:
            summary.linked.append(official.user.get_username())
        if not official.user.has_usable_password():
            summary.without_password.append(official.user.get_username())


@transaction.atomic
def import_directory(*, acting_user: AnyUser | None, text: str, source: str = "") -> ImportSummary:
    """Import agencies, compartments, posts and officials from one CSV file (``importing``).

    Every row is checked, through the same actions as the pages and the API, in one
    transaction; if any row is bad, every error is raised together — each as
    ``row N: column`` — and nothing is imported.
    """
    require_administrator(acting_user)
    parsed = importing.parse(text)
    errors = list(parsed.errors)
    bad_lines = {error.line for error in errors}
    summary = ImportSummary(source=source)
    reason = f"imported from {source}" if source else "imported from a directory file"
    for row in parsed.rows:
        if row.line in bad_lines:
            continue
        try:
            with transaction.atomic():
                _import_row(acting_user, row, summary, reason)
        except InvalidInput as exc:
            errors.extend(
                importing.RowError(row.line, row.column(e["field"]), e["message"])
                for e in exc.errors
            )
    if errors:
        errors.sort(key=lambda error: error.line)
        raise InvalidInput(
            [error.as_error() for error in errors],
            message=f"nothing was imported: {len(errors)} error(s)",
        )
    audit.record(
        actor=acting_user,
        action="directory.directory.import",
        object_type="directory.import",
        object_id=source[:64],
        after={**summary.counts(), "source": source},
        reason=reason if acting_user is not None else f"{reason}, {OPERATOR}",
    )
    return summary
