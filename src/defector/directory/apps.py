from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    """Posts, agencies, officials and their roles."""

    name = "defector.directory"
    label = "directory"
    verbose_name = "Directory"
