from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

urlpatterns = [
    path("account/", views.profile, name="profile"),
    path("account/signup/", views.signup, name="signup"),
    path("account/verify/", views.verify_email_resend, name="email_verify_resend"),
    path("account/verify/<str:uidb64>/<str:token>/", views.verify_email, name="email_verify"),
    path(
        "account/login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
]
