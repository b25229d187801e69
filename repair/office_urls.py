"""The staff back office, mounted at /office/."""

from django.urls import include, path

from repair import office_views

app_name = "office"

urlpatterns = [
    path("", office_views.queue, name="queue"),
    path("cases/<int:pk>/", office_views.case_detail, name="case"),
    path("cases/<int:pk>/transition/", office_views.transition, name="transition"),
    path("cases/<int:pk>/note/", office_views.add_note, name="note"),
    path("cases/<int:pk>/extend/", office_views.extend, name="extend"),
    path("shields/", office_views.shields, name="shields"),
    path("shields/<int:pk>/end/", office_views.shield_end, name="shield-end"),
    path("calendar/", office_views.calendar, name="calendar"),
    path("authorities/", office_views.authority_suggest, name="authority-suggest"),
    path("timeliness/", office_views.timeliness, name="timeliness"),
    path("bindings/", include("accounts.office_urls")),
]
