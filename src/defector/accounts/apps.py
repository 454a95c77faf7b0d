from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in and out, the second factor, sessions, lockout, and the API tokens page."""

    name = "defector.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from defector.accounts import signals

        signals.connect()
