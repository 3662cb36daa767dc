from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator

from .models import Page


class PageSitemap(Sitemap):
    """/sitemap-pages.xml: the published pages, with their last change.

    A site has a few dozen pages: read once, in one query, for the index's count and date alike.
    """

    changefreq = "yearly"
    priority = 0.3

    @cached_property
    def published(self) -> list[Page]:
        return list(Page.objects.published().only("slug", "updated_at").order_by("pk"))

    def items(self):
        return self.published

    @property
    def paginator(self):
        return Paginator(self.published, self.limit)

    def lastmod(self, page):
        return page.updated_at

    def get_latest_lastmod(self):
        return max((page.updated_at for page in self.published), default=None)
