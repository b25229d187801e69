from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("subjects/<str:key>/report.pdf", views.report_pdf, name="pdf"),
    path("reports/verify/", views.verify, name="verify"),
    path("reports/signing-certificate.pem", views.signing_certificate, name="certificate"),
]
