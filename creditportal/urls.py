from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.auth_urls")),
    path("accounts/", include("accounts.urls")),
    path("repair/", include("repair.urls")),
    path("office/", include("repair.office_urls")),
    # The public portal's pages; last, so that the apps above match first.
    path("", include("disclosure.urls")),
]
