from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("register/", views.register, name="register"),
    path("verify/resend/", views.resend_confirmation, name="verify-resend"),
    path("verify/<str:uidb64>/<str:token>/", views.verify, name="verify"),
    path("bindings/<int:pk>/proof/", views.proof_file, name="proof"),
    path("two-factor/", views.two_factor, name="two-factor"),
    path("two-factor/setup/", views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/recovery-codes/", views.recovery_codes_renew, name="recovery-codes"),
]
