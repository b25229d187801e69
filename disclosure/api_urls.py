"""URLs of the public API, mounted at /api/v1/ (DESIGN.md, "API")."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from dataservices import api as dataservices_api
from disclosure import api

app_name = "api"

urlpatterns = [
    path("", api.ApiIndexView.as_view(), name="index"),
    path("subjects/", api.SubjectSearchView.as_view(), name="subjects"),
    path("subjects/<str:uscc>/", api.SubjectDetailView.as_view(), name="subject"),
    path("subjects/<str:uscc>/listings/", api.SubjectListingsView.as_view(), name="subject-listings"),
    path("records/", api.RecordListView.as_view(), name="records"),
    path("lists/", api.CreditListListView.as_view(), name="lists"),
    path("lists/<str:code>/entries/", api.ListEntriesView.as_view(), name="list-entries"),
    path("checks/", api.CheckView.as_view(), name="checks"),
    path("changes/", api.ChangesView.as_view(), name="changes"),
    path("webhooks/", dataservices_api.WebhookListView.as_view(), name="webhooks"),
    path("webhooks/<str:pk>/", dataservices_api.WebhookDetailView.as_view(), name="webhook"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
