"""The site menu, read on every page: cached so that it costs no query once warm."""

from django.core.cache import cache

MENU_CACHE_KEY = "articles:menu-sections"
MENU_CACHE_SECONDS = 300


def menu_sections():
    sections = cache.get(MENU_CACHE_KEY)
    if sections is None:
        from .models import Section

        sections = list(Section.objects.only("name", "slug", "menu_position"))
        cache.set(MENU_CACHE_KEY, sections, MENU_CACHE_SECONDS)
    return sections
