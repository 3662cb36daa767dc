"""The pages' page-cache tags and the footer's menu, read on every page: cached so that it costs no query once warm.

- ``page:7`` — what a page shows of itself (title, text): its own page, its parent's and its
  children's (which name it);
- ``footer`` — the footer's menu, on every HTML page (like articles.caching.MENU for the sections).
"""

from typing import NamedTuple

from django.core.cache import cache

import pagecache

from .models import Page

FOOTER = "footer"
FOOTER_CACHE_KEY = "pages:footer-links"
FOOTER_CACHE_SECONDS = 300


def page_tag(pk) -> str:
    return f"page:{pk}"


class FooterLink(NamedTuple):
    title: str
    url: str


def footer_links() -> list[FooterLink]:
    """The published pages of the footer, in the editors' order: one query once every five minutes, or after a change."""
    links = cache.get(FOOTER_CACHE_KEY)
    if links is None:
        pages = Page.objects.published().in_footer().only("title", "slug")
        links = [FooterLink(page.title, page.get_absolute_url()) for page in pages]
        cache.set(FOOTER_CACHE_KEY, links, FOOTER_CACHE_SECONDS)
    return links


def tagged_footer_links() -> list[FooterLink]:
    # Every page kept with the footer carries its tag: a change to the footer purges them all.
    pagecache.depends_on(FOOTER)
    return footer_links()
