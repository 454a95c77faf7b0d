"""The account pages (namespace ``accounts``), under ``/account/``. Signing in and out stays at
``/sign-in/`` and ``/sign-out/`` (``web:sign-in``, ``web:sign-out``; the views are here)."""

from django.urls import path

from defector.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.AccountView.as_view(), name="index"),
    path("verify/", views.VerifyView.as_view(), name="verify"),
    path("enrol/", views.EnrolView.as_view(), name="enrol"),
    path("recovery-codes/", views.RenewRecoveryCodesView.as_view(), name="recovery-codes"),
    path("tokens/", views.TokensView.as_view(), name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.RevokeTokenView.as_view(), name="token-revoke"),
]
