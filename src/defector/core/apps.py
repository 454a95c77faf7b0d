from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app uses: errors, API tokens, access, audit and sealing."""

    name = "defector.core"
    label = "core"
    verbose_name = "Core"
