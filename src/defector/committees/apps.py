from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.apps import AppConfig, apps
from django.core import checks
from django.db import DatabaseError


class CommitteesConfig(AppConfig):
    """Local Defector Committees: meetings, minutes, procedures, briefings and guidance."""

    name = "defector.committees"
    label = "committees"
    verbose_name = "Committees"

    #: The codes of the posts with diplomatic representation and no committee (set in ready()).
    unserved_posts: Callable[[], list[str]]

    def ready(self) -> None:
        from defector.cases import clocks
        from defector.committees import queries
        from defector.committees.receivers import on_post_saved
        from defector.directory.signals import post_saved

        self.unserved_posts = queries.posts_without_committee_codes
        checks.register(check_posts_have_committees, checks.Tags.database)
        # The cases app takes the post's clocks from the effective procedures (6b).
        clocks.register_provider(queries.case_clocks)
        post_saved.connect(on_post_saved, dispatch_uid="committees.on_post_saved")
        from defector.committees import access  # noqa: F401  (registers its access rules)


def check_posts_have_committees(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """``defector check --database default`` warns of posts with diplomatic representation and
    no committee (``6``)."""
    config = cast(CommitteesConfig, apps.get_app_config("committees"))
    try:
        codes = config.unserved_posts()
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
