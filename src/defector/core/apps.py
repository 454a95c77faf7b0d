from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.db.backends.signals import connection_created

from defector.core import config

POSTGRESQL = "django.db.backends.postgresql"


class CoreConfig(AppConfig):
    """What every app uses: errors, API tokens, access, audit and sealing."""

    name = "defector.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        import datetime as dt

        from defector.core import sweeps, worker
        from defector.core.checks import check_static_manifest

        sweeps.register(
            "core.finished_tasks", worker.prune_finished_tasks, every=dt.timedelta(hours=1)
        )

        checks.register(check_static_manifest, checks.Tags.staticfiles, deploy=True)
        connection_created.connect(config.keep_sqlite_files_private, dispatch_uid="private-sqlite")
        if any(db.get("ENGINE") == POSTGRESQL for db in settings.DATABASES.values()):
            from defector.core import postgres

            postgres.register_utc_datetime_dumpers()
