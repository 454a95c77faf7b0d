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
        checks.register(check_cryptonym_lists, checks.Tags.compatibility)


def check_cryptonym_lists(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """``defector check`` (and every start) reports an unusable cryptonym word or digraph list."""
    from defector.cases import cryptonyms

    return [
        checks.Error(problem, id="cases.E001", hint="Fix the list, or unset the setting.")
        for problem in cryptonyms.check_configuration()
    ]
