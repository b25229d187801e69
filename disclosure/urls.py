"""Public HTML pages (DESIGN.md, "Public contract")."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from disclosure import views
from disclosure.sitemaps import SITEMAPS

app_name = "disclosure"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_results, name="search"),
    path("subjects/<str:key>/", views.subject_detail, name="subject"),
    path("records/<int:pk>/", views.record_detail, name="record"),
    path("lists/", views.list_index, name="lists"),
    path("lists/<slug:code>/", views.list_detail, name="list"),
    path("help/periods/", views.help_page, {"topic": "periods"}, name="help-periods"),
    path("help/repair/", views.help_page, {"topic": "repair"}, name="help-repair"),
    path("help/objections/", views.help_page, {"topic": "objections"}, name="help-objections"),
    path("robots.txt", views.robots_txt, name="robots"),
    # A sitemap index, paginated per section when large (disclosure.sitemaps).
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "disclosure:sitemap-section"},
        name="sitemap-index",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
]
