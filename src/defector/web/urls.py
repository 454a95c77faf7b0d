"""The shell's pages (namespace ``web``)."""

from django.urls import path

from defector.web import views

app_name = "web"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("assess/", views.AssessView.as_view(), name="assess"),
    path("directive/", views.DirectiveView.as_view(), name="directive"),
]
