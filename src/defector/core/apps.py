from django.apps import AppConfig
from django.conf import settings

POSTGRESQL = "django.db.backends.postgresql"


class CoreConfig(AppConfig):
    """What every app uses: errors, API tokens, access, audit and sealing."""

    name = "defector.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        if any(db.get("ENGINE") == POSTGRESQL for db in settings.DATABASES.values()):
            from defector.core import postgres

            postgres.register_utc_datetime_dumpers()
