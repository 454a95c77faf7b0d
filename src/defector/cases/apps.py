from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks


class CasesConfig(AppConfig):
    """Subjects and their cases, from the walk-in at the door to the status decision."""

    name = "defector.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from defector.cases import search
        from defector.cases.queries import register_case_sections, register_determinations

        checks.register(check_cryptonym_lists, checks.Tags.compatibility)
        # A migration that rebuilds the notes table drops SQLite's search triggers.
        post_migrate.connect(search.ensure_index, sender=self, dispatch_uid="cases-note-search")
        register_case_sections()
        register_determinations()
        from defector.cases.views_handling import register_sections as register_handling

        register_handling()


def check_cryptonym_lists(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """``defector check`` (and every start) reports an unusable cryptonym word or digraph list."""
    from defector.cases import cryptonyms

    return [
        checks.Error(problem, id="cases.E001", hint="Fix the list, or unset the setting.")
        for problem in cryptonyms.check_configuration()
    ]
