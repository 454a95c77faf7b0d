"""The shell's pages (namespace ``web``)."""

from django.urls import path

from defector.accounts import views as accounts_views
from defector.web import views

app_name = "web"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    # Signing in and out belong to the accounts app; their addresses and names stay here.
    path("sign-in/", accounts_views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", accounts_views.SignOutView.as_view(), name="sign-out"),
    path("assess/", views.AssessView.as_view(), name="assess"),
    path("directive/", views.DirectiveView.as_view(), name="directive"),
]
