from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    """Posts, agencies, officials and their roles."""

    name = "defector.directory"
    label = "directory"
    verbose_name = "Directory"

    def ready(self) -> None:
        from defector.directory import access  # noqa: F401  (registers its access rules)
