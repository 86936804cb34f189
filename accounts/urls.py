from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("login/code/", views.otp_verify, name="otp-verify"),
    path("account/two-step/", views.otp_setup, name="otp-setup"),
    path("account/settings/", views.staff_settings, name="settings"),
    path("account/keepalive/", views.keepalive, name="keepalive"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
