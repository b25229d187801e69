from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("disclosure.api_urls")),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="api:schema", template_name="dataservices/api_docs.html"),
        name="api-docs",
    ),
    # /check/, /open-data/, /subjects/<key>/feed/: before the portal's pages.
    path("", include("dataservices.urls")),
    path("accounts/", include("accounts.auth_urls")),
    path("accounts/", include("accounts.urls")),
    path("repair/", include("repair.urls")),
    path("office/", include("repair.office_urls")),
    # /subjects/<key>/report.pdf and /reports/verify/.
    path("", include("reports.urls")),
    # The public portal's pages; last, so that the apps above match first.
    path("", include("disclosure.urls")),
]
