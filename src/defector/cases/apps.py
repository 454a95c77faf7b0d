from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks

from defector.cases import cryptonyms


class CasesConfig(AppConfig):
    """Subjects and their cases, from the walk-in at the door to the status decision."""

    name = "defector.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from defector.cases import (
            access,  # noqa: F401  (registers its access rules)
            search,
            sections,
        )
        from defector.cases.actions.powers import find_cases_for_power, reassess_for_power
        from defector.cases.queries import register_case_sections, register_guards
        from defector.cases.views.sections import FORM_SECTIONS
        from defector.powers.lookup import register_case_finder
        from defector.powers.signals import power_changed

        checks.register(check_cryptonym_lists, checks.Tags.compatibility)
        # A migration that rebuilds the notes table drops SQLite's search triggers.
        post_migrate.connect(search.ensure_index, sender=self, dispatch_uid="cases-note-search")
        register_case_sections()
        for section in FORM_SECTIONS:
            sections.register_section(section)
        register_guards()
        # Washington's powers (1, 3): a record names cases by cryptonym, and when one is
        # recorded or revoked the open cases it reaches are assessed again (same transaction).
        register_case_finder(find_cases_for_power)
        power_changed.connect(reassess_for_power, dispatch_uid="cases-reassess-for-power")


def check_cryptonym_lists(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """``defector check`` (and every start) reports an unusable cryptonym word or digraph list."""
    return [
        checks.Error(problem, id="cases.E001", hint="Fix the list, or unset the setting.")
        for problem in cryptonyms.check_configuration()
    ]
