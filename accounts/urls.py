from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("register/", views.register, name="register"),
    path("verify/resend/", views.resend_confirmation, name="verify-resend"),
    path("verify/<str:uidb64>/<str:token>/", views.verify, name="verify"),
    path("bindings/<int:pk>/proof/", views.proof_file, name="proof"),
]
