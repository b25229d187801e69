from django.urls import path

from repair import views

app_name = "repair"

urlpatterns = [
    path("", views.home, name="home"),
    path("check/<str:key>/", views.check, name="check"),
    path("status/", views.status_lookup, name="status"),
    path("subjects/<str:key>/apply/", views.apply, name="apply"),
    path("subjects/<str:key>/object/", views.object_to_record, name="object"),
    path("cases/<str:tracking_no>/", views.case_detail, name="case"),
    path("cases/<str:tracking_no>/withdraw/", views.withdraw, name="withdraw"),
    path("cases/<str:tracking_no>/materials/", views.supply_materials, name="materials"),
    path("cases/<str:tracking_no>/decision.pdf", views.decision_pdf, name="decision"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
]
