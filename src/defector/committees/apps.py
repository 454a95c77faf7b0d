from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks


class CommitteesConfig(AppConfig):
    """Local Defector Committees: meetings, minutes, procedures, briefings and guidance."""

    name = "defector.committees"
    label = "committees"
    verbose_name = "Committees"

    def ready(self) -> None:
        checks.register(check_posts_have_committees, checks.Tags.database)
        register_clock_provider()
        from defector.committees.receivers import on_post_saved
        from defector.directory.signals import post_saved

        post_saved.connect(on_post_saved, dispatch_uid="committees.on_post_saved")
        from defector.committees import access  # noqa: F401  (registers its access rules)


def register_clock_provider() -> bool:
    """Give the cases app the post's clocks from the effective procedures (``6b``), when it
    takes providers (``defector.cases.clocks.register_provider``: a function of the post
    answering obligation identifiers and their time limits)."""
    try:
        from defector.cases import clocks  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return False
    register = getattr(clocks, "register_provider", None)
    if register is None:
        return False
    from defector.committees.queries import case_clocks

    register(case_clocks)
    return True


def check_posts_have_committees(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """``defector check --database default`` warns of posts with diplomatic representation and
    no committee (``6``)."""
    from django.db import DatabaseError

    from defector.committees.queries import posts_without_committee_codes

    try:
        codes = posts_without_committee_codes()
    except DatabaseError:  # not migrated yet: nothing to check
        return []
    if not codes:
        return []
    return [
        checks.Warning(
            f"{len(codes)} post(s) with diplomatic representation have no Defector Committee "
            f"(6): {', '.join(codes)}",
            id="committees.W001",
            hint="Run 'defector committees ensure' to create them.",
        )
    ]
