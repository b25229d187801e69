"""Pages of the data services. Included before the portal's pages."""

from django.urls import path

from dataservices import feeds, views

app_name = "dataservices"

urlpatterns = [
    path("check/", views.check_page, name="check"),
    path("open-data/", views.open_data_page, name="open-data"),
    path("open-data/files/<str:name>", views.open_data_file, name="open-data-file"),
    path("help/open-data/", views.open_data_terms, name="help-open-data"),
    path("subjects/<str:key>/feed/", feeds.SubjectChangesFeed(), name="subject-feed"),
    path("subjects/<str:key>/follow/", views.follow, name="follow"),
    path("alerts/confirm/<str:token>/", views.subscription_confirm, name="subscription-confirm"),
    path("alerts/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
