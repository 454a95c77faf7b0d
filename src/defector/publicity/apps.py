from __future__ import annotations

from django.apps import AppConfig


class PublicityConfig(AppConfig):
    """Publicity and surfacing of a defector (``6f``, ``5a(5)``, ``5a(6)``): the local
    committee's proposal, the sign-offs of State and USIA, the IDC's decision and the release."""

    name = "defector.publicity"
    label = "publicity"
    verbose_name = "Publicity"

    def ready(self) -> None:
        from defector.publicity import access  # noqa: F401  (registers its access rules)
