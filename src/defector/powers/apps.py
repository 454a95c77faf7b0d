from __future__ import annotations

from django.apps import AppConfig


class PowersConfig(AppConfig):
    """Washington's powers (``1``, ``3``): presidential directions, theaters of war and DCI
    determinations, entered by the DCI's delegate."""

    name = "defector.powers"
    label = "powers"
    verbose_name = "Washington's powers"

    def ready(self) -> None:
        from defector.powers import access  # noqa: F401  (registers its access rules)
