"""sitemap.xml: only subjects and records disclosed now.

Django's sitemap index splits each section into pages of `limit` URLs, so a
large register becomes /sitemap.xml -> /sitemap-records.xml?p=1, ?p=2, ...
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from disclosure import selectors


class SubjectSitemap(Sitemap):
    limit = 10000
    changefreq = "daily"

    def items(self):
        return selectors.sitemap_subjects()

    def location(self, subject) -> str:
        return reverse("disclosure:subject", kwargs={"key": subject.key})

    def lastmod(self, subject):
        return subject.updated_at


class RecordSitemap(Sitemap):
    limit = 10000
    changefreq = "weekly"

    def items(self):
        return selectors.sitemap_records()

    def location(self, record) -> str:
        return reverse("disclosure:record", kwargs={"pk": record.pk})

    def lastmod(self, record):
        return record.updated_at


class PageSitemap(Sitemap):
    changefreq = "monthly"

    def items(self) -> list[tuple[str, dict]]:
        pages = [("disclosure:home", {}), ("disclosure:lists", {})]
        pages += [(f"disclosure:help-{topic}", {}) for topic in ("periods", "repair", "objections")]
        pages += [("disclosure:list", {"code": credit_list.code}) for credit_list in selectors.credit_lists()]
        return pages

    def location(self, item: tuple[str, dict]) -> str:
        name, kwargs = item
        return reverse(name, kwargs=kwargs)


SITEMAPS = {"pages": PageSitemap, "subjects": SubjectSitemap, "records": RecordSitemap}
