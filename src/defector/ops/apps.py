from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operators' tools: the demo data and the commands that stand above every app."""

    name = "defector.ops"
    label = "ops"
    verbose_name = "Operations"
