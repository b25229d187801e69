"""Log in / log out, unnamespaced as django.contrib.auth expects (LOGIN_URL = "login")."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts.forms import EmailAuthenticationForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html",
            authentication_form=EmailAuthenticationForm,
            redirect_authenticated_user=True,
            # Without ?next=, the account page (Django's default /accounts/profile/ does not exist).
            next_page=reverse_lazy("accounts:dashboard"),
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(template_name="accounts/logged_out.html"), name="logout"),
]
