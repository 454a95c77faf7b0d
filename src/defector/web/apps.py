from django.apps import AppConfig


class WebConfig(AppConfig):
    """The shell (layout, home, sign-in) and the faces of the pure policy package."""

    name = "defector.web"
    label = "web"
    verbose_name = "Web"
