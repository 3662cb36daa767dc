from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = _("Pages")

    def ready(self):
        from articles import sitemaps
        from documents import visibility

        from . import demo, signals  # noqa: F401
        from .models import document_shown_by_page
        from .sitemaps import PageSitemap

        # /sitemap-pages.xml, listed in /sitemap.xml: articles never imports pages.
        sitemaps.register("pages", PageSitemap)
        # A document a published page shows reaches readers, as one an article shows does.
        visibility.register(document_shown_by_page)
